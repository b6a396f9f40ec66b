"""The story model: frozen, slotted, typed attrs classes that hold raw text.

Every class validates on construction and raises ``TypeError`` (wrong type) or
``ValueError`` (right type, bad value) with a message that names the field. Text is kept
exactly as given; writers escape it at their own boundary.

The model knows no format and imports none: how a story shows in a notebook
(``Story._repr_html_``, ``Story._repr_markdown_``) and how a credit reads (``str(credit)``)
are written by the notebook display and the dump format, which ``storykit._display``
registers here when storykit is imported (see :func:`_register_display`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from typing import Any, Literal

import attrs

__all__ = ["Credit", "Image", "Section", "Source", "Story", "by_date"]

_UTC = _dt.UTC

_Show = Callable[[Any], str]
_DISPLAY: dict[str, _Show] = {}
"""How model objects show themselves: ``"html"`` and ``"markdown"`` for a story in a
notebook, ``"credit"`` for ``str(credit)``. Filled by :func:`_register_display`."""


def _register_display(kind: Literal["html", "markdown", "credit"], show: _Show) -> None:
    """Register how model objects show themselves (``storykit._display`` calls this).

    Args:
        kind: ``"html"``: a story as HTML for a notebook (``Story._repr_html_``);
            ``"markdown"``: a story as Markdown for a notebook (``Story._repr_markdown_``);
            ``"credit"``: a credit as one line of words (``str(credit)``).
        show: The function that writes it.
    """
    _DISPLAY[kind] = show


_SCAN = 1 << 16  # characters encoded at a time: the check never copies all of a long text


def unencodable(text: str) -> int | None:
    """The index of the first lone surrogate in ``text`` (a code point no UTF-8 can hold).

    ``None`` when ``text`` is Unicode text that every writer can encode. Cheap: ASCII text is
    answered at once, other text by encoding it a slice at a time (so a long text is never
    copied whole).
    """
    if text.isascii():
        return None
    for start in range(0, len(text), _SCAN):
        try:
            text[start : start + _SCAN].encode("utf-8")
        except UnicodeEncodeError as exc:
            return start + exc.start
    return None


def surrogate_message(char: str, where: str) -> str:
    """Say what :func:`unencodable` found: ``a lone surrogate U+D800 at character 12, …``."""
    return (
        f"a lone surrogate U+{ord(char):04X} {where}, "
        "which is not Unicode text (no UTF-8 file can hold it)"
    )


def _check_text(name: str, value: object) -> None:
    if not isinstance(value, str):
        msg = f"{name}: expected a string, got {type(value).__name__}"
        raise TypeError(msg)
    if not value.strip():
        msg = f"{name}: must not be empty or blank"
        raise ValueError(msg)
    index = unencodable(value)
    if index is not None:
        msg = f"{name}: holds {surrogate_message(value[index], f'at character {index + 1}')}"
        raise ValueError(msg)


def _text(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a required, non-blank string that Unicode can encode."""
    _check_text(attribute.name, value)


