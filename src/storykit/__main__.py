"""``python -m storykit``: the ``storykit`` command."""

import sys

from storykit.cli import main

if __name__ == "__main__":
    sys.exit(main())
