"""Reading ninjs: the mapping behind :func:`storykit.formats.ninjs.read`.

Kept apart from :mod:`storykit.formats.ninjs` (the format's module: its surface, the mapping's
documentation and the writer) as Markdown keeps its reader in ``_markdown_reader``: it is
most of the format's code and is imported only when ninjs is read.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from typing import Any, NoReturn

from storykit._dates import parse_iso
from storykit.errors import StoryParseError, _json_type
from storykit.formats._html_reader import body_blocks
from storykit.formats._ninjs_layout import EXTRA_ROLE, PROFILE, PUBLISHED_ROLE, URL_ROLE
from storykit.formats.ninjs import NinjsDocument
from storykit.model import Credit, Image, Section, Source, Story, surrogate_message, unencodable

_ALT_ROLES = frozenset({"alt", "alttext", "alt-text", "alternativetext", "alternative-text"})
_PICTURE_ROLES = {"picture": "photo", "graphic": "graphic", "video": "video"}


class _BadValueError(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _fail(path: str, expected: str, value: object) -> NoReturn:
    raise _BadValueError(path, f"expected {expected}, got {_json_type(value)}")


def _string(value: object, path: str) -> str:
    if not isinstance(value, str):
        _fail(path, "a string", value)
    index = unencodable(value)  # a "\ud800" escape decodes to a lone surrogate
    if index is not None:
        where = f"at character {index + 1}"
        raise _BadValueError(path, f"holds {surrogate_message(value[index], where)}")
    return value


def _text(value: object, path: str) -> str | None:
    """A string field; ``None`` when blank (blank text has no place in a story)."""
    text = _string(value, path)
    return text if text.strip() else None


def _word(value: object) -> str | None:
    """A role or type to compare with known values: the string, else ``None``."""
    return value if isinstance(value, str) else None


def _object(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(path, "an object", value)
    return value


def _objects(value: object, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The objects of an array (or of an object of objects, as in ninjs 1.x), with paths."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", _object(item, f"{path}.{key}")
        return
    if not isinstance(value, list):
        _fail(path, "an array", value)
    for i, item in enumerate(value):
        yield f"{path}[{i}]", _object(item, f"{path}[{i}]")


def _parse_date(value: object, path: str) -> _dt.date:
    text = _string(value, path).strip()
    try:
        try:
            return parse_iso(text)
        except ValueError:
            from dateutil.parser import isoparse  # noqa: PLC0415 - slow to import

            return isoparse(text)
    except (ValueError, OverflowError):
        raise _BadValueError(
            path, f"expected an ISO 8601 date or date-time, got {text!r}"
        ) from None


class _Reader:
    """Reads one document; records which top-level keys it used."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.used: set[str] = set()
        self.exact = data.get("profile") == PROFILE
        self.published_path = "descriptions"

    def get(self, *keys: str) -> tuple[str, Any]:
        """The first of ``keys`` present (ninjs 1.x spells them in lower case): key, value."""
        for key in keys:
            for spelling in dict.fromkeys((key, key.lower())):
                if spelling in self.data:
                    self.used.add(spelling)
                    return spelling, self.data[spelling]
        return keys[0], None

    # ---- the parts of a story

    def title(self) -> tuple[str, list[str]]:
        """The main headline, and the text of the other headlines."""
        key, headlines = self.get("headlines")
        if headlines is not None:
            found: list[tuple[str, str, bool]] = []
            for path, item in _objects(headlines, key):
                role = item.get("role")
                if role is not None:
                    _string(role, f"{path}.role")
                value = _text(item.get("value"), f"{path}.value")
                if value is not None:
                    found.append((path, value, role == "main"))
            if found:
                main = next((f for f in found if f[2]), found[0])
                return main[1], [f[1] for f in found if f is not main]
        for name in ("headline", "title"):
            key, value = self.get(name)
            if value is not None and (text := _text(value, key)) is not None:
                return text, []
        raise _BadValueError("headlines", "no headline: expected a headlines array with a value")

    def descriptions(self) -> tuple[list[str], str | None, list[str]]:
        """Extras, the storykit:published value and the other descriptions' text."""
        key, items = self.get("descriptions")
        extras: list[str] = []
        published: str | None = None
        others: list[str] = []
        if items is not None:
            for path, item in _objects(items, key):
                role = item.get("role")
                value = _string(item.get("value"), f"{path}.value")
                if role == EXTRA_ROLE:
                    if value.strip():
                        extras.append(value)
                elif role == PUBLISHED_ROLE:
                    published = value
                    self.published_path = f"{path}.value"
                elif not self.exact and value.strip():
                    others.append(value)
        if not self.exact:
            for name in ("description_text", "description_usage"):  # ninjs 1.x
                key, value = self.get(name)
                if value is not None and (text := _text(value, key)) is not None:
                    others.append(text)
        return extras, published, others

    def published(self, exact_value: str | None) -> _dt.date | None:
        if exact_value is not None:
            return _parse_date(exact_value, self.published_path)
        for name in ("firstCreated", "versionCreated", "contentCreated"):
            key, value = self.get(name)
            if value is not None:
                return _parse_date(value, key)
        return None

    def url(self) -> str | None:
        key, ids = self.get("altIds")
        if ids is not None:
            for path, item in _objects(ids, key):
                if item.get("role") == URL_ROLE:
                    return _text(item.get("value"), f"{path}.value")
            self.used.discard(key)  # other ids: not used
        key, uri = self.get("uri")
        if uri is None:
            return None
        uri = _string(uri, key)
        if uri.lower().startswith("urn:") or not uri.strip():
            self.used.discard(key)  # an identifier, not a link: left in ``rest``
            return None
        return uri

    def source_name(self) -> str | None:
        key, value = self.get("copyrightHolder")
        return _text(value, key) if value is not None else None

    def sections(self, title: str) -> tuple[list[Section], list[str]]:
        """The body's sections, and its text that is in no paragraph (for the extras)."""
        key, bodies = self.get("bodies")
        html: tuple[str, str] | None = None
        plain: tuple[str, str] | None = None
        if bodies is not None:
            for path, item in _objects(bodies, key):
                kind = item.get("contentType")
                if kind is not None:
                    kind = _string(kind, f"{path}.contentType").split(";")[0].strip().lower()
                value = _string(item.get("value"), f"{path}.value")
                if kind in ("text/html", "application/xhtml+xml") and html is None:
                    html = (f"{path}.value", value)
                elif kind in (None, "text/plain") and plain is None:
                    plain = (f"{path}.value", value)
        if bodies is None or (html is None and plain is None):
            for name in ("body_html", "body_xhtml"):  # ninjs 1.x
                key, value = self.get(name)
                if value is not None and html is None:
                    html = (key, _string(value, key))
            key, value = self.get("body_text")
            if value is not None and plain is None:
                plain = (key, _string(value, key))
        if html is not None:
            sections, stray, bare = _html_sections(html[1], exact=self.exact, title=title)
            if plain is None or (sections and not bare):  # else the plain body says more
                return sections, stray
        if plain is not None:
            return _plain_sections(plain[1], title), []
        return [], []

    def tags(self) -> list[str]:
        tags: list[str] = []
        key, subjects = self.get("subjects", "subject")
        if subjects is not None:
            for path, item in _objects(subjects, key):
                if "name" in item and (name := _text(item["name"], f"{path}.name")) is not None:
                    tags.append(name)
        key, keywords = self.get("keywords")
        if keywords is not None:
            if not isinstance(keywords, list):
                _fail(key, "an array", keywords)
            for i, keyword in enumerate(keywords):
                if (text := _text(keyword, f"{key}[{i}]")) is not None:
                    tags.append(text)
        return tags if self.exact else list(dict.fromkeys(tags))

    def associations(self) -> tuple[Image | None, list[Credit]]:
        key, associations = self.get("associations")
        if associations is None:
            return None, []
        image: Image | None = None
        credits: list[Credit] = []
        for path, item in _objects(associations, key):
            rel = item.get("rel")
            if self.exact:
                if rel == "image" and image is None:
                    credit = _exact_credit(item, path) if "infoSources" in item else None
                    image = _image(_alt(item, path), credit, path)
                elif rel == "credit":
                    credits.append(_exact_credit(item, path))
            elif image is None and _word(item.get("type")) in _PICTURE_ROLES:
                alt = _alt(item, path)
                credit = _agency_credit(item, path)
                if alt is not None or credit is not None:
                    image = _image(alt, credit, path)
        if image is None and not credits:
            self.used.discard(key)
        return image, credits

    def byline(self) -> list[Credit]:
        if self.exact:
            return []
        key, by = self.get("by", "byline")
        if by is None or (text := _text(by, key)) is None:
            return []
        return [Credit("byline", name=text)]


