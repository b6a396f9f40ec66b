"""Every code example in the docs runs, so the docs cannot rot.

The pages are README.md and every docs/**/*.md. On each page, in order and in one fresh
namespace (as a reader goes down the page), inside a temporary working directory that holds
the seed (``seeds/``), a small ``archive/`` of dumps and an ``archive.zip`` of it:

- a ```` ```python ```` block that starts with ``>>>`` is a doctest (ELLIPSIS and
  NORMALIZE_WHITESPACE): the output shown must be the output;
- any other ```` ```python ```` block is executed; its ``assert`` statements are its checks;
- in a ```` ```sh ````/```` ```console ```` block, each ``storykit …`` command (also after
  ``&&``, with an optional ``> file``) is run with :func:`storykit.cli.main` and must exit 0.

A comment on the line right before a fence says more about its block:

- ``<!-- output: EXPRESSION -->`` — a block that shows output (```` ```html ````,
  ```` ```text ````…) is exactly the value of ``EXPRESSION`` in the page's namespace (the
  code above it has run), so the output shown is the real one;
- ``<!-- no-run: REASON -->`` — never run (code that needs S3 or a cluster, say); a reason is
  required;
- ``<!-- requires: EXTRA -->`` — run when storykit's optional extra ``EXTRA`` is installed
  (``requires: dask, pandas``: when both are).

No other block is skipped.

The docstring examples of the API reference (``>>>`` in ``src/storykit``) run as doctests too.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import importlib.util
import io
import pkgutil
import re
import shlex
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import storykit
from storykit.cli import main
from tests.conftest import ROOT, SEED

DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

# storykit's extras and the modules each one brings (pyproject.toml [project.optional-dependencies])
EXTRAS = {
    "markdown": ("markdown_it", "yaml"),
    "pandas": ("pandas",),
    "dask": ("dask.bag",),
    "parquet": ("pyarrow",),
}

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+-]*)[^\n]*\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.M | re.S,
)
MARKER = re.compile(r"<!--\s*(?P<kind>[\w-]+)\s*(?::\s*(?P<arg>.*?))?\s*-->")
PYTHON = {"python", "py", "pycon"}
SHELL = {"sh", "bash", "console", "shell"}


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int  # of the opening fence, 1-based
    lang: str
    code: str
    marker: tuple[str, str] | None  # ("output" | "no-run" | "requires", argument)

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a page, each with the marker on the line before its fence."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        marker = MARKER.fullmatch(before)
        indent = len(match["indent"])
        code = "".join(line[indent:] for line in match["body"].splitlines(keepends=True))
        found.append(
            Block(
                page=page,
                line=text.count("\n", 0, match.start()) + 1,
                lang=match["lang"].lower(),
                code=code,
                marker=(marker["kind"], marker["arg"] or "") if marker else None,
            )
        )
    return found


def extras(arg: str) -> list[str]:
    """``dask, pandas`` → ``["dask", "pandas"]``: a block may need several extras."""
    return [name.strip() for name in arg.split(",")]


def missing_extra(block: Block) -> str | None:
    """The extra a ``requires`` block needs and that is not installed, else None."""
    if block.marker is None or block.marker[0] != "requires":
        return None
    for extra in extras(block.marker[1]):
        for module in EXTRAS[extra]:
            try:
                spec = importlib.util.find_spec(module)
            except ModuleNotFoundError:
                spec = None
            if spec is None:
                return extra
    return None


def make_workdir(path: Path) -> Path:
    """A working directory as the docs assume one: the seed, an archive folder and a zip."""
    (path / "seeds").mkdir(parents=True)
    shutil.copy(SEED, path / "seeds")
    shutil.copytree(ROOT / "tests" / "fixtures", path / "tests" / "fixtures")  # ninjs.md reads one
    archive = path / "archive" / "2026"
    archive.mkdir(parents=True)
    shutil.copy(SEED, archive / "a.txt")
    story = storykit.load(SEED)
    storykit.dump(storykit.Story("A second story", sections=story.sections), archive / "b.json")
    with zipfile.ZipFile(path / "archive.zip", "w") as zf:
        for member in sorted((path / "archive").rglob("*.*")):
            zf.write(member, member.relative_to(path).as_posix())
    return path


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(make_workdir(tmp_path / "work"))
    return tmp_path / "work"


def run_doctest(block: Block, namespace: dict[str, Any]) -> None:
    name = block.where
    test = doctest.DocTestParser().get_doctest(
        block.code, namespace, name, str(block.page), block.line
    )
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    out = io.StringIO()
    result = runner.run(test, out=out.write, clear_globs=False)
    namespace.update(test.globs)  # the DocTest ran on a copy; later blocks build on it
    assert result.failed == 0, f"{name}: a doctest failed\n{out.getvalue()}"


def run_python(block: Block, namespace: dict[str, Any]) -> None:
    # the blank lines keep tracebacks pointing at the page's own line numbers
    source = "\n" * block.line + block.code
    exec(compile(source, str(block.page), "exec"), namespace)


def storykit_commands(code: str) -> list[str]:
    """The ``storykit …`` commands of a shell block (``$ `` prompts and ``x && `` prefixes go)."""
    commands = []
    for raw in code.splitlines():
        line = raw.strip().removeprefix("$ ")
        for part in line.split("&&"):
            command = part.strip()
            if command.startswith(("storykit ", "python -m storykit ")):
                commands.append(command)
    return commands


def run_command(command: str, where: str) -> str:
    """Run one documented ``storykit`` command in-process; return what it printed."""
    args = shlex.split(command, comments=True)
    args = args[3:] if args[0] == "python" else args[1:]
    target = None
    if ">" in args:
        at = args.index(">")
        args, target = args[:at], args[at + 1]
    assert not {"|", "<", ">>"} & set(args), f"{where}: a pipe: mark the block <!-- no-run: … -->"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(args)
    assert status == 0, f"{where}: `{command}` exited with {status}\n{out.getvalue()}"
    if target is not None:
        Path(target).write_text(out.getvalue(), encoding="utf-8")
    return out.getvalue()


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_page(page, tmp_path, monkeypatch)


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_page_examples_run_without_the_extras(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader who installed storykit alone: every example that needs an extra is marked.

    The test environment has every extra, so an unmarked example that needs one passed there
    and failed for the reader (``storykit convert archive/ -o stories.parquet``, status 3).
    """
    for module in {*(m for ms in EXTRAS.values() for m in ms), "duckdb"}:
        for name in (module, module.split(".")[0]):
            monkeypatch.setitem(sys.modules, name, None)  # import fails: ModuleNotFoundError
    assert missing_extra(Block(page, 1, "sh", "", ("requires", ", ".join(EXTRAS)))) is not None
    run_page(page, tmp_path, monkeypatch)


