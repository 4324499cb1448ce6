"""GUI widgets (see the GUI contract for who owns which module)."""