def _optional_text(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _text(inst, attribute, value)


def _check_tuple(name: str, value: object) -> None:
    """Refuse what :func:`_tuple` left as it was (a bare string, a number), naming the field."""
    if not isinstance(value, tuple):
        msg = f"{name}: expected a list or tuple, got {type(value).__name__}"
        raise TypeError(msg)


def _texts(_inst: object, attribute: attrs.Attribute[Any], value: tuple[object, ...]) -> None:
    _check_tuple(attribute.name, value)
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or unencodable(item) is not None:
            _check_text(f"{attribute.name}[{i}]", item)  # raises, naming the item


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """An iterable as a tuple; a string or a number is left for the validator to name the field."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]
    return tuple(value)


def _instances(kind: type) -> Any:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: tuple[object, ...]) -> None:
        _check_tuple(attribute.name, value)
        for i, item in enumerate(value):
            if not isinstance(item, kind):
                msg = f"{attribute.name}[{i}]: expected {kind.__name__}, got {type(item).__name__}"
                raise TypeError(msg)

    return check


def _optional_instance(kind: type) -> Any:
    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, kind):
            msg = f"{attribute.name}: expected {kind.__name__} or None, got {type(value).__name__}"
            raise TypeError(msg)

    return check


@attrs.frozen
class Credit:
    """Who made a picture (or wrote the words): ``Photo by Pavel Danilyuk on Pexels``."""

    role: str = attrs.field(validator=_text)
    """What was made, lower-cased: ``"photo"``, ``"image"``, ``"illustration"``…"""
    name: str | None = attrs.field(default=None, validator=_optional_text)
    """The person, when named: ``"Pavel Danilyuk"``."""
    provider: str | None = attrs.field(default=None, validator=_optional_text)
    """The agency or site, when named: ``"Pexels"``, ``"AFP"``."""

    def __attrs_post_init__(self) -> None:
        if self.name is None and self.provider is None:
            msg = "Credit: needs a name or a provider (or both)"
            raise ValueError(msg)

    def __str__(self) -> str:
        """The credit as a reader sees it, worded as the story dump words it.

        ``Photo by Pavel Danilyuk on Pexels``, ``Photo: AFP``, ``Illustration by Kofi
        Boateng``, ``Photograph by Aiko Nakamura/Kyodo``, ``By Jane Doe`` (a byline). The
        wording is the dump format's: :func:`storykit.formats.text.credit_line`.
        """
        return _DISPLAY["credit"](self)


@attrs.frozen
class Image:
    """The story's picture, as the dump describes it: alt text and credit, no file."""

    alt: str | None = attrs.field(default=None, validator=_optional_text)
    """The image's alternative text, or ``None`` when the dump gives none."""
    credit: Credit | None = attrs.field(default=None, validator=_optional_instance(Credit))
    """Who made the picture, or ``None``."""

    def __attrs_post_init__(self) -> None:
        if self.alt is None and self.credit is None:
            msg = "Image: needs alt text or a credit (use image=None for no image)"
            raise ValueError(msg)


_FIRST = _dt.datetime.min.replace(tzinfo=_UTC)
_LAST = _dt.datetime.max.replace(tzinfo=_UTC)


def to_utc(value: _dt.datetime) -> _dt.datetime:
    """An aware date-time converted to UTC.

    The first and last days Python holds are the edge: the year 1 with an offset ahead of
    UTC (``0001-01-01T01:00+05:00``) is an instant before the first one UTC can hold, and
    is that first instant; a moment after the last one is the last. They still sort first
    and last. (``astimezone`` raises ``OverflowError`` for them.)
    """
    try:
        return value.astimezone(_UTC)
    except OverflowError:
        return _FIRST if value.year == 1 else _LAST


def _utc(value: _dt.date | None) -> _dt.datetime | None:
    """A date as midnight UTC; a naive date-time as UTC; an aware one converted to UTC."""
    if value is None:
        return None
    if not isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=_UTC)
    if value.utcoffset() is None:
        return value.replace(tzinfo=_UTC)
    return to_utc(value)  # (the year 1 at +05:00 is before UTC's first instant: that one)


def _published(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, _dt.date):
        msg = f"{attribute.name}: expected a date, datetime or None, got {type(value).__name__}"
        raise TypeError(msg)


@attrs.frozen
class Source:
    """Where the story comes from: the outlet's name, its date and the original link."""

    name: str | None = attrs.field(default=None, validator=_optional_text)
    """The outlet as written (``"SCMP"``, ``"The Wall Street Journal"``), or ``None``."""
    published: _dt.date | None = attrs.field(default=None, validator=_published)
    """A ``datetime.date``, or a ``datetime.datetime`` when the dump gives a time; or ``None``."""
    url: str | None = attrs.field(default=None, validator=_optional_text)
    """The link to the original article (``View original source → URL``), or ``None``."""

    def __attrs_post_init__(self) -> None:
        if self.name is None and self.published is None and self.url is None:
            msg = "Source: needs a name, a date or a URL (use source=None for no source)"
            raise ValueError(msg)

    @property
    def published_at(self) -> _dt.datetime | None:
        """``published`` as an aware UTC date-time, to sort and compare dates of any precision.

        A date (no time given) is its first instant, midnight UTC, so that a day falls inside
        any range that starts at or before that day; a naive date-time is taken as UTC; an
        aware one is converted to UTC. ``published`` itself keeps the precision the dump
        gave. ``None`` when there is no date.
        """
        return _utc(self.published)


