"""Ownership scoping of writes: hidden records cannot be changed and look missing; what each
role may create, assign and claim."""

from __future__ import annotations

from typing import Any

from tests.data.access.operations import (
    ADD_CONTACT,
    ADD_PAYMENT,
    CREATE_COMPANY,
    CREATE_CUSTOMER,
    CREATE_TAG,
    CUSTOMER,
    CUSTOMER_PARTS,
    DELETE,
    LABELS,
    LOG,
    MISSING_CUSTOMER,
    NODE,
    REMOVE_CONTACT,
    RESTORE,
    TAG_CUSTOMERS,
    UPDATE,
    UPDATE_CONTACT,
    World,
    codes_of,
    errors_of,
    listed,
)
from tests.support import factories

# --- writing -------------------------------------------------------------------------------


async def test_hidden_customer_cannot_be_written_and_looks_missing(world: World) -> None:
    s1 = world.clients["s1"]
    hidden = world.cid("s2")

    async def same_as_missing(document: str, input: dict[str, Any], key: str) -> None:
        refused = await errors_of(s1, document, {**input, key: hidden})
        absent = await errors_of(s1, document, {**input, key: MISSING_CUSTOMER})
        assert [e["code"] for e in refused] == ["NOT_FOUND"], refused
        assert refused == absent

    await same_as_missing(UPDATE, {"expectedVersion": 1, "name": "Hijacked"}, "id")
    await same_as_missing(DELETE, {}, "id")
    await same_as_missing(LOG, {"kind": "CALL", "subject": "snooping"}, "customerId")
    await same_as_missing(ADD_CONTACT, {"kind": "EMAIL", "value": "spy@example.com"}, "customerId")
    # nothing changed
    data = await world.admin.query(CUSTOMER_PARTS, {"id": hidden})
    assert data["customer"] == {
        "id": hidden,
        "name": world.customers["s2"]["name"],
        "version": 1,
        "deletedAt": None,
        "contactMethods": {"totalCount": 0},
        "interactions": {"totalCount": 0},
        "orders": {"totalCount": 0},
        "tags": {"totalCount": 0},
    }


async def test_hidden_customers_parts_cannot_be_written(world: World) -> None:
    admin, s1 = world.admin, world.clients["s1"]
    contact = await admin.mutate(
        ADD_CONTACT,
        {"input": {"customerId": world.cid("s2"), "kind": "EMAIL", "value": "s2@example.com"}},
    )
    contact_id = contact["contactMethod"]["id"]
    assert (await s1.query(NODE, {"id": contact_id}))["node"] is None
    assert await codes_of(
        s1, UPDATE_CONTACT, {"id": contact_id, "expectedVersion": 1, "value": "x@example.com"}
    ) == ["NOT_FOUND"]
    assert await codes_of(s1, REMOVE_CONTACT, {"id": contact_id}) == ["NOT_FOUND"]
    tag = await factories.tag(admin)
    errors = await errors_of(
        s1, TAG_CUSTOMERS, {"tagIds": [tag["id"]], "customerIds": [world.cid("s2")]}
    )
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "customerIds", "0"], "NOT_FOUND")
    ]
    product = await factories.product(admin)
    order = await factories.order(
        admin, world.cid("s2"), [{"productId": product["id"], "quantity": 1}], status="PLACED"
    )
    errors = await errors_of(
        s1,
        ADD_PAYMENT,
        {"orderId": order["id"], "amount": {"amount": "1.00", "currency": "EUR"}, "method": "CASH"},
    )
    assert [e["code"] for e in errors] == ["NOT_FOUND"]
    errors = await errors_of(
        s1,
        factories.CREATE_ORDER,
        {"customerId": world.cid("s2"), "currency": "EUR", "items": []},
    )
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "customerId"], "NOT_FOUND")]
    data = await admin.query(CUSTOMER_PARTS, {"id": world.cid("s2")})
    assert data["customer"]["contactMethods"] == {"totalCount": 1}
    assert data["customer"]["orders"] == {"totalCount": 1}
    assert data["customer"]["tags"] == {"totalCount": 0}


