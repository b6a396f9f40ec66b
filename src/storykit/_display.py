"""The model's display, handed to it by the code that writes it.

:mod:`storykit.model` knows no format. How a story shows in a notebook (``_repr_html_``,
``_repr_markdown_``: :mod:`storykit.notebook`) and how a credit reads (``str(credit)``: the
dump's wording, :func:`storykit.formats.text.credit_line`) are registered with it here, by
:func:`register`, which ``import storykit`` calls before any story can exist. The modules
that write them are imported when first used, so ``import storykit`` stays light.
"""

from __future__ import annotations

from storykit import model

__all__ = ["register"]


def _html(story: model.Story) -> str:
    from storykit.notebook import story_html  # noqa: PLC0415 - imported on first use

    return story_html(story)


def _markdown(story: model.Story) -> str:
    from storykit.notebook import story_markdown  # noqa: PLC0415 - imported on first use

    return story_markdown(story) or ""  # "": none (Story._repr_markdown_ says None)


def _credit(credit: model.Credit) -> str:
    from storykit.formats.text import credit_line  # noqa: PLC0415 - imported on first use

    model._register_display("credit", credit_line)  # later calls go to it directly
    return credit_line(credit)


def register() -> None:
    """Give the model its notebook display and its credit wording."""
    model._register_display("html", _html)
    model._register_display("markdown", _markdown)
    model._register_display("credit", _credit)
