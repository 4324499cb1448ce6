"""``python -m hrk_workbench.cli``: the console entry point, as ``hrk-workbench`` runs it."""

import sys

from hrk_workbench.__main__ import main

sys.exit(main())
