"""GDPR: consent records, data-subject export, erasure that leaves nothing behind, retention."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select, text, update
from starlette.applications import Starlette

from crm_graphql.app.models import Base
from crm_graphql.core.db import create_sessionmaker, utcnow, write_session
from crm_graphql.core.ids import decode_id
from crm_graphql.customers.models import Customer
from crm_graphql.platform.users.models import UserRole
from crm_graphql.privacy.service import purge_expired
from tests.support import factories
from tests.support.graphql_client import GraphQLClient, SignIn

CONSENT = """
mutation($input: RecordConsentInput!) {
  recordConsent(input: $input) {
    consent { id purpose granted textVersion source recordedAt }
    errors { field code }
  }
}
"""

CONSENTS = "query($id: ID!) { customer(id: $id) { consents { purpose granted textVersion } } }"

EXPORT = """
mutation($input: ExportCustomerDataInput!) {
  exportCustomerData(input: $input) { data errors { field code } }
}
"""

ERASE = """
mutation($input: EraseCustomerInput!) {
  eraseCustomer(input: $input) {
    customer { id name deletedAt erasedAt nationalId birthday }
    errors { field message code }
  }
}
"""

RESTORE = """
mutation($input: RestoreInput!) { restoreCustomer(input: $input) { errors { code message } } }
"""

LOG = """
mutation($input: LogInteractionInput!) { logInteraction(input: $input) { errors { code } } }
"""

PAY = """
mutation($input: AddPaymentInput!) { addPayment(input: $input) { errors { code } } }
"""

ORDER = "query($id: ID!) { order(id: $id) { notes total { amount } payments { reference } } }"


async def _person(gql: GraphQLClient, mark: str) -> tuple[dict[str, object], dict[str, object]]:
    """A customer whose every personal field carries `mark`, with an order and a call."""
    customer = await factories.customer(
        gql,
        name=f"Person {mark}",
        birthday="1980-05-06",
        occupation=f"Job {mark}",
        nationalId=mark,
        contactMethods=[
            {"kind": "EMAIL", "value": f"{mark.lower()}@mail.example", "label": mark},
            {"kind": "SOCIAL", "value": f"@{mark}"},
        ],
        addresses=[{"kind": "HOME", "line1": f"{mark} Street 1", "city": "Paris", "country": "FR"}],
    )
    product = await factories.product(gql, price="10.00")
    order = await factories.order(
        gql,
        customer["id"],
        [{"productId": product["id"], "quantity": 1}],
        status="PLACED",
        notes=f"Deliver to {mark}",
    )
    await gql.mutate(
        PAY,
        {
            "input": {
                "orderId": order["id"],
                "amount": {"amount": "10.00", "currency": "EUR"},
                "method": "CARD",
                "reference": f"REF-{mark}",
            }
        },
    )
    await gql.mutate(
        LOG,
        {"input": {"customerId": customer["id"], "kind": "CALL", "subject": f"Call {mark}"}},
    )
    await gql.mutate(
        CONSENT,
        {
            "input": {
                "customerId": customer["id"],
                "purpose": "Marketing-Email",
                "granted": True,
                "textVersion": "2026-01",
                "source": "web-form",
            }
        },
    )
    return customer, order


def _mark() -> str:
    return "MK" + uuid.uuid4().hex[:10].upper()


async def _tables_containing(app: Starlette, mark: str) -> list[str]:
    found = []
    async with app.state.resources.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = (await conn.execute(select(table))).all()
            if any(mark.lower() in str(value).lower() for row in rows for value in row):
                found.append(table.name)
    return found


async def test_consents_are_appended_and_listed(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    for granted in (True, False):
        data = await gql.mutate(
            CONSENT,
            {
                "input": {
                    "customerId": customer["id"],
                    "purpose": "newsletter",
                    "granted": granted,
                    "textVersion": "v3",
                }
            },
        )
        assert data["consent"]["granted"] is granted
    listed = await gql.query(CONSENTS, {"id": customer["id"]})
    assert listed["customer"]["consents"] == [
        {"purpose": "newsletter", "granted": True, "textVersion": "v3"},
        {"purpose": "newsletter", "granted": False, "textVersion": "v3"},
    ]
    errors = await gql.user_errors(
        CONSENT,
        {
            "input": {
                "customerId": customer["id"],
                "purpose": " ",
                "granted": True,
                "textVersion": "",
            }
        },
    )
    assert {tuple(e["field"]) for e in errors} == {("input", "purpose"), ("input", "textVersion")}


async def test_export_holds_everything_about_the_person(gql: GraphQLClient) -> None:
    mark = _mark()
    customer, _ = await _person(gql, mark)
    data = (await gql.mutate(EXPORT, {"input": {"customerId": customer["id"]}}))["data"]
    assert data["name"] == f"Person {mark}"
    assert data["national_id"] == mark
    assert {c["value"] for c in data["contact_methods"]} == {
        f"{mark.lower()}@mail.example",
        f"@{mark}",
    }
    assert data["addresses"][0]["line1"] == f"{mark} Street 1"
    assert data["orders"][0]["notes"] == f"Deliver to {mark}"
    assert data["orders"][0]["payments"][0]["reference"] == f"REF-{mark}"
    assert data["orders"][0]["items"][0]["product"]
    assert data["interactions"][0]["subject"] == f"Call {mark}"
    assert data["consents"][0]["purpose"] == "marketing-email"
    assert "national_id_enc" not in data


async def test_erasure_leaves_no_personal_data_in_any_table(
    gql: GraphQLClient, app: Starlette
) -> None:
    mark = _mark()
    customer, order = await _person(gql, mark)
    assert "customers" in await _tables_containing(app, mark)
    erased = await gql.mutate(
        ERASE, {"input": {"customerId": customer["id"], "reason": "GDPR request #42"}}
    )
    assert erased["customer"]["name"] == "Erased customer"
    assert erased["customer"]["erasedAt"] is not None
    assert erased["customer"]["deletedAt"] is not None
    assert erased["customer"]["nationalId"] is None
    assert erased["customer"]["birthday"] is None
    assert await _tables_containing(app, mark) == []
    # the books stay: the order and its payment, anonymised
    kept = (await gql.query(ORDER, {"id": order["id"]}))["order"]
    assert kept is None  # it belonged to a deleted customer: hidden from lists and lookups
    async with app.state.resources.engine.connect() as conn:
        totals = await conn.execute(
            text("SELECT total_minor, paid_minor, notes FROM orders WHERE customer_id = :c"),
            {"c": int(_pk(customer["id"]))},
        )
        assert totals.all() == [(1000, 1000, None)]
    # irreversible
    errors = (await gql.query(RESTORE, {"input": {"id": customer["id"]}}))["restoreCustomer"]
    assert errors["errors"][0]["code"] == "VALIDATION"
    again = await gql.user_errors(ERASE, {"input": {"customerId": customer["id"], "reason": "x"}})
    assert again[0]["code"] == "VALIDATION"


def _pk(global_id: object) -> int:
    decoded = decode_id(str(global_id))
    assert decoded is not None
    return decoded.pk


async def test_only_privacy_managers_export_and_erase(gql: GraphQLClient, sign_in: SignIn) -> None:
    customer = await factories.customer(gql)
    manager = await sign_in.client(
        f"privacy-{uuid.uuid4().hex[:8]}@tests.example", UserRole.MANAGER
    )
    for query, variables in (
        (EXPORT, {"input": {"customerId": customer["id"]}}),
        (ERASE, {"input": {"customerId": customer["id"], "reason": "no"}}),
    ):
        data = await manager.query(query, variables)
        (payload,) = data.values()
        assert payload["errors"][0]["code"] == "FORBIDDEN"
    await manager.http.aclose()
    still = await gql.query(CONSENTS, {"id": customer["id"]})
    assert still["customer"] is not None


async def test_purge_erases_customers_deleted_past_retention(
    gql: GraphQLClient, app: Starlette
) -> None:
    mark = _mark()
    old = await factories.customer(gql, name=f"Old {mark}")
    recent = await factories.customer(gql, name=f"Recent {mark}")
    resources = app.state.resources
    async with write_session(resources.sessionmaker) as session:
        await session.execute(
            update(Customer)
            .where(Customer.id == _pk(old["id"]))
            .values(deleted_at=utcnow() - timedelta(days=400))
        )
        await session.execute(
            update(Customer).where(Customer.id == _pk(recent["id"])).values(deleted_at=utcnow())
        )
    async with write_session(create_sessionmaker(resources.engine)) as session:
        report = await purge_expired(session=session, retention_days=365)
    assert report["customers_erased"] >= 1
    async with resources.engine.connect() as conn:
        names = await conn.execute(
            select(Customer.name, Customer.erased_at)
            .where(Customer.id.in_([_pk(old["id"]), _pk(recent["id"])]))
            .order_by(Customer.id)
        )
        rows = names.all()
    assert rows[0][0] == "Erased customer"
    assert rows[0][1] is not None
    assert rows[1] == (f"Recent {mark}", None)
