"""Names shared by the ninjs tests: where the agency documents are, UTC."""

from __future__ import annotations

import datetime as dt

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "ninjs"
UTC = dt.UTC