async def test_deleted_hidden_customer_cannot_be_restored(world: World) -> None:
    await world.admin.mutate(DELETE, {"input": {"id": world.cid("s2")}})
    s1 = world.clients["s1"]
    assert await listed(s1, world.prefix, include_deleted=True) == {"s1", "lead"}
    refused = await errors_of(s1, RESTORE, {"id": world.cid("s2")})
    absent = await errors_of(s1, RESTORE, {"id": MISSING_CUSTOMER})
    assert [e["code"] for e in refused] == ["NOT_FOUND"]
    assert refused == absent
    # its owner may restore it
    await world.clients["s2"].mutate(RESTORE, {"input": {"id": world.cid("s2")}})


async def test_sales_owns_what_it_creates(world: World) -> None:
    s1 = world.clients["s1"]
    name = f"{world.prefix} created by s1"
    created = await s1.mutate(CREATE_CUSTOMER, {"input": {"name": name}})
    assert created["customer"]["owner"] == {"id": world.users["s1"]}
    assert "created by s1" in await listed(s1, world.prefix)
    assert "created by s1" not in await listed(world.clients["s2"], world.prefix)
    assert "created by s1" in await listed(world.clients["m"], world.prefix)
    data = await world.admin.query(CUSTOMER, {"id": created["customer"]["id"]})
    assert data["customer"]["owner"] == {"id": world.users["s1"]}


async def test_sales_assigns_customers_only_to_itself(world: World) -> None:
    s1 = world.clients["s1"]
    for owner in (world.users["s2"], world.users["m"], world.users["x"]):
        errors = await errors_of(
            s1, CREATE_CUSTOMER, {"name": f"{world.prefix} given away", "ownerId": owner}
        )
        assert [(e["field"], e["code"]) for e in errors] == [(["input", "ownerId"], "FORBIDDEN")]
    assert "given away" not in await listed(world.admin, world.prefix)
    explicit = await s1.mutate(
        CREATE_CUSTOMER, {"input": {"name": f"{world.prefix} mine", "ownerId": world.users["s1"]}}
    )
    assert explicit["customer"]["owner"] == {"id": world.users["s1"]}
    # nor hand its own customer over (or unassign it)
    for owner in (world.users["s2"], None):
        errors = await errors_of(
            s1, UPDATE, {"id": world.cid("s1"), "expectedVersion": 1, "ownerId": owner}
        )
        assert [(e["field"], e["code"]) for e in errors] == [(["input", "ownerId"], "FORBIDDEN")]
    data = await world.admin.query(CUSTOMER, {"id": world.cid("s1")})
    assert data["customer"]["owner"] == {"id": world.users["s1"]}
    assert data["customer"]["version"] == 1


async def test_sales_claims_an_unassigned_lead(world: World) -> None:
    s1 = world.clients["s1"]
    claimed = await s1.mutate(
        UPDATE,
        {"input": {"id": world.cid("lead"), "expectedVersion": 1, "ownerId": world.users["s1"]}},
    )
    assert claimed["customer"]["owner"] == {"id": world.users["s1"]}
    assert await listed(world.clients["s2"], world.prefix) == {"s2"}
    assert await listed(s1, world.prefix) == {"s1", "lead"}


async def test_manager_assigns_within_its_team(world: World) -> None:
    m = world.clients["m"]
    own = await m.mutate(CREATE_CUSTOMER, {"input": {"name": f"{world.prefix} by m"}})
    assert own["customer"]["owner"] == {"id": world.users["m"]}
    for label in ("s1", "s2"):
        given = await m.mutate(
            CREATE_CUSTOMER,
            {"input": {"name": f"{world.prefix} for {label}", "ownerId": world.users[label]}},
        )
        assert given["customer"]["owner"] == {"id": world.users[label]}
    errors = await errors_of(
        m, CREATE_CUSTOMER, {"name": f"{world.prefix} for x", "ownerId": world.users["x"]}
    )
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "ownerId"], "FORBIDDEN")]
    # moves a customer between its reports, but cannot touch X's
    moved = await m.mutate(
        UPDATE,
        {"input": {"id": world.cid("s1"), "expectedVersion": 1, "ownerId": world.users["s2"]}},
    )
    assert moved["customer"]["owner"] == {"id": world.users["s2"]}
    assert await codes_of(
        m, UPDATE, {"id": world.cid("x"), "expectedVersion": 1, "name": "Taken"}
    ) == ["NOT_FOUND"]
    assert await listed(world.clients["s2"], world.prefix) == {"s1", "s2", "lead", "for s2"}


