"""What every layer stands on: files (atomic writes, output checks, readers, CSV), problems
and reasons, web addresses, and texts in the steward's language."""
