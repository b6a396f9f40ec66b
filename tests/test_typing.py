"""The API is typed for its users: format names are ``Literal`` s, writer options keywords.

``mypy --strict`` runs on two small user scripts (``tests/typing/``): ``user_ok.py`` must
pass, ``user_bad.py`` must fail on exactly the lines marked ``# error:``. The rest checks
that the types say what the registry and the format modules do, so they cannot drift apart.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import typing

import pytest

import storykit
from storykit import _api, formats
from tests.conftest import ROOT

TYPING = ROOT / "tests" / "typing"


@pytest.fixture(scope="module")
def mypy_output() -> str:
    # --follow-imports=silent: storykit's own modules are read for their types, but are not
    # the subject (mypy --strict src checks them, with the lint group's stubs)
    files = [str(TYPING / "user_ok.py"), str(TYPING / "user_bad.py")]
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", *files],
        capture_output=True,
        text=True,
        cwd=ROOT,  # mypy's cache: the project's .mypy_cache, so a second run takes a second
        env={**os.environ, "MYPYPATH": str(ROOT / "src")},  # this checkout's storykit
        check=False,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr  # 1: type errors were found
    assert not done.stderr, done.stderr
    return done.stdout


def _errors(output: str, name: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for match in re.finditer(rf"^[^\n]*{name}:(\d+): error: ([^\n]*)$", output, re.M):
        found.setdefault(int(match[1]), []).append(match[2])
    return found


def test_a_correct_user_script_passes_mypy_strict(mypy_output: str) -> None:
    assert "user_ok.py" not in mypy_output


def test_mypy_strict_flags_each_mistake_of_a_user_script(mypy_output: str) -> None:
    lines = (TYPING / "user_bad.py").read_text(encoding="utf-8").splitlines()
    marked = {n for n, line in enumerate(lines, 1) if "# error:" in line}
    errors = _errors(mypy_output, "user_bad.py")
    assert set(errors) == marked, mypy_output  # every mistake, and nothing else

    def line_of(code: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if code in line)

    # the misspelt format name: no form of dumps() takes it
    typo = line_of('"jsonn"')
    assert errors[typo] == [
        'No overload variant of "dumps" matches argument types "Story", "str"  [call-overload]'
    ]
    # an option no writer has, named with the one meant
    wrong = line_of("indnet=2")
    assert (
        'Unexpected keyword argument "indnet" for overloaded function "dumps"; '
        'did you mean "indent"?  [call-overload]'
    ) in errors[wrong]
    # an option of another writer (standalone is HTML's), and a format that is only written
    assert all("[call-overload]" in e for e in errors[line_of('"markdown", standalone')])
    assert errors[line_of('loads(data, "html")')] == [
        'No overload variant of "loads" matches argument types "str", "str"  [call-overload]'
    ]


# --------------------------------------------------------------------------- the types agree


def _literal(alias: object) -> set[str]:
    return set(typing.get_args(alias))


def test_format_names_are_the_registry() -> None:
    assert _literal(formats.FormatName) == set(formats.FORMATS)
    readable = {n for n in formats.FORMATS if hasattr(formats.by_name(n), "loads")}
    assert readable == {"json", "text", "markdown", "ninjs"}
    writable = {n for n in formats.FORMATS if n not in formats.FILE_FORMATS}
    aliases = set(formats.ALIASES)
    assert _literal(formats.WriteFormat) == writable | aliases
    read_aliases = {a for a, (n, _) in formats.ALIASES.items() if n in readable}
    assert _literal(formats.ReadFormat) == readable | read_aliases


def test_each_module_has_its_registry_name_and_suffixes() -> None:
    # NAME and SUFFIXES are kept in the modules (their documented surface); the registry's
    # table is what is used, and this keeps the two the same
    for name, (path, suffixes) in formats.FORMATS.items():
        module = formats.by_name(name)
        assert module.__name__ == path
        assert name == module.NAME
        assert suffixes == module.SUFFIXES


def test_each_module_is_what_the_registry_says() -> None:
    for name in formats.FORMATS:
        module = formats.by_name(name)
        assert isinstance(module, formats.Format)
        if name in formats.FILE_FORMATS:
            assert isinstance(module, formats.FileFormat)
            assert not isinstance(module, formats.TextWriter)
            assert formats.file_format(name) is module
        else:
            assert isinstance(module, formats.TextWriter)
            assert formats.writer(name) is module
            assert isinstance(module, formats.TextFormat) == (name not in ("html", "jsonld"))


def _keywords(function: object) -> dict[str, object]:
    hints = typing.get_type_hints(function)
    return {
        name: hints[name]
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    }


@pytest.mark.parametrize("name", sorted(formats.WRITER_OPTIONS))
def test_each_writers_options_type_is_its_keywords(name: str) -> None:
    options = formats.WRITER_OPTIONS[name]
    assert typing.get_type_hints(options) == _keywords(formats.writer(name).dumps)


def test_dump_without_a_format_takes_every_writers_options() -> None:
    every: dict[str, object] = {}
    for options in formats.WRITER_OPTIONS.values():
        every |= typing.get_type_hints(options)
    every["lang"] = str | None  # html's str, jsonld's str | None
    assert typing.get_type_hints(formats.AnyWriterOptions) == every


def test_the_text_readers_options_type_is_its_keywords() -> None:
    keywords = _keywords(formats.reader("text").loads)
    del keywords["filename"]  # given by load()/loads() themselves
    from storykit.tags import TagSplitter  # imported by _api only for type checkers

    hints = typing.get_type_hints(formats.TextReadOptions, localns={"TagSplitter": TagSplitter})
    assert hints == keywords
    for name in ("json", "markdown", "ninjs"):
        assert list(_keywords(formats.reader(name).loads)) == ["filename"]


def test_dumps_overloads_cover_every_writable_name_once() -> None:
    seen: list[str] = []
    for overload in typing.get_overloads(_api.dumps):
        hints = typing.get_type_hints(overload, include_extras=True)
        names = _literal(hints["format"])
        options = typing.get_args(hints["options"])[0]  # Unpack[XOptions]
        for name in names:
            assert formats.WRITER_OPTIONS[formats.resolve(name)[0]] is options
        seen += names
    assert sorted(seen) == sorted(_literal(formats.WriteFormat))


def test_the_public_functions_are_the_typed_ones() -> None:
    assert storykit.dumps is _api.dumps
    assert len(typing.get_overloads(storykit.dump)) == 7  # no format, then one per writer
    assert len(typing.get_overloads(storykit.loads)) == 2
    assert len(typing.get_overloads(storykit.load)) == 2
