"""The one rule for text that comes from clients, the same on SQLite and PostgreSQL.

PostgreSQL refuses NUL bytes in text and SQLite stores them; neither can store a lone UTF-16
surrogate (JSON allows `"\\ud800"`, UTF-8 cannot encode it), which used to surface as an
unexpected error from the driver. Control characters other than tab, line feed and carriage
return have no place in CRM data either (they break exports, logs and terminals), so every text
input is refused when it holds one, before any SQL runs.
"""

from __future__ import annotations

import re

_ALLOWED_CONTROLS = "\t\n\r"
# C0 controls except tab/LF/CR, DEL, C1 controls, and the surrogate range (only lone
# surrogates can appear in a decoded Python str).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why `value` cannot be accepted as text, or None when it can."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    char = found.group()
    position = found.start()
    if "\ud800" <= char <= "\udfff":
        return f"Contains an unpaired UTF-16 surrogate (U+{ord(char):04X}) at position {position}."
    return (
        f"Contains the control character U+{ord(char):04X} at position {position}; only tab "
        "and line breaks are allowed."
    )
