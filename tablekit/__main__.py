"""``python -m tablekit``: the tablekit command (see tablekit/cli.py)."""
import sys

from tablekit.cli import main

sys.exit(main())
