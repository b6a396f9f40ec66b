"""The ``storykit`` command line read and checked, with advice when it is wrong.

:func:`parse` reads a command line with the parser of :mod:`storykit._cli_parser` and says
what a newcomer needs when it is wrong: the overview when nothing is given, a suggestion for a
mistyped command or option (``did you mean convert?``), whose option one of another command
is, where an option given before its command goes, and how to name a file whose name starts
with ``-`` (``./-x.txt``). A command's options and inputs may come in any order. Then,
before the command runs, :func:`input_format` resolves ``--from`` (an alias is its format; a
format storykit only writes is refused) and :func:`cap_jobs` brings a ``--jobs`` the machine
cannot use down to :data:`JOBS_PER_CORE` per core, saying so. When a command line is refused
after all, :func:`missing_inputs` names the inputs that are not there, said first.

:mod:`storykit.cli` calls these, and :mod:`storykit._cli_parser` takes ``--jobs``' default
(:func:`usable_cores`) from here; this module imports neither of them.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import sys

from storykit import formats
from storykit._batch import EXIT_USAGE, UsageError
from storykit._cli_names import command as shell
from storykit._cli_names import located, shown
from storykit._sources import not_found
from storykit._suffixes import check_format
from storykit.errors import UnknownFormatError

__all__ = [
    "JOBS_PER_CORE",
    "cap_jobs",
    "input_format",
    "missing_inputs",
    "parse",
    "usable_cores",
]


JOBS_PER_CORE = 4
"""``--jobs`` above this many workers per core is brought down to it (with a note)."""
_WINDOWS_MOST_JOBS = 61  # concurrent.futures refuses more worker processes on Windows


# commands other tools have that storykit has as options: the option to use instead
_AS_OPTIONS = {
    "help": " (storykit --help lists them; storykit COMMAND --help shows one)",  # git, pip
    "version": " (storykit --version prints the version)",  # go, docker
}


def parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse the command line, saying what a newcomer needs when it is wrong.

    No arguments print the overview (the commands, examples and exit statuses) on standard
    error; a mistyped command or option gets a suggestion (``did you mean convert?``), and an
    unknown option is reported with its command's usage rather than with ``storykit``'s.

    Raises:
        SystemExit: ``--help`` or ``--version`` (status 0), or a wrong command line (2).
    """
    if not argv:
        parser.print_help(sys.stderr)
        raise SystemExit(EXIT_USAGE)
    (subparsers,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands: dict[str, argparse.ArgumentParser] = subparsers.choices
    leading = list(itertools.takewhile(lambda arg: arg.startswith("-"), argv))
    command = argv[len(leading)] if len(leading) < len(argv) else None
    asks = {"-h", "--help", "--version"} & set(leading)
    if not asks:
        _check_leading(parser, commands, argv, leading)
    if command is not None and command not in commands and not asks:
        names = ", ".join(commands)
        if os.path.lexists(command):  # storykit story.txt
            parser.error(_a_file(command, names))
        hint = _AS_OPTIONS.get(command.lower()) or formats.did_you_mean(command, list(commands))
        parser.error(f"{command!r} is not a command{hint}; the commands are {names}")
    if command in commands and not asks:
        argv = [command, *_arranged(commands, command, argv[1:])]
    args, extras = parser.parse_known_args(argv)
    if extras:
        sub = commands[args.command]
        unknown = [arg.split("=", 1)[0] for arg in extras if arg.startswith("-") and arg != "-"]
        too_many = None if unknown else _words_too_many(argv, extras)
        if too_many is not None:
            sub.error(too_many)
        hint = _unknown_hint(unknown[0], args.command, commands) if unknown else ""
        sub.error(f"unrecognized arguments: {' '.join(extras)}{hint}")
    return args


_NUMBER = re.compile(r"-\d+|-\d*\.\d+")
"""A word that starts with - and that argparse reads as a value (``--heading-offset -1``)."""


def _usage_error(command: str, message: str) -> SystemExit:
    """A wrong command line said in one line, without the usage above it: status 2."""
    sys.stderr.write(f"storykit {command}: error: {message}\n")
    return SystemExit(EXIT_USAGE)


def _is_option(word: str) -> bool:
    return word.startswith("-") and word != "-" and _NUMBER.fullmatch(word) is None


def _option_word(word: str, sub: argparse.ArgumentParser) -> tuple[argparse.Action | None, bool]:
    """The option a word gives (``None``: none), and whether the next word is its value.

    As argparse reads it: whole, cut short (``--fo``), with its value (``--to=json``,
    ``-j2``), or short ones run together (``-qj2``).
    """
    actions = {s: a for a in sub._actions for s in a.option_strings}
    name, _, value = word.partition("=")
    found = _option_named(name, sub)
    if found is None or (value and not name.startswith("--") and len(name) > 2):
        return None, False
    if word.startswith("--") or len(word) == 2 or "=" in word:
        return actions[found], not value and actions[found].nargs != 0
    for at in range(1, len(word)):  # -qj2: -q, then -j with its value 2
        action = actions.get("-" + word[at])
        if action is None:
            return None, False
        if action.nargs != 0:
            return actions[found], at == len(word) - 1
    return actions[found], False


def _arranged(
    commands: dict[str, argparse.ArgumentParser], command: str, words: list[str]
) -> list[str]:
    """A command's words, its options first and its inputs after them, or refused.

    argparse takes a command's inputs only where they first are: ``convert a.txt --to json
    b.txt`` said "unrecognized arguments: b.txt" (and ``a.txt -- -x.txt`` "unrecognized
    arguments: -- -x.txt"). A word that starts with - is an option, so a file named
    ``-x.txt`` got "the following arguments are required: INPUT" or, after ``-o``, "expected
    one argument"; the file's name is now said, and how to give it (``./-x.txt``, as rm
    says). An option after ``--`` is an input's name; one that is no file is said to be
    misplaced. A command line argparse would refuse otherwise is left for it to say.

    Raises:
        SystemExit: A name that starts with -, or an option after ``--`` (status 2).
    """
    sub = commands[command]
    options: list[str] = []
    inputs: list[str] = []
    unknown: list[str] = []
    at = 0
    while at < len(words):
        word = words[at]
        at += 1
        if word == "--":
            _check_after(command, options, inputs, words[at:], sub)
            return [*options, *unknown, "--", *inputs, *words[at:]]
        if not _is_option(word):
            inputs.append(word)
            continue
        if word not in _option_strings(sub) and os.path.lexists(word):  # -x.txt, -o.txt
            fixed = shell(["storykit", command, *(_dotted(w, word) for w in words)])
            dotted = shown("./" + word)
            msg = f"{shown(word)} is read as an option; to read the file, write {dotted}: {fixed}"
            raise _usage_error(command, msg)
        action, value_next = _option_word(word, sub)
        if action is None:
            unknown.append(word)
            continue
        options.append(word)
        if not value_next:
            continue
        if at == len(words) or action.nargs is not None:
            return words  # a value missing: argparse says so
        value = words[at]
        if _is_option(value):
            if action.dest != "output":
                return words
            fixed = shell(
                ["storykit", command, *words[: at - 1], word, f"./{value}", *words[at + 1 :]]
            )
            kind = "folder" if value.endswith(("/", os.sep)) else "file"
            msg = (
                f"{word} {shown(value)}: a name that starts with - is read as an option (- alone "
                f"is standard output); for the {kind} {shown(value)}, write {word} "
                f"{shown('./' + value)}: {fixed}"
            )
            raise _usage_error(command, msg)
        options.append(value)
        at += 1
    wanted = [a for a in sub._actions if not a.option_strings and a.required]
    if unknown and len(inputs) < len(wanted):  # else "the following arguments are required"
        word = unknown[0]
        hint = _unknown_hint(word, command, commands)
        if "." in word or "/" in word:
            hint += f"; a file whose name starts with - is given as {shown('./' + word)}"
        elif not word.startswith("--"):  # search's QUERY -war (--stict is a mistyped option)
            fixed = shell(["storykit", command, *options, *inputs, "--", *unknown])
            missing = wanted[len(inputs)].metavar
            article = "an" if str(missing)[:1] in "AEIOU" else "a"
            hint += f"; {article} {missing} that starts with - goes after --: {fixed}"
        said = " ".join(map(shown, unknown))
        raise _usage_error(command, f"unrecognized arguments: {said}{hint}")
    return words if unknown else [*options, *inputs]


def _dotted(word: str, name: str) -> str:
    return f"./{word}" if word == name else word


def _option_strings(sub: argparse.ArgumentParser) -> list[str]:
    return [s for action in sub._actions for s in action.option_strings]


def _check_after(
    command: str,
    options: list[str],
    inputs: list[str],
    rest: list[str],
    sub: argparse.ArgumentParser,
) -> None:
    """Refuse an option given after ``--``, where it is read as an input, unless it is a file.

    Raises:
        SystemExit: ``convert -- -x.txt --to json`` (status 2), with the command line fixed.
    """
    moved: list[str] = []
    names: list[str] = []
    at = 0
    while at < len(rest):
        word = rest[at]
        at += 1
        action, value_next = _option_word(word, sub) if _is_option(word) else (None, False)
        if (
            action is None
            or os.path.lexists(word)
            or word.split("=", 1)[0] not in _option_strings(sub)
        ):
            names.append(word)
            continue
        moved.append(word)
        if value_next and at < len(rest):
            moved.append(rest[at])
            at += 1
    if moved:
        fixed = shell(["storykit", command, *options, *moved, "--", *inputs, *names])
        msg = (
            f"{moved[0]} comes after --, which makes every word after it an input's name; "
            f"give options before --: {fixed}"
        )
        raise _usage_error(command, msg)


def _option_named(arg: str, parser: argparse.ArgumentParser) -> str | None:
    """The option of ``parser`` that ``arg`` gives, as argparse reads it, else ``None``.

    Whole (``--jobs``), cut short (``--jo``), or a short one run together with its value
    or with other short ones (``-j2``, ``-qj2``: ``-q``).
    """
    options = _option_strings(parser)
    if arg in options:
        return arg
    if arg.startswith("--"):
        longer = [s for s in options if s.startswith(arg)]
        return longer[0] if len(longer) == 1 else None
    return arg[:2] if len(arg) > 2 and arg[:2] in options else None


def _check_leading(
    parser: argparse.ArgumentParser,
    commands: dict[str, argparse.ArgumentParser],
    argv: list[str],
    leading: list[str],
) -> None:
    """Refuse an option before the command, saying where it goes.

    ``storykit --to json convert a.txt`` said "'json' is not a command"; an option of a
    command, given before it, is now shown moved after it (``storykit convert --to json
    a.txt``), and one of no command is named as such.

    Raises:
        SystemExit: An option that ``storykit`` itself does not take (status 2).
    """
    if not leading:
        return
    if os.path.lexists(leading[0]):  # storykit -x.txt
        parser.error(_a_file(leading[0], ", ".join(commands)))
    name = leading[0].split("=", 1)[0]
    found = {c: _option_named(name, sub) for c, sub in commands.items()}
    owners = [c for c, option in found.items() if option is not None]
    name = found[owners[0]] or name if owners else name  # -j2: -j; --jo 2: --jobs
    at = next((i for i, arg in enumerate(argv) if arg in commands), None)
    if owners and at is not None and argv[at] in owners:
        fixed = shell(["storykit", argv[at], *argv[:at], *argv[at + 1 :]])
        parser.error(f"{name} is an option of {argv[at]}: give it after the command: {fixed}")
    if owners:
        parser.error(
            f"{name} is an option of {', '.join(owners)}, given after the command: "
            f"storykit {owners[0]} … {name}"
        )
    parser.error(
        f"{name} is not an option of storykit (it takes --help and --version; "
        "storykit COMMAND --help shows a command's options)"
    )


_INSTEAD = {
    ("convert", "--format"): "--to",
    ("validate", "--to"): "--format",
    ("validate", "--json"): "--format json",
    ("search", "--format"): "--json",
}
"""What a command takes for another's option: ``validate --json`` is ``--format json``."""


def _unknown_hint(word: str, command: str, commands: dict[str, argparse.ArgumentParser]) -> str:
    """What to say of an option ``command`` does not take: whose it is, or the nearest.

    ``show a.txt --to json`` was asked "did you mean --from?", and ``validate --json``
    "did you mean --jobs?": options of other commands, which are now named as such.
    """
    name = word.split("=", 1)[0]
    owners = [c for c, sub in commands.items() if c != command and name in _option_strings(sub)]
    if not owners:
        return formats.did_you_mean(name, _option_strings(commands[command]))
    instead = _INSTEAD.get((command, name))
    takes = f"; {command} takes {instead}" if instead else ""
    return f" ({name} is an option of {' and '.join(owners)}, not of {command}{takes})"


def _words_too_many(argv: list[str], extras: list[str]) -> str | None:
    """What to say of words after a command's last input (``argv``: the command, then its words).

    A shell splits a query that is not quoted (``storykit search stories.db xiaomi AND
    chips``) and expands a pattern into many files (``storykit show dumps/*.txt``), and
    argparse said only "unrecognized arguments: AND chips": the command that works is given.
    ``None``: nothing more to say than argparse does.
    """
    command = argv[0]
    if command == "schema":
        return (
            "schema takes no arguments; it prints the schema: storykit schema > story.schema.json"
        )
    last = len(argv) - len(extras) - 1
    if "--" in argv or last < 1 or argv[last + 1 :] != extras:
        return None
    if command == "search":
        fixed = shell(["storykit", *argv[:last], " ".join(argv[last:])])
        return f"the QUERY is one argument, and {shown(extras[0])} came after it: quote it: {fixed}"
    if command != "show":
        return None
    files = argv[last:]
    folders = {os.path.dirname(name) for name in files}
    pattern = "dumps/*.txt"  # files of several folders: an example
    if len(folders) == 1:  # the shell's expansion of a pattern, most likely: that pattern
        suffixes = {os.path.splitext(name)[1] for name in files}
        pattern = os.path.join(folders.pop(), "*" + (suffixes.pop() if len(suffixes) == 1 else ""))
    options = [word for word in argv[1:last] if word != "--all"]
    fixed = shell(["storykit", "show", *options, "--all", pattern])
    return (
        f"show takes one file, not {len(files)}: name one, or show the stories of several "
        f"with --all and a folder or a quoted pattern: {fixed}"
    )


def _a_file(name: str, names: str) -> str:
    """What to say of a file named where the command goes: which command reads it."""
    typed = f"./{name}" if name.startswith("-") else name
    if os.path.isdir(name):
        what, way = "a folder", f"to check its stories: {shell(['storykit', 'validate', typed])}"
    else:
        what, way = "a file", f"to read it: {shell(['storykit', 'show', typed])}"
    return f"{shown(name)} is {what}, not a command; the commands are {names} ({way})"


def missing_inputs(args: argparse.Namespace) -> list[str]:
    """What reading would say of each input that is not there, to say with a usage error.

    ``storykit convert nothere.txt`` said only ``say which format to write with --to``: the
    bigger problem, a mistyped name (or a pattern that matches nothing), came to light once
    ``--to`` was given. A refused command line now names those inputs first, each as the
    run reports it (``nothere.txt: no such file or directory``).
    """
    inputs: list[str] = getattr(args, "inputs", None) or []
    found = (not_found(name) for name in inputs if name != "-")
    return [located(str(f.error), f.origin.path) for f in found if f is not None]


def input_format(name: str) -> str:
    """The format ``--from`` names (an alias is its format), if storykit can read it.

    Raises:
        UsageError: No such format, or one storykit only writes (HTML, JSON-LD); the
            message lists the formats that can be read.
    """
    try:
        found = formats.resolve(name)[0]
    except UnknownFormatError:
        found = None
    if found is not None and _readable(found):
        return found
    # only to say what is wrong: every format's module is looked at
    readable = sorted(["jsonl", *(n for n in formats.names() if _readable(n))])
    if found is not None:
        msg = f"--from: storykit writes {found} but does not read it; formats that can be read: "
        raise UsageError(msg + ", ".join(readable))
    words = [*readable, *(a for a, (f, _) in formats.ALIASES.items() if f in readable)]
    hint = formats.did_you_mean(
        name.lower(), words, shown=lambda close: formats.ALIASES.get(close, (close,))[0]
    )
    msg = f"--from: unknown format {name!r}; formats that can be read: {', '.join(readable)}"
    raise UsageError(msg + hint)


def _readable(name: str) -> bool:
    try:
        check_format(name)
    except UnknownFormatError:
        return False
    return True


def usable_cores() -> int:
    """The cores this process may run on (``taskset``, a container's CPU set), at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(cores, 1)


def _most_jobs() -> int:
    """The most worker processes ``--jobs`` starts: :data:`JOBS_PER_CORE` per usable core."""
    most = JOBS_PER_CORE * usable_cores()
    if sys.platform == "win32":  # pragma: no cover - Windows
        most = min(most, _WINDOWS_MOST_JOBS)
    return most


def cap_jobs(args: argparse.Namespace) -> None:
    """Bring a ``--jobs`` the machine cannot use down to what it can, and say so.

    ``--jobs 1000`` on two cores forked a thousand workers for a few hundred files: ten
    seconds (minutes on a busy machine) where two workers take one, and on Windows a
    traceback (its process pools take 61 workers at most). The work is reading and
    writing text, so workers beyond a few per core only wait for one another.
    """
    jobs = getattr(args, "jobs", None)
    if jobs is None:
        return
    most = _most_jobs()
    if jobs > most:
        sys.stderr.write(
            f"storykit {args.command}: --jobs {jobs} is more workers than this machine can "
            f"use; using {most} ({JOBS_PER_CORE} per core)\n"
        )
        args.jobs = most
