"""docs/search.md shows real output on the development corpus: this test makes it and compares.

The block after ``<!-- corpus-output -->`` on the page must be what :func:`corpus_report`
prints today. When the corpus changes, run ``python tests/test_search_docs.py`` and paste.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

import pytest

import storykit
from storykit.cli import main
from tests.conftest import CORPUS, CORPUS_STORIES, NO_CORPUS, ROOT

PAGE = ROOT / "docs" / "search.md"
MARK = "<!-- corpus-output -->\n```text\n"


def _run(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(list(argv)) == 0
    return out.getvalue() + err.getvalue()


def corpus_report(folder: Path) -> str:
    """The commands and queries of docs/search.md, run on the corpus in ``folder``."""
    import duckdb
    import pandas as pd

    stories = "../shared/corpus/stories"
    lines: list[str] = []
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        source = str(CORPUS / "stories")
        lines.append(f"$ storykit convert {stories} -o stories.db")
        lines.append(_run("convert", source, "-o", "stories.db").rstrip())
        lines.append('$ storykit search stories.db "elect*" -n 2')
        lines.append(_run("search", "stories.db", "elect*", "-n", "2").rstrip())
        lines.append(f"$ storykit convert {stories} -o stories.parquet")
        lines.append(_run("convert", source, "-o", "stories.parquet").rstrip())
        query = (
            "SELECT source, count(*) AS stories FROM 'stories.parquet'"
            " GROUP BY source ORDER BY stories DESC, source LIMIT 3"
        )
        lines.append(f'>>> duckdb.sql("{query}").fetchall()')
        lines.append(repr(duckdb.sql(query).fetchall()))
        df = pd.read_parquet("stories.parquet")
        assert storykit.to_sqlite is not None  # the page's names
        per_month = df.groupby([df.published.dt.strftime("%Y-%m"), "source"]).size()
        lines.append(">>> per_month.tail(4)")
        lines.append(str(per_month.tail(4)))
        lines.append('>>> df.explode("tags").tags.value_counts().head(4)')
        lines.append(str(df.explode("tags").tags.value_counts().head(4)))
    finally:
        os.chdir(cwd)
    return "\n".join(lines) + "\n"


def shown() -> str:
    text = PAGE.read_text(encoding="utf-8")
    start = text.index(MARK) + len(MARK)
    return text[start : text.index("```\n", start)]


@pytest.mark.skipif(not CORPUS_STORIES, reason=NO_CORPUS)
def test_corpus_output_on_the_page_is_real(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    pytest.importorskip("duckdb")
    pytest.importorskip("pandas")
    assert shown() == corpus_report(tmp_path)


if __name__ == "__main__":  # print the block to paste into docs/search.md
    import tempfile

    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as folder:
        sys.stdout.write(corpus_report(Path(folder)))
