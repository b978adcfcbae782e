"""``python -m showcase``: the same as the ``showcase`` command."""
import sys

from showcase.cli import main

sys.exit(main())
