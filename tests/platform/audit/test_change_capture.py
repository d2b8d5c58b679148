"""Change capture: the recorder writes what a transaction changed, secrets redacted."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import strawberry
from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_graphql.core.db import Base, utcnow, write_session
from crm_graphql.core.ids import encode_id
from crm_graphql.customers.models import ContactKind, ContactMethod, Customer, LifecycleStage
from crm_graphql.graphql.filters import DateTimeFilter, IDFilter, StringFilter
from crm_graphql.platform.audit.inputs import AuditFilter, audit_conditions
from crm_graphql.platform.audit.models import AuditRecord
from crm_graphql.platform.audit.recorder import REDACTED, ChangeRecorder, note, recorder_of
from crm_graphql.platform.audit.service import AuditEntry, append, audit_rule, verify
from crm_graphql.platform.users.models import User, UserRole
from crm_graphql.tags.models import Tag
from tests.platform.audit.entries import append_entries, entry, stored

# --- change capture --------------------------------------------------------------------------


async def recorded(
    sessions: async_sessionmaker[AsyncSession], action: str, work: Any
) -> list[AuditEntry]:
    """Runs `work(session)` in a write transaction with a recorder, appends what it saw,
    and returns the entries."""
    async with write_session(sessions) as session:
        recorder = ChangeRecorder.attach(session)
        await work(session)
        await recorder.write(
            action, actor_user_id=None, token_id=None, request_id=None, client_address=None
        )
        return recorder.entries(action)


async def test_an_insert_records_after_values_and_redacts_secrets(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async def work(session: AsyncSession) -> None:
        session.add(
            User(email="ann@example.com", name="Ann", role=UserRole.SALES, password_hash="h$1")
        )

    (created,) = await recorded(sessions, "createUser", work)
    assert (created.action, created.entity_type) == ("createUser", "User")
    assert isinstance(created.entity_id, int)
    assert created.changes == {
        "email": {"before": None, "after": "ann@example.com"},
        "name": {"before": None, "after": "Ann"},
        "role": {"before": None, "after": "SALES"},
        "is_active": {"before": None, "after": True},
        "password_hash": {"before": None, "after": REDACTED},
    }
    (row,) = await stored(engine)
    assert "h$1" not in row.changes
    assert json.loads(row.changes)["password_hash"] == {"before": None, "after": REDACTED}
    assert (row.entity_type, row.entity_id, row.action) == ("User", created.entity_id, "createUser")
    assert (await verify(engine)).ok


async def test_an_update_records_before_and_after(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with write_session(sessions) as session:
        customer = Customer(name="Bea", occupation="baker", national_id_enc="v1:old")
        session.add(customer)
    async with write_session(sessions) as session:
        recorder = ChangeRecorder.attach(session)
        found = await session.get(Customer, customer.id)
        assert found is not None
        found.name = "Beatrice"
        found.birthday = date(1990, 5, 1)
        found.lifecycle_stage = LifecycleStage.PROSPECT
        found.national_id_enc = "v1:new"
        found.occupation = "baker"  # the same value: no change
        await session.flush()
        found.lifecycle_stage = LifecycleStage.CUSTOMER  # a second flush: first before, last after
        found.deleted_at = utcnow()
        await recorder.write(
            "updateCustomer", actor_user_id=1, token_id=2, request_id=None, client_address=None
        )
        (updated,) = recorder.entries("updateCustomer")
    assert (updated.entity_type, updated.entity_id) == ("Customer", customer.id)
    changes = dict(updated.changes)
    deleted_at = changes.pop("deleted_at")
    assert deleted_at["before"] is None
    assert deleted_at["after"].endswith("Z")
    assert changes == {
        "lifecycle_stage": {"before": "LEAD", "after": "CUSTOMER"},
        # personal data and secrets: only the fact of the change
        "name": {"before": REDACTED, "after": REDACTED},
        "birthday": {"before": None, "after": REDACTED},
        "national_id_enc": {"before": REDACTED, "after": REDACTED},
    }
    assert "version" not in changes
    assert "updated_at" not in changes
    (row,) = [row for row in await stored(engine) if row.action == "updateCustomer"]
    assert "Bea" not in row.changes
    assert "1990" not in row.changes
    assert (await verify(engine)).ok


async def test_a_delete_records_before_values(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with write_session(sessions) as session:
        customer = Customer(name="Cleo")
        session.add(customer)
        await session.flush()
        contact = ContactMethod(customer_id=customer.id, kind=ContactKind.EMAIL, value="c@x.io")
        session.add(contact)

    async def work(session: AsyncSession) -> None:
        found = await session.get(ContactMethod, contact.id)
        await session.delete(found)

    (removed,) = await recorded(sessions, "removeContactMethod", work)
    assert (removed.entity_type, removed.entity_id) == ("ContactMethod", contact.id)
    assert removed.changes == {
        "customer_id": {"before": customer.id, "after": None},
        "kind": {"before": "EMAIL", "after": None},
        "value": {"before": REDACTED, "after": None},
        "is_primary": {"before": False, "after": None},
    }


async def test_unchanged_and_undone_work_records_nothing(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with write_session(sessions) as session:
        customer = Customer(name="Dora", occupation="pilot")
        session.add(customer)

    async def work(session: AsyncSession) -> None:
        found = await session.get(Customer, customer.id)
        assert found is not None
        found.occupation = "diver"
        await session.flush()
        found.occupation = "pilot"  # back where it started
        temporary = Customer(name="Temp")
        session.add(temporary)
        await session.flush()
        await session.delete(temporary)

    assert await recorded(sessions, "updateCustomer", work) == []
    assert await stored(engine) == []


async def test_services_add_entries_for_what_flushes_cannot_show(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with write_session(sessions) as session:
        customer = Customer(name="Eve")
        session.add(customer)

    async def work(session: AsyncSession) -> None:
        assert note(session, "Customer", customer.id)  # an audited read: no changes
        recorder = recorder_of(session)
        assert recorder is not None
        recorder.add(
            AuditEntry("tagCustomers", "Customer", customer.id, {"tags": {"after": [3, 4]}})
        )

    entries = await recorded(sessions, "revealNationalId", work)
    assert entries == [
        AuditEntry("revealNationalId", "Customer", customer.id, {}),
        AuditEntry(
            "tagCustomers", "Customer", customer.id, {"tags": {"before": None, "after": [3, 4]}}
        ),
    ]
    async with sessions() as session:
        assert not note(session, "Customer", customer.id)  # no recorder: nothing to add to
    assert [row.action for row in await stored(engine)] == ["revealNationalId", "tagCustomers"]


async def test_redact_values_hides_every_value(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with write_session(sessions) as session:
        customer = Customer(name="Fay", occupation="judge")
        session.add(customer)

    async def work(session: AsyncSession) -> None:
        found = await session.get(Customer, customer.id)
        assert found is not None
        found.name = "Erased customer"
        found.occupation = None
        found.lifecycle_stage = LifecycleStage.CHURNED  # logged in clear otherwise
        recorder = recorder_of(session)
        assert recorder is not None
        recorder.redact_values()

    (erased,) = await recorded(sessions, "eraseCustomer", work)
    assert erased.changes == {
        "name": {"before": REDACTED, "after": REDACTED},
        "occupation": {"before": REDACTED, "after": None},
        "lifecycle_stage": {"before": REDACTED, "after": REDACTED},
    }
    assert "LEAD" not in (await stored(engine))[0].changes


async def test_a_rolled_back_transaction_leaves_no_record(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async def fail_after_recording() -> None:
        async with write_session(sessions) as session:
            recorder = ChangeRecorder.attach(session)
            session.add(Customer(name="Gus"))
            await recorder.write(
                "createCustomer",
                actor_user_id=None,
                token_id=None,
                request_id=None,
                client_address=None,
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_after_recording()
    assert await stored(engine) == []
    assert (await verify(engine)).ok


async def test_the_filter_finds_records_by_entity_actor_action_and_time(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    start = utcnow()
    await append_entries(sessions, [entry(1), entry(2)])
    async with write_session(sessions) as session:
        await append(
            session,
            [AuditEntry("createTag", "Tag", 1, {})],
            actor_user_id=8,
            token_id=None,
            request_id=None,
            client_address=None,
        )

    async def ids(spec: AuditFilter) -> list[int | None]:
        table = AuditRecord.__table__
        stmt = select(table.c.entity_id).where(audit_conditions(spec, lambda *_a, **_k: []))
        async with engine.connect() as conn:
            return sorted((await conn.execute(stmt.order_by(table.c.id))).scalars())

    customer_2 = strawberry.ID(encode_id("Customer", 2))
    assert await ids(AuditFilter(entity_id=IDFilter(eq=customer_2))) == [2]
    assert await ids(AuditFilter(entity_id=IDFilter(ne=customer_2))) == [1, 1]
    assert await ids(AuditFilter(entity_id=IDFilter(in_=[strawberry.ID(encode_id("Tag", 1))]))) == [
        1
    ]
    assert await ids(AuditFilter(actor_id=IDFilter(eq=strawberry.ID(encode_id("User", 8))))) == [1]
    assert await ids(AuditFilter(action=StringFilter(starts_with="update"))) == [1, 2]
    assert await ids(AuditFilter(entity_type=StringFilter(eq="Tag"))) == [1]
    assert await ids(AuditFilter(at=DateTimeFilter(gte=start))) == [1, 1, 2]
    assert await ids(AuditFilter(at=DateTimeFilter(lt=start))) == []


async def test_the_row_rule_shows_records_of_objects_the_viewer_reaches(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with write_session(sessions) as session:
        mine, theirs = Customer(name="Kim"), Customer(name="Lou")
        session.add_all([mine, theirs])
    await append_entries(
        sessions,
        [
            AuditEntry("updateCustomer", "Customer", mine.id, {}),
            AuditEntry("updateCustomer", "Customer", theirs.id, {}),
            AuditEntry("updateCustomer", "Customer", 999, {}),  # gone
            AuditEntry("createTag", "Tag", 1, {}),
            AuditEntry("createApiToken", "User", 5, {}),
            AuditEntry("somethingElse", "NoSuchModel", 1, {}),
        ],
    )

    def rule(model: type[Base]) -> ColumnElement[bool]:
        if model is Customer:
            return Customer.__table__.c.name == "Kim"
        return false() if model is Tag else true()

    table = AuditRecord.__table__
    stmt = select(table.c.entity_type, table.c.entity_id).where(audit_rule(rule))
    async with engine.connect() as conn:
        visible = sorted(tuple(row) for row in await conn.execute(stmt))
    assert visible == [("Customer", mine.id), ("User", 5)]
