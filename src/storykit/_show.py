"""``storykit show``: a story as plain text for a terminal, wrapped to its width."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap

from storykit._batch import EXIT_FAILED, EXIT_OK, UsageError, safe
from storykit._cli_names import command, located, place
from storykit._cli_names import shown as _named
from storykit._pieces import parse_piece
from storykit._progress import columns
from storykit._records import Failure, Skipped, error_as_options
from storykit._sources import input_name
from storykit._stdout import print_stdout, write_text_stdout
from storykit.collection import iter_pieces
from storykit.errors import StoryParseError
from storykit.formats.text import credit_line
from storykit.model import Credit, Story

_MIN_WIDTH = 20  # the narrowest column show wraps to


def _width_arg(value: str) -> int:
    try:
        width = int(value)
    except ValueError:
        width = 0
    if width < _MIN_WIDTH:
        msg = f"takes a number of columns, {_MIN_WIDTH} or more, not {value!r}"
        raise argparse.ArgumentTypeError(msg)
    return width


def _credit_line(credit: Credit) -> str:
    """The credit for a terminal: the dump's wording, the provider in brackets after a name.

    ``Photo by NAME (PROVIDER)``, ``By NAME (AGENCY)``; a credit without a name or without
    a provider reads as :func:`~storykit.formats.text.credit_line` words it.
    """
    if credit.name is None or credit.provider is None:
        return credit_line(credit)
    return f"{credit_line(Credit(credit.role, credit.name))} ({credit.provider})"


class _Wrapper(textwrap.TextWrapper):
    """:class:`textwrap.TextWrapper`, in linear time on words far longer than a line.

    TextWrapper breaks a long word a line at a time, copying the rest of the word each time:
    quadratic (a paragraph of 4,000,000 letters took 8 s to show). Each such word is handed
    to it in pieces of ``2 * width`` to ``4 * width`` characters instead: a piece longer than
    a line is broken just as the whole word was, so the lines are the same.
    """

    def _split_chunks(self, text: str) -> list[str]:
        chunks = super()._split_chunks(text)
        piece = 2 * self.width  # longer than a line (width less the indent) can hold
        if all(len(chunk) < 2 * piece for chunk in chunks):
            return chunks
        out: list[str] = []
        for chunk in chunks:
            if not chunk.strip():  # white space is dropped at a line's end: left as it is
                out.append(chunk)
                continue
            ends = range(piece, len(chunk) - piece + 1, piece)  # none within ``piece`` of its end
            out.extend(chunk[i - piece : i] for i in ends)
            out.append(chunk[ends[-1] :] if ends else chunk)
        return out


def render(story: Story, width: int = 80) -> str:
    """A story as plain text for a terminal: title, source, credits, wrapped sections, tags.

    Args:
        story: The story.
        width: The line width to wrap paragraphs to.
    """
    width = max(width, _MIN_WIDTH)

    def fill(text: str, indent: str = "") -> str:
        wrapper = _Wrapper(
            width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
        )
        return wrapper.fill(text)

    out = [fill(story.title), "=" * min(width, max(len(story.title), 3))]
    source = story.source
    if source is not None:
        bits = [source.name, source.published.isoformat() if source.published else None]
        line = " · ".join(b for b in bits if b)
        if line:
            out.append(line)
        if source.url:
            out.append(source.url)
    if story.image is not None:
        if story.image.alt:
            out.append(fill(f"Image: {story.image.alt}"))
        if story.image.credit is not None:
            out.append(_credit_line(story.image.credit))
    out.extend(_credit_line(credit) for credit in story.credits)
    for section in story.sections:
        out.append("")
        if section.heading is not None:
            out += [fill(section.heading), "-" * min(width, max(len(section.heading), 3)), ""]
        for k, paragraph in enumerate(section.paragraphs):
            if k:
                out.append("")
            out.append(fill(paragraph))
    if story.tags:
        out += ["", fill("Tags: " + ", ".join(story.tags))]
    if story.extras:
        out += ["", "Lines not placed:"] + [fill(extra, "  ") for extra in story.extras]
    return "\n".join(out) + "\n"


def _show(args: argparse.Namespace) -> int:
    source = sys.stdin.buffer if args.file == "-" else args.file
    if args.file != "-" and os.path.isdir(args.file):
        every = command(["storykit", "show", os.path.join(args.file, "**"), "--all"])
        raise UsageError(
            f"{_named(args.file)} is a folder; show takes one file: name one in it, or show "
            f"every story in it with {every}"
        )
    width = args.width or min(columns(), 100)
    shown = 0
    events = iter_pieces(
        [source],
        format=args.input_format,
        max_member_size=args.max_member_size,
        max_total_size=args.max_total_size,
        max_members=args.max_members,
    )
    for event in events:
        if isinstance(event, Skipped):
            continue
        if shown and not args.all:
            more = "stories" if event.origin.member is None else "stories or members"
            sys.stderr.write(
                f"{safe(_named(args.file))} holds more {more}; showing the first (use --all)\n"
            )
            break
        if isinstance(event, Failure):
            error = str(error_as_options(event.error))
            sys.stderr.write(f"{safe(located(error, event.origin.path, event.origin.member))}\n")
            return EXIT_FAILED
        try:
            story, diagnostics = parse_piece(event)
        except StoryParseError as exc:
            error = str(error_as_options(exc))
            sys.stderr.write(f"{safe(located(error, event.origin.path, event.origin.member))}\n")
            return EXIT_FAILED
        for diagnostic in diagnostics:
            where = place(event.origin.path, event.origin.member)
            sys.stderr.write(safe(diagnostic.format(where)) + "\n")
        if shown:
            print_stdout("\n" + "─" * min(width, 40) + "\n\n")
        if event.origin.member is not None and args.all:
            print_stdout(f"[{safe(place(event.origin.member))}]\n\n")
        # control characters in the story (ESC, BEL…) are shown, not sent to the terminal
        write_text_stdout(safe(render(story, width), newlines=False))
        shown += 1
    if not shown:
        sys.stderr.write(
            f"{safe(place(input_name(args.file)))}: no story here\n"
        )  # as convert says
        return EXIT_FAILED
    return EXIT_OK
