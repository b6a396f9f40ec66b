"""The tour notebook (docs/tour.ipynb) runs from top to bottom, as CI runs it."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import nbclient
import nbformat
import pytest

from tests.conftest import CORPUS, CORPUS_STORIES, ROOT

TOUR = ROOT / "docs" / "tour.ipynb"


def _text(output: dict[str, Any], mime: str) -> str:
    value = output.get("data", {}).get(mime, "")
    return "".join(value) if isinstance(value, list) else str(value)


def test_tour_is_stored_without_outputs() -> None:
    """Outputs stay out of git, so a diff shows only what changed in the code and text."""
    nb = nbformat.read(TOUR, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)


@pytest.fixture
def kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernel spec for this very Python, so a user's own python3 kernel is not picked."""
    pytest.importorskip("pandas", reason="the tour makes a data frame (storykit[pandas])")
    spec = tmp_path / "kernels" / "storykit-tour"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel_json = {"argv": argv, "display_name": "storykit tour", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel_json), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    return "storykit-tour"


def run_tour(kernel: str) -> tuple[list[str], str]:
    """Execute the tour; return the HTML outputs and everything printed."""
    nb = nbformat.read(TOUR, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=120,
        resources={"metadata": {"path": str(TOUR.parent)}},  # as Jupyter runs it: from docs/
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    html = [_text(out, "text/html") for out in outputs if "text/html" in out.get("data", {})]
    printed = "".join(out.get("text", "") for out in outputs if out.output_type == "stream")
    return html, printed


def check_tour(html: list[str], printed: str) -> None:
    # the story as an article, the table, the data frames, the HTML fragment
    assert sum('<article class="storykit">' in h for h in html) == 2
    assert any("<table" in h and "Xiaomi is pouring billions" in h for h in html)
    assert any("<h2>Xiaomi is pouring billions" in h for h in html)  # heading_offset=1
    assert '"title": "Xiaomi is pouring billions' in printed
    assert "## The play" in printed


def test_tour_runs(kernel: str) -> None:
    html, printed = run_tour(kernel)
    check_tour(html, printed)
    if CORPUS.is_dir():
        read = re.search(r"(\d+) corpus stories read, 0 failed", printed)
        assert read is not None, printed
        assert int(read[1]) >= len(CORPUS_STORIES)
        assert f"{int(read[1]) + 1} stories" in "".join(html)  # the table's caption
    else:
        assert "the tour goes on with the seed alone" in printed


def test_tour_runs_without_the_corpus(
    kernel: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORYKIT_SHARED", str(tmp_path / "nothing-here"))
    html, printed = run_tour(kernel)
    check_tour(html, printed)
    assert "the tour goes on with the seed alone" in printed
    assert "1 story" in "".join(html)
