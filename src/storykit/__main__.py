"""``python -m storykit``: the ``storykit`` command."""

from storykit.cli import console

if __name__ == "__main__":
    console()
