"""``python -m macros``: the handbook's command line."""

import sys

from .cli import main

sys.exit(main())
