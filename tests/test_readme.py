"""README and quickstart tell the truth, read top to bottom as a user would (issue 9, item 10).

tests/test_docs.py runs every example, but runs a page's Python and its commands in separate
folders. A reader works in one folder, the checkout: the README's snippet wrote
``story.html`` and the README's next command, ``storykit convert … -o story.html``, then
failed with "exists". Here each page runs in one folder, in order.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import storykit
from tests.conftest import ROOT, SEED
from tests.test_docs import (
    PYTHON,
    SHELL,
    blocks,
    make_workdir,
    missing_extra,
    run_command,
    run_doctest,
    run_python,
    storykit_commands,
)

FIRST_TEN_MINUTES = [ROOT / "README.md", ROOT / "docs" / "quickstart.md"]


@pytest.mark.parametrize(
    "pages",
    [[page] for page in FIRST_TEN_MINUTES] + [FIRST_TEN_MINUTES],
    ids=lambda pages: "-then-".join(p.name for p in pages),
)
def test_page_runs_top_to_bottom_in_one_folder(
    pages: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # README then the quickstart it links to, in one checkout: the quickstart's
    # `convert … -o seed.html` failed with "seed.html exists", the README having written it
    monkeypatch.chdir(make_workdir(tmp_path / "checkout"))
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    ran = 0
    for block in (block for page in pages for block in blocks(page)):
        if block.marker is not None and block.marker[0] == "no-run":
            continue
        if missing_extra(block) is not None:
            continue
        if block.lang in PYTHON:
            if block.code.lstrip().startswith(">>>"):
                run_doctest(block, namespace)
            else:
                run_python(block, namespace)
            ran += 1
        elif block.lang in SHELL:
            for command in storykit_commands(block.code):
                run_command(command, block.where)
                ran += 1
    assert ran >= 2


def test_readme_starts_with_its_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# storykit\n\n```sh\n")
    first, second = blocks(ROOT / "README.md")[:2]
    assert "pip install ." in first.code
    assert "storykit convert seeds/000_1f0ab7ed21f31e00.txt" in first.code
    assert "pip install -e . --group test" in second.code
    assert "pytest" in second.code
    between = text.split("```")[2]  # nothing but white space between the two
    assert not between.strip()


PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _paragraphs(page: Path) -> list[str]:
    return re.split(r"\n\s*\n", page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_pypi_install_is_marked_as_future(page: Path) -> None:
    # storykit is not on PyPI: `pip install storykit` fails. Say so where it is shown.
    if page.name == "changelog.md":
        return
    # bare `pip install storykit` anywhere; with extras too on the pages a newcomer reads first
    pattern = r"pip install ['\"]?storykit\b" + ("" if page in FIRST_TEN_MINUTES else r"(?!\[)")
    for paragraph in _paragraphs(page):
        if re.search(pattern, paragraph):
            assert re.search(r"published|PyPI", paragraph), paragraph


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_install_commands_to_copy_work_now(page: Path) -> None:
    # Found trying the docs as a new user: docs/dataframes.md and docs/formats/markdown.md
    # gave `pip install 'storykit[pandas]'` as a command to copy. storykit is not on PyPI:
    # it fails (or installs whatever else is published under that name). A command in a
    # shell block installs from the checkout (`python -m pip install ".[pandas]"`).
    for block in blocks(page):
        if block.lang in SHELL:
            found = re.search(r"pip install\s+['\"]?storykit\b.*", block.code)
            assert found is None, f"{block.where}: {found and found[0]}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_byte_for_byte_says_when(page: Path) -> None:
    # A file comes back byte for byte only when it is already canonical: say exactly that.
    if page.name == "changelog.md":
        return
    for paragraph in _paragraphs(page):
        if "byte for byte" in paragraph.lower():
            assert "canonical" in paragraph.lower(), paragraph


def test_byte_for_byte_holds_for_a_canonical_dump_only() -> None:
    # the claim the docs make, checked: a non-canonical dump gives the same story, written
    # back canonically; the canonical seed comes back byte for byte
    seed = SEED.read_text(encoding="utf-8")
    story = storykit.loads(seed, "text")
    assert storykit.dumps(story, "text") == seed
    variant = "\ufeff" + seed.replace("SCMP 2026-05-25", "SCMP 25 May 2026  ").replace("\n", "\r\n")
    assert storykit.loads(variant, "text") == story
    assert storykit.dumps(storykit.loads(variant, "text"), "text") == seed != variant
