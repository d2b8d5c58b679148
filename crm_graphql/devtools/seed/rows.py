"""The generated rows by table, in insert order, with the primary keys handed out here."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

Row = dict[str, Any]

# Parents before children, so that foreign keys hold at every insert.
TABLE_ORDER: Final = (
    "users",
    "tags",
    "products",
    "companies",
    "company_tags",
    "customers",
    "contact_methods",
    "addresses",
    "customer_tags",
    "orders",
    "order_items",
    "payments",
    "interactions",
    "deals",
    "deal_stage_changes",
)
ID_TABLES: Final = tuple(t for t in TABLE_ORDER if t not in {"company_tags", "customer_tags"})


class Rows:
    """Rows waiting to be inserted; ids are assigned here, so that children can name parents
    without a read, and keep counting across `take()`."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}
        self._rows: dict[str, list[Row]] = {name: [] for name in TABLE_ORDER}

    def next_id(self, table: str) -> int:
        value = self._last.get(table, 0) + 1
        self._last[table] = value
        return value

    def count(self, table: str) -> int:
        return self._last.get(table, 0)

    def add(self, table: str, row: Row) -> None:
        self._rows[table].append(row)

    def take(self) -> dict[str, list[Row]]:
        taken, self._rows = self._rows, {name: [] for name in TABLE_ORDER}
        return taken


def stamps(created_at: datetime, updated_at: datetime | None = None) -> Row:
    return {"version": 1, "created_at": created_at, "updated_at": updated_at or created_at}
