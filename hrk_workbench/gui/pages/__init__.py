"""GUI pages (see the GUI contract for who owns which module)."""
