"""The audit_records table: one row per changed entity and mutation, never updated or deleted
(migration 0004_audit_log installs triggers that refuse both)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_graphql.core.db import Base, UTCDateTime

GENESIS_HASH = "0" * 64  # the prev_hash of the first record


class AuditRecord(Base):
    """A link of the hash chain: `hash` covers every other column (but `id`) and `prev_hash`,
    the hash of the record before it in id order (service.py)."""

    __tablename__ = "audit_records"
    __table_args__ = (
        # `id` last: an entity's or an actor's history pages newest first straight off the index
        Index("ix_audit_records_entity", "entity_type", "entity_id", "id"),
        Index("ix_audit_records_actor", "actor_user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # no foreign keys: a record must survive changes to (or the removal of) what it names
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    token_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[str] = mapped_column(Text)  # canonical JSON {field: {before, after}}
    request_id: Mapped[str | None] = mapped_column(String(100))
    client_address: Mapped[str | None] = mapped_column(String(64))
    # unique: two writers can never both extend the same record, so the chain cannot fork
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
