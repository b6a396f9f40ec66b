"""The W3C Nu HTML Checker (vnu.jar) used by the HTML writer's test: one version, one path.

``python -m tests.vnu`` fetches the pinned ``vnu-jar`` npm package into the cache (``.ci/run``
does this) and prints the jar's path; the test finds the jar at that same path, or at
``$STORYKIT_VNU_JAR``. With ``STORYKIT_REQUIRE_VNU=1`` (set by CI) a missing jar or Java is a
test failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

VERSION = "26.9.27"  # pinned: a new checker release must not turn CI red overnight
CACHE_HOME = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
CACHE = CACHE_HOME / "storykit" / f"vnu-{VERSION}"
JAR = CACHE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
FETCH = [
    "npm", "install", "--prefix", str(CACHE), "--no-save", "--no-audit", "--no-fund",
    "--ignore-scripts", "--loglevel=error", f"vnu-jar@{VERSION}",
]  # fmt: skip


def jar() -> Path | None:
    """The jar named by ``$STORYKIT_VNU_JAR``, else the cached one, else ``None``."""
    configured = os.environ.get("STORYKIT_VNU_JAR")
    if configured:
        return Path(configured)
    return JAR if JAR.is_file() else None


def required() -> bool:
    """Whether a missing checker must fail the test instead of skipping it (CI sets this)."""
    return os.environ.get("STORYKIT_REQUIRE_VNU") == "1"


def main() -> int:
    """Fetch the pinned jar into the cache unless it is there; print its path."""
    if not JAR.is_file():
        if shutil.which("npm") is None:
            print("vnu: npm is not installed, cannot fetch vnu-jar", file=sys.stderr)
            return 1
        result = subprocess.run(FETCH, check=False)
        if result.returncode != 0 or not JAR.is_file():
            print(f"vnu: could not fetch vnu-jar@{VERSION} with npm", file=sys.stderr)
            return 1
    print(JAR)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