def run_page(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a page's examples in order, as :func:`test_page_examples_run` says."""
    # Python and the shell each get a directory of their own, as for a reader who tries the
    # Python examples in one session and the commands in a terminal.
    python_dir, shell_dir = make_workdir(tmp_path / "python"), make_workdir(tmp_path / "shell")
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    for block in blocks(page):
        monkeypatch.chdir(shell_dir if block.lang in SHELL else python_dir)
        if block.marker is not None and block.marker[0] == "no-run":
            continue
        if missing_extra(block) is not None:
            continue
        if block.marker is not None and block.marker[0] == "output":
            shown = eval(block.marker[1], namespace)
            assert block.code.rstrip("\n") == str(shown).rstrip("\n"), (
                f"{block.where}: the output shown is not what `{block.marker[1]}` gives"
            )
        elif block.lang in PYTHON:
            if block.code.lstrip().startswith(">>>"):
                run_doctest(block, namespace)
            else:
                run_python(block, namespace)
        elif block.lang in SHELL:
            for command in storykit_commands(block.code):
                run_command(command, block.where)


def test_markers_are_well_formed() -> None:
    """A marker names a reason or a known extra, and stands right before a code fence."""
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        marked = {b.line for b in blocks(page) if b.marker is not None}
        for match in MARKER.finditer(text):
            where = f"{page.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
            kind, arg = match["kind"], match["arg"] or ""
            if kind not in ("output", "no-run", "requires"):
                continue  # another HTML comment
            assert kind != "output" or arg, f"{where}: <!-- output: … --> needs an expression"
            assert kind != "no-run" or arg, f"{where}: <!-- no-run: … --> needs a reason"
            unknown = set(extras(arg)) - set(EXTRAS) if kind == "requires" else set()
            assert not unknown, f"{where}: unknown extra {arg!r}"
            fence = text.count("\n", 0, match.end()) + 2  # the line after the marker
            assert fence in marked, f"{where}: the marker is not right before a code fence"


def test_the_docs_have_examples_to_run() -> None:
    """The collector finds the examples (a broken pattern would make every page pass)."""
    found = [b for page in PAGES for b in blocks(page)]
    python = [b for b in found if b.lang in PYTHON]
    doctests = [b for b in python if b.code.lstrip().startswith(">>>")]
    commands = [c for b in found if b.lang in SHELL for c in storykit_commands(b.code)]
    assert len(python) >= 30
    assert len(doctests) >= 8
    assert len(commands) >= 6
    assert sum(b.marker is not None and b.marker[0] == "output" for b in found) >= 3
    skipped = [b for b in found if b.marker is not None and b.marker[0] == "no-run"]
    assert len(skipped) <= len(python) // 5, "no-run is for the few examples that cannot run"


def test_readme_commands(workdir: Path) -> None:
    """The README's two opening commands: storykit prints the seed as JSON; the group exists."""
    first, second = blocks(ROOT / "README.md")[:2]
    assert first.code == (
        "python -m pip install . && storykit convert seeds/000_1f0ab7ed21f31e00.txt --to json\n"
    )
    (command,) = storykit_commands(first.code)
    printed = run_command(command, first.where)
    assert storykit.loads(printed, "json") == storykit.load(SEED)
    assert "--group test" in second.code
    assert second.code.rstrip().endswith("python -m pytest")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r"(?m)^test = \[", pyproject), "the README installs the 'test' group"


def test_docstring_examples_run(workdir: Path) -> None:
    """The ``>>>`` examples in the docstrings (the API reference) run as doctests."""
    names = [info.name for info in pkgutil.walk_packages(storykit.__path__, "storykit.")]
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    out = io.StringIO()
    ran = 0
    for name in ["storykit", *names]:
        module = importlib.import_module(name)
        for test in finder.find(module, name, globs=vars(module).copy()):
            runner.run(test, out=out.write)
            ran += sum(not example.options.get(doctest.SKIP) for example in test.examples)
    assert runner.failures == 0, out.getvalue()
    assert ran >= 3  # examples that really ran (tags.py has some), not only skipped ones
