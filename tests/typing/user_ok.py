"""A user's script that mypy --strict passes: storykit's API is typed end to end.

tests/test_typing.py runs mypy on it (and on user_bad.py, which must fail where it says).
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import storykit
from storykit.formats import WriteFormat


def convert(story: storykit.Story, folder: Path) -> list[str]:
    texts = [
        storykit.dumps(story),
        storykit.dumps(story, "json", indent=None),
        storykit.dumps(story, "jsonl"),
        storykit.dumps(story, "text", check=False),
        storykit.dumps(story, "md", front_matter=False, heading_offset=1),
        storykit.dumps(story, "html", standalone=True, lang="pt-BR", index="index.html"),
        storykit.dumps(story, "jsonld", html_safe=True, body=False, lang=None),
        storykit.dumps(story, "ninjs", day_time=datetime.time(8, 30)),
    ]
    storykit.dump(story, folder / "story.html", standalone=False)
    storykit.dump(story, str(folder / "story.md"), "markdown", tags=False)
    out = io.StringIO()
    storykit.dump(story, out, format="jsonl")
    chosen: WriteFormat = "ninjs"
    texts.append(storykit.dumps(story, chosen))
    return texts


def read(path: Path, data: bytes) -> list[storykit.Story]:
    stories = [
        storykit.load(path),
        storykit.load(path, "text", splitter=None),
        storykit.loads(data, "json", filename="x.json"),
        storykit.loads(data, format="md"),
        storykit.loads(data.decode(), "ninjs"),
    ]
    title: str = stories[0].title
    assert title
    try:
        storykit.loads(data)
    except storykit.StoryError as exc:
        print(exc)
    return stories