def _image(alt: str | None, credit: Credit | None, path: str) -> Image:
    try:
        return Image(alt, credit)
    except ValueError as exc:
        raise _BadValueError(path, str(exc)) from None


def _alt(item: dict[str, Any], path: str) -> str | None:
    """An alt-text description, else a caption (a description with no role or ``caption``)."""
    caption: str | None = None
    if "descriptions" in item:
        for dpath, description in _objects(item["descriptions"], f"{path}.descriptions"):
            raw_role = description.get("role")
            role = _word(raw_role)
            value = _text(description.get("value"), f"{dpath}.value")
            if role in _ALT_ROLES and value is not None:
                return value
            if (raw_role is None or role == "caption") and caption is None:
                caption = value
    for name in ("description_text", "body_text"):  # ninjs 1.x pictures
        if caption is None and name in item:
            caption = _text(item[name], f"{path}.{name}")
    return caption


def _exact_credit(item: dict[str, Any], path: str) -> Credit:
    """A credit as :func:`to_dict` writes it: role in ``name``, parties in ``infoSources``."""
    role = _string(item.get("name"), f"{path}.name")
    parties: dict[str, str] = {}
    for ppath, party in _objects(item.get("infoSources", []), f"{path}.infoSources"):
        kind = _word(party.get("role"))
        if kind not in ("creator", "provider") or kind in parties:
            raise _BadValueError(
                f"{ppath}.role", f"expected 'creator' or 'provider' once, got {kind!r}"
            )
        parties[kind] = _string(party.get("name"), f"{ppath}.name")
    try:
        return Credit(role, parties.get("creator"), parties.get("provider"))
    except (TypeError, ValueError) as exc:
        raise _BadValueError(f"{path}.infoSources", str(exc)) from None


