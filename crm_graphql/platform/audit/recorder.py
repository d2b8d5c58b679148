"""Change capture: what a write transaction flushed, entity by entity, ready for the audit log.

A ChangeRecorder listens to its session's flushes. After each flush (when the session still
shows the pre-flush state, and inserted rows already have their keys) it notes, per ORM
instance the flush wrote, the column values that changed: after values of inserts, before
values of deletes, attribute history of updates; secrets and customers' personal data show
as "[REDACTED]". Several flushes of one entity merge into one entry: the first before, the
last after. Rows written by Core statements (association tables, bulk updates) are invisible
to it: services describe those, and reads in clear, with `note(...)`.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import uuid
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ColumnProperty, InstanceState, Session, UOWTransaction

from crm_graphql.platform.audit.models import AuditRecord
from crm_graphql.platform.audit.service import AuditEntry, append, iso_utc

REDACTED = "[REDACTED]"
REDACTED_COLUMNS = frozenset(
    {"password_hash", "token_hash", "national_id_enc", "national_id_index"}
)
# Customers' personal data (what privacy erasure removes) never enters the log either: the
# log cannot be erased, and an erasure must leave no copy behind. Only the fact of a change
# shows. Empty a model's set to log its values in clear.
PERSONAL_COLUMNS: dict[str, frozenset[str]] = {
    "Customer": frozenset({"name", "gender", "birthday", "occupation", "source"}),
    "ContactMethod": frozenset({"value", "label"}),
    "Address": frozenset({"line1", "line2", "city", "region", "postal_code"}),
    "Interaction": frozenset({"subject", "body"}),
    "Order": frozenset({"notes"}),
    "Payment": frozenset({"reference"}),
}
# bookkeeping every versioned row changes on every write: noise in a change log
SKIPPED_COLUMNS = frozenset({"version", "created_at", "updated_at"})
UNRECORDED_MODELS = frozenset({AuditRecord.__name__, "Event"})
# keys of the records an entity belongs to, kept for the event log (events/log.py)
LINK_COLUMNS = ("customer_id", "company_id", "order_id", "deal_id", "pipeline_id")
_INFO_KEY = "crm_audit_recorder"


def is_redacted(column: str) -> bool:
    """Columns whose values never reach the log (only that they changed)."""
    return column in REDACTED_COLUMNS or column.endswith("_enc")


def json_safe(value: Any) -> Any:
    """The value as plain JSON data: enums by value, times in ISO 8601 (aware ones in UTC),
    decimals as strings, bytes as hex."""
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        return value.isoformat() if value.tzinfo is None else iso_utc(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((json_safe(v) for v in value), key=repr)
    return str(value)


@dataclass(frozen=True, slots=True)
class Touched:
    """An entity a transaction wrote, for the event log: which fields changed (not their
    values), whether it was created or removed, and the keys of what it belongs to."""

    entity_type: str
    entity_id: int | None
    fields: dict[str, tuple[Any, Any]]
    inserted: bool
    removed: bool
    links: dict[str, int]


@dataclass
class _Pending:
    """One entity's merged changes; values unredacted until `entries` (equal placeholders
    would hide a changed secret)."""

    entity_type: str
    entity_id: int | None
    action: str | None  # None: the mutation's
    explicit: bool  # a service asked for it: kept even without changes
    changes: dict[str, tuple[Any, Any]] = dataclasses.field(default_factory=dict)
    sensitive: set[str] = dataclasses.field(default_factory=set)  # fields of redacted columns
    given: set[str] = dataclasses.field(default_factory=set)  # fields a service added: kept
    inserted: bool = False
    removed: bool = False  # deleted for good (soft deletion is a change of deleted_at)
    links: dict[str, int] = dataclasses.field(default_factory=dict)  # LINK_COLUMNS' values

    def merge(self, field: str, before: Any, after: Any) -> None:
        earlier = self.changes.get(field)
        self.changes[field] = (before if earlier is None else earlier[0], after)


class ChangeRecorder:
    """Collects the changes of one session's transaction; see the module docstring."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._pending: dict[Hashable, _Pending] = {}
        self._redact_all = False

    @classmethod
    def attach(cls, session: AsyncSession) -> ChangeRecorder:
        """The session's recorder, listening from now on (one per session)."""
        existing = recorder_of(session)
        if existing is not None:
            return existing
        recorder = cls(session)
        event.listen(session.sync_session, "after_flush", recorder._after_flush)
        session.info[_INFO_KEY] = recorder
        return recorder

    def detach(self) -> None:
        """Stops listening; what was collected stays readable."""
        if self._session.info.get(_INFO_KEY) is self:
            event.remove(self._session.sync_session, "after_flush", self._after_flush)
            del self._session.info[_INFO_KEY]

    def add(self, entry: AuditEntry) -> None:
        """An entry the flushes cannot show (Core writes, audited reads). An empty `action`
        means the mutation's, and merges into that entity's captured changes."""
        pending = self._entity(entry.entity_type, entry.entity_id, entry.action or None)
        pending.explicit = True
        for name, change in entry.changes.items():
            pending.merge(name, json_safe(change.get("before")), json_safe(change.get("after")))
            pending.given.add(name)

    def redact_values(self) -> None:
        """Every value of this transaction is logged as "[REDACTED]" (only which fields
        changed): for writes whose old values must not survive anywhere, such as erasure."""
        self._redact_all = True

    def entries(self, action: str) -> list[AuditEntry]:
        """The collected changes, one entry per entity, in the order entities were first
        touched; fields that ended where they started are left out."""
        out = []
        for pending in self._pending.values():
            changes = {
                name: {
                    "before": self._shown(pending, name, before),
                    "after": self._shown(pending, name, after),
                }
                for name, (before, after) in pending.changes.items()
                if before != after or name in pending.given
            }
            if changes or pending.explicit:
                out.append(
                    AuditEntry(
                        pending.action or action, pending.entity_type, pending.entity_id, changes
                    )
                )
        return out

    def touched(self) -> list[Touched]:
        """What the flushes wrote, entity by entity (Core writes noted by services included),
        leaving out entities whose fields all ended where they started."""
        out = []
        for p in self._pending.values():
            fields = {k: v for k, v in p.changes.items() if v[0] != v[1] or k in p.given}
            if fields or p.inserted or p.removed:
                out.append(
                    Touched(p.entity_type, p.entity_id, fields, p.inserted, p.removed, p.links)
                )
        return out

    async def write(
        self,
        action: str,
        *,
        actor_user_id: int | None,
        token_id: int | None,
        request_id: str | None,
        client_address: str | None,
    ) -> list[AuditRecord]:
        """Flushes the session and appends its entries to the audit log, in its transaction:
        call it as the last step before the commit."""
        await self._session.flush()
        return await append(
            self._session,
            self.entries(action),
            actor_user_id=actor_user_id,
            token_id=token_id,
            request_id=request_id,
            client_address=client_address,
        )

    def _shown(self, pending: _Pending, name: str, value: Any) -> Any:
        hidden = (
            self._redact_all
            or name in pending.sensitive
            or is_redacted(name)
            or name in PERSONAL_COLUMNS.get(pending.entity_type, ())
        )
        if value is not None and hidden:
            return REDACTED
        return value

    def _entity(self, entity_type: str, entity_id: int | None, action: str | None) -> _Pending:
        # without a key there is nothing to merge by: such an entity gets its own entry
        serial = len(self._pending) if entity_id is None else 0
        key: Hashable = (entity_type, entity_id, action, serial)
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = _Pending(entity_type, entity_id, action, False)
        return pending

    def _after_flush(self, session: Session, flush_context: UOWTransaction) -> None:
        # flush_context.states is what this flush wrote, cascaded deletes of orphans included
        # (session.deleted would miss those); "listonly" states were only read for relations
        written: dict[InstanceState[Any], tuple[bool, bool]] = flush_context.states
        for state, (is_delete, list_only) in sorted(written.items(), key=_flush_order):
            if list_only or state.class_.__name__ in UNRECORDED_MODELS:
                continue
            self._capture(state, is_delete=is_delete, is_insert=state.key is None)

    def _capture(self, state: InstanceState[Any], *, is_delete: bool, is_insert: bool) -> None:
        mapper = state.mapper
        pk_keys = {mapper.get_property_by_column(c).key for c in mapper.primary_key}
        entity_type = mapper.class_.__name__
        personal = PERSONAL_COLUMNS.get(entity_type, frozenset())
        pending = self._entity(entity_type, _primary_key(state), None)
        pending.inserted |= is_insert
        pending.removed |= is_delete
        for link in LINK_COLUMNS:
            value = state.dict.get(link)
            if isinstance(value, int):
                pending.links[link] = value
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            name = column.name
            if name in SKIPPED_COLUMNS or prop.key in pk_keys:
                continue
            change = _column_change(state, prop, is_delete=is_delete, is_insert=is_insert)
            if change is not None:
                pending.merge(prop.key, *change)
                if is_redacted(name) or name in personal:  # by column, as the field may differ
                    pending.sensitive.add(prop.key)


