"""A user's script with two mistakes mypy --strict must catch (tests/test_typing.py).

Each line with a mistake ends in a comment that says which; the test asserts that mypy
reports exactly those lines and no other.
"""

from __future__ import annotations

import storykit


def convert(story: storykit.Story) -> list[str]:
    return [
        storykit.dumps(story, "json", indent=None),
        storykit.dumps(story, "jsonn"),  # error: a misspelt format name
        storykit.dumps(story, "html", standalone=True, indnet=2),  # error: a wrong option
        storykit.dumps(story, "markdown", standalone=True),  # error: another writer's option
    ]


def read(data: str) -> storykit.Story:
    story: storykit.Story = storykit.loads(data, "html")  # error: HTML is written, not read
    return story