def _agency_credit(item: dict[str, Any], path: str) -> Credit | None:
    """A picture's credit from its ``by`` (``NAME/AGENCY``) and ``copyrightHolder``."""
    role = _PICTURE_ROLES.get(_word(item.get("type")) or "", "photo")
    by = next((item[k] for k in ("by", "byline") if k in item), None)
    name = _text(by, f"{path}.by") if by is not None else None
    provider = None
    if "copyrightHolder" in item:
        provider = _text(item["copyrightHolder"], f"{path}.copyrightHolder")
    if name is not None and "/" in name:
        person, _, agency = name.rpartition("/")
        if person.strip() and agency.strip():
            name, provider = person.strip(), agency.strip()
    if name is None and provider is None:
        return None
    return Credit(role, name, provider)


# --------------------------------------------------------------------------- bodies


def _html_sections(text: str, *, exact: bool, title: str) -> tuple[list[Section], list[str], bool]:
    """The sections of an HTML body, its text outside any block element, and if it had any.

    Text outside blocks is never dropped: in a body without any paragraph element (bare
    text and ``<br>``, headings), it is the paragraphs (and the flag is true); beside
    paragraphs (a dateline in a ``<div>``, say) it is returned apart, for ``story.extras``.
    """
    items = body_blocks(text, exact=exact)
    if not exact and items and items[0] == ("h1", title):
        items = items[1:]  # the headline repeated at the top of the body
    if not any(kind == "p" for kind, _ in items):  # headings and bare text only
        bare = any(kind == "stray" for kind, _ in items)
        return _sections((kind not in ("p", "stray"), text) for kind, text in items), [], bare
    stray = [text for kind, text in items if kind == "stray"]
    kept = ((kind != "p", text) for kind, text in items if kind != "stray")
    return _sections(kept), stray, False


def _plain_sections(text: str, title: str) -> list[Section]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = text.split("\n\n") if "\n\n" in text else text.split("\n")
    paragraphs = [" ".join(chunk.split()) for chunk in chunks]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    return _sections((False, p) for p in paragraphs)


def _sections(items: Iterable[tuple[bool, str]]) -> list[Section]:
    sections: list[Section] = []
    heading: str | None = None
    paragraphs: list[str] = []
    started = False
    for is_heading, text in items:
        if is_heading:
            if started:
                sections.append(Section(heading, paragraphs))
            heading, paragraphs, started = text, [], True
        else:
            paragraphs.append(text)
            started = True
    if started:
        sections.append(Section(heading, paragraphs))
    return sections


# --------------------------------------------------------------------------- the story


def from_dict(data: object, *, filename: str | None = None) -> NinjsDocument:
    """The story of a parsed ninjs document, with the document and what was not used.

    Raises:
        StoryParseError: See :func:`storykit.formats.ninjs.from_dict`.
    """
    if not isinstance(data, dict):
        raise StoryParseError(
            f"expected a ninjs JSON object, got {_json_type(data)}", filename=filename, line=1
        )
    reader = _Reader(data)
    try:
        title, other_headlines = reader.title()
        extras, exact_published, other_descriptions = reader.descriptions()
        published = reader.published(exact_published)
        name = reader.source_name()
        url = reader.url()
        sections, stray = reader.sections(title)
        image, credits = reader.associations()
        credits = reader.byline() + credits
        tags = reader.tags()
        source = Source(name, published, url) if name or published or url else None
        story = Story(
            title,
            source=source,
            image=image,
            credits=credits,
            sections=sections,
            tags=tags,
            extras=[*extras, *other_headlines, *other_descriptions, *stray],
        )
    except _BadValueError as exc:
        raise StoryParseError(
            f"{exc.path}: {exc.message}", filename=filename, path=exc.path
        ) from None
    except (TypeError, ValueError) as exc:  # the model refused what the reader built
        raise StoryParseError(str(exc), filename=filename) from None
    rest = {key: value for key, value in data.items() if key not in reader.used}
    return NinjsDocument(story, data, rest)