@attrs.frozen
class Section:
    """A run of paragraphs under one heading (``None`` for the lead paragraphs)."""

    heading: str | None = attrs.field(validator=_optional_text)
    """The section heading, or ``None`` for lead paragraphs that come before any heading."""
    paragraphs: tuple[str, ...] = attrs.field(default=(), converter=_tuple, validator=_texts)
    """The paragraphs, each exactly as written."""

    def __attrs_post_init__(self) -> None:
        if self.heading is None and not self.paragraphs:
            msg = "Section: a section without a heading needs at least one paragraph"
            raise ValueError(msg)


def _sections(inst: object, attribute: attrs.Attribute[Any], value: tuple[object, ...]) -> None:
    _instances(Section)(inst, attribute, value)
    for i, section in enumerate(value[1:], start=1):
        assert isinstance(section, Section)
        if section.heading is None:
            msg = f"sections[{i}].heading: only the first section may have no heading"
            raise ValueError(msg)


class _ReadFrom:
    """A slot of every :class:`Story`, not a field: what the dump reader made it from.

    The reader keeps there the lines it read a story from, for the text writer's round-trip
    check (:mod:`storykit.formats._text_memory`). It lives and dies with the story; it is
    not compared, hashed, shown, copied nor pickled (only the fields are), and a story made
    any other way has it unset.
    """

    __slots__ = ("_storykit_read_from",)


