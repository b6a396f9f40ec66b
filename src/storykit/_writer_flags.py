"""The writers' keyword options the batch commands take, and the flags that set them.

``storykit convert`` passes ``--fragment``, ``--no-tags``, ``--heading-offset N``… to the
writer of the format it writes, as its keyword options (:data:`_FORMAT_OPTIONS`; which
format takes which: :data:`storykit.formats.WRITER_OPTIONS`), and a message names an
option as the flag that gave it (:func:`_flag`).
"""

from __future__ import annotations

_FORMAT_OPTIONS = (
    "standalone",
    "front_matter",
    "heading_offset",
    "image",
    "tags",
    "footer",
    "lang",
)
"""The writers' keyword options that ``convert`` takes (``--no-front-matter``…)."""


def _flag(option: str, value: object) -> str:
    """The flag that gave ``option`` ``value``, such as ``--no-tags`` or ``--fragment``."""
    if option == "standalone":
        return "--standalone" if value else "--fragment"
    name = option.replace("_", "-")
    return f"--no-{name}" if value is False else f"--{name}"
