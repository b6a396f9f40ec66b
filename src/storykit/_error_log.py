"""What a read of many stories gives back besides them: its error policy and its error log.

:func:`storykit.collection.iter_stories` and its kin return a :class:`StoryStream`, whose
``.errors`` is an :class:`ErrorLog` of the stories that could not be read (under
``errors="collect"`` or ``"warn"``), bounded so that millions of bad stories take the memory
of a thousand. Re-exported by :mod:`storykit.collection`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Generic, Literal, TypeVar

from storykit.errors import StoryParseError

__all__ = ["ERRORS_KEPT", "ErrorLog", "ErrorPolicy", "StoryStream"]

ErrorPolicy = Literal["raise", "warn", "collect"]
_POLICIES = ("raise", "warn", "collect")
ERRORS_KEPT = 1000
"""The most errors an :class:`ErrorLog` keeps unless told otherwise (the rest are counted)."""
_T = TypeVar("_T")


class ErrorLog(list[StoryParseError]):
    """The errors met while reading many stories, in order (a list of the first ``keep``).

    Filled under ``errors="collect"`` and ``errors="warn"``. Each error's ``str()`` is
    ``file:line: message`` (``file`` is ``archive:member`` inside an archive). Past ``keep``
    errors (1,000 unless told) the rest are counted in ``more``, not kept, so that reading
    a file of two million bad lines takes the memory of one thousand errors, not of two
    million; ``keep=None`` keeps every one. ``total`` is how many were met.
    """

    def __init__(
        self, errors: Iterable[StoryParseError] = (), *, keep: int | None = ERRORS_KEPT
    ) -> None:
        super().__init__(errors)
        self.keep = keep
        """The most errors kept (``None``: no limit); the rest are only counted."""
        self.more = 0
        """Errors met past ``keep``: counted, not kept."""

    @property
    def total(self) -> int:
        """How many errors were met: those kept and those only counted."""
        return len(self) + self.more

    def add(self, error: StoryParseError) -> None:
        """Keep ``error``, or count it if ``keep`` errors are kept already."""
        if self.keep is None or len(self) < self.keep:
            self.append(error)
        else:
            self.more += 1

    def report(self) -> str:
        """One line per error kept, then how many more there were, then the count.

        Empty when there were none.
        """
        total = self.total
        if not total:
            return ""
        lines = [str(error) for error in self]
        if self.more:
            lines.append(f"… and {self.more:,} more (not kept: ErrorLog(keep=None) keeps all)")
        lines.append(f"{total} error{'s' if total != 1 else ''}")
        return "\n".join(lines)


class StoryStream(Generic[_T]):
    """An iterator over stories (or records) that keeps the errors it met in ``.errors``.

    Examples:
        >>> stream = iter_stories("archive/", errors="collect")  # doctest: +SKIP
        >>> stories = list(stream)  # doctest: +SKIP
        >>> print(stream.errors.report())  # doctest: +SKIP
    """

    def __init__(self, items: Iterator[_T], errors: ErrorLog) -> None:
        self._items = items
        self.errors = errors
        """The :class:`ErrorLog` filled while iterating (empty under ``errors="raise"``)."""

    def __iter__(self) -> StoryStream[_T]:
        return self

    def __next__(self) -> _T:
        return next(self._items)

    def close(self) -> None:
        """Stop early and close the files and archives still open."""
        close: Callable[[], None] | None = getattr(self._items, "close", None)
        if close is not None:
            close()