@attrs.frozen
class Story(_ReadFrom):
    """One news story.

    Equal by value, hashable and immutable: use :func:`attrs.evolve` to change a field.
    """

    title: str = attrs.field(validator=_text)
    """The headline, exactly as written."""
    source: Source | None = attrs.field(
        default=None, validator=_optional_instance(Source), kw_only=True
    )
    """The outlet, date and original link, or ``None``."""
    image: Image | None = attrs.field(
        default=None, validator=_optional_instance(Image), kw_only=True
    )
    """The picture's alt text and credit, or ``None``."""
    credits: tuple[Credit, ...] = attrs.field(
        default=(), converter=_tuple, validator=_instances(Credit), kw_only=True
    )
    """Other credits (bylines and further pictures); often empty."""
    sections: tuple[Section, ...] = attrs.field(
        default=(), converter=_tuple, validator=_sections, kw_only=True
    )
    """The body: an optional lead section (``heading=None``) then headed sections."""
    tags: tuple[str, ...] = attrs.field(
        default=(), converter=_tuple, validator=_texts, kw_only=True
    )
    """Topic tags, in order: ``("AI", "EVs", "Semiconductors", "Smartphones")``."""
    extras: tuple[str, ...] = attrs.field(
        default=(), converter=_tuple, validator=_texts, kw_only=True
    )
    """Lines a reader found but could not place, kept verbatim so no text is lost."""

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Every paragraph of every section, in order."""
        return tuple(p for section in self.sections for p in section.paragraphs)

    @property
    def headings(self) -> tuple[str, ...]:
        """The section headings, in order."""
        return tuple(s.heading for s in self.sections if s.heading is not None)

    @property
    def text(self) -> str:
        """The readable text: title, headings and paragraphs separated by blank lines."""
        parts = [self.title]
        for section in self.sections:
            if section.heading is not None:
                parts.append(section.heading)
            parts.extend(section.paragraphs)
        return "\n\n".join(parts)

    @property
    def word_count(self) -> int:
        """Words in the title, headings and paragraphs (runs of non-space characters)."""
        return len(self.text.split())

    @property
    def published(self) -> _dt.date | None:
        """Shortcut for ``story.source.published``."""
        return self.source.published if self.source is not None else None

    @property
    def published_at(self) -> _dt.datetime | None:
        """Shortcut for ``story.source.published_at``: the date as an aware UTC date-time.

        Dates of any precision compare and sort with it (a bare date is midnight UTC); for a
        sort key that also takes stories without a date, use :func:`storykit.by_date`.
        """
        return self.source.published_at if self.source is not None else None

    @property
    def url(self) -> str | None:
        """Shortcut for ``story.source.url``: the link to the original article."""
        return self.source.url if self.source is not None else None

    def _repr_html_(self) -> str:
        """The story as a styled HTML article, for Jupyter and other notebooks."""
        return _DISPLAY["html"](self)

    def _repr_markdown_(self) -> str | None:
        """The story as Markdown without front matter, for Jupyter and other notebooks.

        ``None`` (no Markdown: the notebook shows the HTML) for a story Markdown cannot
        carry, such as one whose text holds U+0000.
        """
        return _DISPLAY["markdown"](self) or None  # ("": no Markdown for this story)


_UNDATED = _FIRST


def by_date(story: Story) -> tuple[bool, _dt.datetime]:
    """Sort key: stories oldest first, then the stories without a date, in their order.

    ``sorted(stories, key=storykit.by_date)`` works on any mix of dates, date-times (naive or
    aware) and missing dates, where ``key=lambda s: s.published`` raises ``TypeError``. The
    key compares :attr:`Story.published_at`: a bare date counts as midnight UTC, so it sorts
    before the same day's date-times. ``sorted`` is stable: stories with equal keys keep their
    order. With ``reverse=True`` (newest first) the undated stories come first.

    Args:
        story: A story.

    Returns:
        ``(False, published_at)`` for a dated story, ``(True, datetime.min in UTC)`` for one
        without a date.
    """
    at = story.published_at
    return (False, at) if at is not None else (True, _UNDATED)


# --------------------------------------------------------------------------- trusted builders
#
# Readers that have already checked every value (the dump reader, from lines it split and
# stripped itself; the JSON reader's fast path, after checking types and text the way the
# validators above do) build the model through these, without running the validators a
# second time. Everything else, users' code included, goes through the validating
# constructors. The arguments must be exactly what the validators would accept: tuples for
# the sequence fields, non-blank ``str`` text free of lone surrogates, and the rules of each
# class's ``__attrs_post_init__`` already met. A rule added to the validators must be added
# to those readers' checks too (``formats/json.py``'s fast path checks each value; the dump
# reader passes only stripped, non-empty lines of text that
# ``storykit._surrogates._scan_text`` found free of lone surrogates).

_new = object.__new__


def _setters(cls: type, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(cls.__dict__[name].__set__ for name in names)


# Each builder sets its class's slots through their setters, module globals: a builder
# without default arguments is the cheapest Python call (the dump reader builds a few dozen
# objects a story).
_C_ROLE, _C_NAME, _C_PROVIDER = _setters(Credit, ("role", "name", "provider"))
_I_ALT, _I_CREDIT = _setters(Image, ("alt", "credit"))
_SO_NAME, _SO_PUBLISHED, _SO_URL = _setters(Source, ("name", "published", "url"))
_SE_HEADING, _SE_PARAGRAPHS = _setters(Section, ("heading", "paragraphs"))
(_ST_TITLE, _ST_SOURCE, _ST_IMAGE, _ST_CREDITS, _ST_SECTIONS, _ST_TAGS, _ST_EXTRAS) = _setters(
    Story, ("title", "source", "image", "credits", "sections", "tags", "extras")
)


def _trusted_credit(role: str, name: str | None, provider: str | None) -> Credit:
    """A :class:`Credit` from checked values, validators not run again."""
    credit: Credit = _new(Credit)
    _C_ROLE(credit, role)
    _C_NAME(credit, name)
    _C_PROVIDER(credit, provider)
    return credit


def _trusted_image(alt: str | None, credit: Credit | None) -> Image:
    """An :class:`Image` from checked values, validators not run again."""
    image: Image = _new(Image)
    _I_ALT(image, alt)
    _I_CREDIT(image, credit)
    return image


def _trusted_source(name: str | None, published: _dt.date | None, url: str | None) -> Source:
    """A :class:`Source` from checked values, validators not run again."""
    source: Source = _new(Source)
    _SO_NAME(source, name)
    _SO_PUBLISHED(source, published)
    _SO_URL(source, url)
    return source


def _trusted_section(heading: str | None, paragraphs: tuple[str, ...]) -> Section:
    """A :class:`Section` from checked values (``paragraphs`` a tuple), validators not run."""
    section: Section = _new(Section)
    _SE_HEADING(section, heading)
    _SE_PARAGRAPHS(section, paragraphs)
    return section


def _trusted_story(  # noqa: PLR0917 - one argument per field, in field order
    title: str,
    source: Source | None,
    image: Image | None,
    credits: tuple[Credit, ...],
    sections: tuple[Section, ...],
    tags: tuple[str, ...],
    extras: tuple[str, ...],
) -> Story:
    """A :class:`Story` from checked values (tuples for sequences), validators not run."""
    story: Story = _new(Story)
    _ST_TITLE(story, title)
    _ST_SOURCE(story, source)
    _ST_IMAGE(story, image)
    _ST_CREDITS(story, credits)
    _ST_SECTIONS(story, sections)
    _ST_TAGS(story, tags)
    _ST_EXTRAS(story, extras)
    return story