async def test_support_reads_everything_and_logs_interactions_only(world: World) -> None:
    support = world.clients["support"]
    assert await listed(support, world.prefix) == set(LABELS)
    logged = await support.mutate(
        LOG, {"input": {"customerId": world.cid("s2"), "kind": "CALL", "subject": "Helped"}}
    )
    assert logged["interaction"]["customer"] == {"id": world.cid("s2")}
    assert await codes_of(support, CREATE_CUSTOMER, {"name": f"{world.prefix} support"}) == [
        "FORBIDDEN"
    ]
    assert await codes_of(
        support, UPDATE, {"id": world.cid("s2"), "expectedVersion": 1, "name": "Changed"}
    ) == ["FORBIDDEN"]
    assert "support" not in await listed(world.admin, world.prefix)


async def test_viewer_reads_everything_but_every_write_is_forbidden(world: World) -> None:
    viewer, admin = world.clients["viewer"], world.admin
    assert await listed(viewer, world.prefix) == set(LABELS)
    product = await factories.product(admin)
    tag = await factories.tag(admin)
    target = world.cid("s1")
    attempts: list[tuple[str, dict[str, Any]]] = [
        (CREATE_CUSTOMER, {"name": f"{world.prefix} by viewer"}),
        (UPDATE, {"id": target, "expectedVersion": 1, "name": "Changed"}),
        (DELETE, {"id": target}),
        (LOG, {"customerId": target, "kind": "NOTE", "subject": "x"}),
        (ADD_CONTACT, {"customerId": target, "kind": "EMAIL", "value": "v@example.com"}),
        (TAG_CUSTOMERS, {"tagIds": [tag["id"]], "customerIds": [target]}),
        (
            factories.CREATE_ORDER,
            {
                "customerId": target,
                "currency": "EUR",
                "items": [{"productId": product["id"], "quantity": 1}],
            },
        ),
        (CREATE_COMPANY, {"name": f"{world.prefix} viewer co"}),
        (CREATE_TAG, {"name": factories.unique("viewer-tag")}),
    ]
    for document, input in attempts:
        errors = await errors_of(viewer, document, input)
        assert [e["code"] for e in errors] == ["FORBIDDEN"], (document, errors)
    data = await admin.query(CUSTOMER_PARTS, {"id": target})
    assert data["customer"] == {
        "id": target,
        "name": world.customers["s1"]["name"],
        "version": 1,
        "deletedAt": None,
        "contactMethods": {"totalCount": 0},
        "interactions": {"totalCount": 0},
        "orders": {"totalCount": 0},
        "tags": {"totalCount": 0},
    }
    assert await listed(admin, world.prefix) == set(LABELS)


async def test_admin_reaches_everything(world: World) -> None:
    admin = world.admin
    product = await factories.product(admin)
    order = await factories.order(
        admin, world.cid("x"), [{"productId": product["id"], "quantity": 2}]
    )
    assert (await admin.query(NODE, {"id": order["id"]}))["node"]["id"] == order["id"]
    updated = await admin.mutate(
        UPDATE,
        {"input": {"id": world.cid("x"), "expectedVersion": 1, "ownerId": world.users["s1"]}},
    )
    assert updated["customer"]["owner"] == {"id": world.users["s1"]}
    assert await listed(world.clients["s1"], world.prefix) == {"s1", "x", "lead"}
