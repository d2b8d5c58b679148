"""National IDs: encrypted at rest, masked in the API, revealed only to those allowed, found by
exact match, and re-encrypted by key rotation."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from crm_graphql.core.crypto import KeyRing, generate_key
from crm_graphql.core.settings import DEV_ENCRYPTION_KEYS
from crm_graphql.platform.rotation import remaining, rotate_keys
from crm_graphql.platform.users.models import UserRole
from tests.support import factories
from tests.support.databases import PG_HOST, PG_PORT, PG_USER
from tests.support.graphql_client import GraphQLClient, SignIn

CUSTOMER = """
query($id: ID!) { customer(id: $id) { id nationalId version } }
"""

UPDATE = """
mutation($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { nationalId version } errors { field code } }
}
"""

REVEAL = """
mutation($input: RevealNationalIdInput!) {
  revealNationalId(input: $input) { nationalId customer { id } errors { field message code } }
}
"""

BY_NATIONAL_ID = """
query($value: String!) { customers(nationalId: $value) { totalCount nodes { id } } }
"""


def marker() -> str:
    """A national ID no other test uses, easy to search for in raw bytes."""
    return "ZQ" + uuid.uuid4().hex[:12].upper()


async def test_national_id_is_masked_and_revealed_in_clear(gql: GraphQLClient) -> None:
    secret = marker()
    created = await factories.customer(gql, nationalId=f"{secret[:6]}-{secret[6:]}")
    data = await gql.query(CUSTOMER, {"id": created["id"]})
    assert data["customer"]["nationalId"] == "••••••" + secret[-4:]
    revealed = await gql.mutate(REVEAL, {"input": {"customerId": created["id"]}})
    assert revealed["nationalId"] == secret


async def test_exact_match_lookup_through_the_blind_index(gql: GraphQLClient) -> None:
    secret = marker()
    created = await factories.customer(gql, nationalId=secret)
    spaced = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)).lower()
    found = await gql.query(BY_NATIONAL_ID, {"value": spaced})
    assert found["customers"] == {"totalCount": 1, "nodes": [{"id": created["id"]}]}
    missing = await gql.query(BY_NATIONAL_ID, {"value": marker()})
    assert missing["customers"]["totalCount"] == 0
    assert (await gql.query(BY_NATIONAL_ID, {"value": "!"}))["customers"]["totalCount"] == 0


async def test_update_replaces_and_null_removes_the_national_id(gql: GraphQLClient) -> None:
    created = await factories.customer(gql, nationalId=marker())
    replacement = marker()
    updated = await gql.mutate(
        UPDATE, {"input": {"id": created["id"], "expectedVersion": 2, "nationalId": replacement}}
    )
    assert updated["customer"]["nationalId"].endswith(replacement[-4:])
    assert (await gql.query(BY_NATIONAL_ID, {"value": replacement}))["customers"]["totalCount"] == 1
    removed = await gql.mutate(
        UPDATE, {"input": {"id": created["id"], "expectedVersion": 3, "nationalId": None}}
    )
    assert removed["customer"]["nationalId"] is None
    assert (await gql.query(BY_NATIONAL_ID, {"value": replacement}))["customers"]["totalCount"] == 0


async def test_invalid_national_ids_are_refused(gql: GraphQLClient) -> None:
    errors = await gql.user_errors(
        factories.CREATE_CUSTOMER, {"input": {"name": "Bad ID", "nationalId": "a!"}}
    )
    assert errors == [
        {
            "field": ["input", "nationalId"],
            "message": "A national ID has 4 to 32 letters and digits (spaces and dashes are "
            "ignored).",
            "code": "VALIDATION",
        }
    ]


async def test_only_roles_with_the_reveal_right_see_it_in_clear(
    gql: GraphQLClient, sign_in: SignIn
) -> None:
    created = await factories.customer(gql, nationalId=marker())
    tag = uuid.uuid4().hex[:8]
    for role, allowed in ((UserRole.MANAGER, True), (UserRole.SUPPORT, False)):
        client = await sign_in.client(f"reveal-{role.value.lower()}-{tag}@tests.example", role)
        data = await client.query(REVEAL, {"input": {"customerId": created["id"]}})
        payload = data["revealNationalId"]
        if allowed:
            assert payload["nationalId"] is not None
        else:
            assert payload["nationalId"] is None
            assert payload["errors"][0]["code"] == "FORBIDDEN"
        await client.http.aclose()


async def _raw_bytes(app: Starlette, backend: str) -> bytes:
    url = make_url(app.state.resources.settings.database_url)
    if backend == "sqlite":
        assert url.database
        path = Path(url.database)
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    dump = await asyncio.create_subprocess_exec(
        "pg_dump",
        "-h",
        PG_HOST,
        "-p",
        str(PG_PORT),
        "-U",
        PG_USER,
        "-d",
        str(url.database),
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await dump.communicate()
    assert dump.returncode == 0
    return output


async def test_no_plaintext_on_disk_or_in_a_dump(
    gql: GraphQLClient, app: Starlette, backend: str
) -> None:
    secrets = [marker() for _ in range(3)]
    for secret in secrets:
        await factories.customer(gql, nationalId=secret)
    raw = await _raw_bytes(app, backend)
    assert b"v1.dev." in raw  # the envelopes are there...
    for secret in secrets:  # ...but not what they hold
        assert secret.encode() not in raw


async def test_rotation_moves_every_value_to_the_new_key(
    gql: GraphQLClient, app: Starlette
) -> None:
    created = await factories.customer(gql, nationalId=marker())
    engine = app.state.resources.engine
    dev = DEV_ENCRYPTION_KEYS  # "dev:<key>", what the test app runs with
    new = f"k2:{generate_key()}"
    ring = KeyRing.parse(f"{new},{dev}")
    assert await remaining(engine, ring) >= 1
    report = await rotate_keys(engine, ring, batch_size=7)
    assert report.remaining == 0
    assert await remaining(engine, ring) == 0
    async with engine.connect() as conn:
        stored = await conn.execute(
            text("SELECT national_id_enc FROM customers WHERE national_id_enc IS NOT NULL")
        )
        envelopes = stored.scalars().all()
    assert envelopes
    assert all(e.startswith("v1.k2.") for e in envelopes)
    # the running app only holds the dev key: rotate back so that it can read them again
    await rotate_keys(engine, KeyRing.parse(f"{dev},{new}"))
    assert (await gql.query(CUSTOMER, {"id": created["id"]}))["customer"]["nationalId"]
