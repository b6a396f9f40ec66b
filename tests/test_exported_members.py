"""The public names are a contract (DESIGN §2 and what the docs promise): pin them."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

import storykit

CONTRACT = {
    "Story", "Section", "Source", "Credit", "Image", "StoryParseError",
    "load", "loads", "dump", "dumps", "iter_stories",
}  # fmt: skip

PUBLIC = [
    "Credit", "Diagnostic", "ErrorLog", "Image", "MissingExtraError", "Origin", "Section",
    "Source", "Story", "StoryError", "StoryParseError", "StoryTable", "StoryWarning",
    "UnknownFormatError", "UnrepresentableError", "__version__", "by_date", "dump", "dump_many",
    "dumps", "feed", "iter_records", "iter_stories", "json_schema", "load", "loads", "search",
    "table", "to_dataframe", "to_parquet", "to_records", "to_sqlite",
]  # fmt: skip


def test_public_names_are_pinned() -> None:
    # Adding or removing a public name is a decision: change PUBLIC with it.
    assert sorted(storykit.__all__) == PUBLIC


def test_contract_names_are_public() -> None:
    assert set(storykit.__all__) >= CONTRACT


def test_every_public_name_resolves() -> None:
    for name in storykit.__all__:
        assert getattr(storykit, name) is not None, name
    assert set(storykit.__all__) <= set(dir(storykit))


def test_dir_lists_the_public_names_not_the_package_s_own_imports() -> None:
    # dir() is what an editor or a notebook offers after `storykit.`: it offered
    # storykit.Any, storykit.TYPE_CHECKING and storykit.importlib among the public names
    shown = {name for name in dir(storykit) if not name.startswith("_")}
    submodules = {name for name in shown if isinstance(getattr(storykit, name), types.ModuleType)}
    assert shown - submodules == {name for name in storykit.__all__ if not name.startswith("_")}
    assert all(getattr(storykit, name).__name__ == f"storykit.{name}" for name in submodules)


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        storykit.no_such_name  # noqa: B018


def test_lazy_names_stay_lazy() -> None:
    code = (
        # what was there before (coverage, measuring this process, imports sqlite3) is not
        # storykit's doing
        "import sys; before = set(sys.modules); import storykit; "
        "print(sorted(m for m in ('storykit.collection', 'storykit.export', 'storykit.feeds',"
        " 'storykit.notebook', 'storykit.formats.sqlite', 'storykit.formats.parquet',"
        " 'sqlite3', 'pyarrow', 'pandas') if m in sys.modules and m not in before))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_story_parse_error_is_a_value_error() -> None:
    assert issubclass(storykit.StoryParseError, ValueError)


def test_every_storykit_error_is_a_story_error_and_keeps_its_builtin_base() -> None:
    import storykit.errors

    errors = {
        name: cls
        for name, cls in vars(storykit.errors).items()
        if isinstance(cls, type)
        and issubclass(cls, BaseException)
        and cls is not Warning
        and not issubclass(cls, Warning)
    }
    assert set(errors) == {
        "StoryError", "StoryParseError", "UnknownFormatError", "UnrepresentableError",
        "MissingExtraError",
    }  # fmt: skip
    builtin = {
        "StoryParseError": ValueError,
        "UnknownFormatError": ValueError,
        "UnrepresentableError": ValueError,
        "MissingExtraError": ImportError,
    }
    for name, base in builtin.items():
        assert issubclass(errors[name], storykit.StoryError), name
        assert issubclass(errors[name], base), name
    with pytest.raises(storykit.StoryError):
        storykit.loads("{", "json")
    with pytest.raises(storykit.StoryError):
        storykit.dumps(storykit.Story("t"), "no-such-format")  # type: ignore[call-overload]
    with pytest.raises(storykit.StoryError):
        storykit.dumps(storykit.Story("a\nb"), "text")
    assert "StoryError" in storykit.errors.__all__
