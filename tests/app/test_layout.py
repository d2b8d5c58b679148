"""The package stays in small modules: a reader takes one in at a sitting."""

from __future__ import annotations

from pathlib import Path

import crm_graphql

MAX_LINES = 400
PACKAGE = Path(crm_graphql.__file__).parent


def test_no_module_is_over_400_lines() -> None:
    too_long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