def _primary_key(state: InstanceState[Any]) -> int | None:
    """The instance's integer key (None for other or composite keys), from loaded state."""
    mapper = state.mapper
    if len(mapper.primary_key) != 1:
        return None
    value = state.dict.get(mapper.get_property_by_column(mapper.primary_key[0]).key)
    return value if isinstance(value, int) else None


def _flush_order(item: tuple[InstanceState[Any], tuple[bool, bool]]) -> tuple[str, int]:
    # the flush's bookkeeping has no meaningful order; entries should not depend on it
    state = item[0]
    return state.class_.__name__, _primary_key(state) or 0


def _column_change(
    state: InstanceState[Any], prop: ColumnProperty[Any], *, is_delete: bool, is_insert: bool
) -> tuple[Any, Any] | None:
    """(before, after) of one column in this flush, or None when it did not change. Values
    not loaded are not fetched (that would be I/O inside a flush): they show as null."""
    if is_insert or is_delete:
        value = json_safe(state.dict.get(prop.key))
        if value is None:
            return None
        return (None, value) if is_insert else (value, None)
    history = state.attrs[prop.key].history
    if not history.added and not history.deleted:
        return None
    before = json_safe(history.deleted[0]) if history.deleted else None
    after = json_safe(history.added[0]) if history.added else None
    return None if before == after else (before, after)


def recorder_of(session: AsyncSession | Session) -> ChangeRecorder | None:
    """The recorder attached to this session, if any."""
    found = session.info.get(_INFO_KEY)
    return found if isinstance(found, ChangeRecorder) else None


def note(
    session: AsyncSession,
    entity_type: str,
    entity_id: int | None,
    changes: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    action: str = "",
) -> bool:
    """Adds an entry to the session's recorder (for Core writes and audited reads); False
    when no recorder listens (outside a mutation)."""
    recorder = recorder_of(session)
    if recorder is None:
        return False
    recorder.add(
        AuditEntry(action, entity_type, entity_id, {k: dict(v) for k, v in (changes or {}).items()})
    )
    return True
