"""``python -m parindex``: the same command line as ``parindex``."""

import sys

from parindex.cli import main

sys.exit(main())
