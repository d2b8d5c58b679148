"""The audit log through the API: every mutation and sensitive read leaves a chained record."""

from __future__ import annotations

import uuid

from crm_graphql.core.ids import encode_id
from crm_graphql.platform.users.models import UserRole
from tests.support import factories
from tests.support.graphql_client import GraphQLClient, SignIn

LOG = """
query($id: ID!) {
  auditLog(filter: {entityId: {eq: $id}}) {
    nodes {
      action entityType entityId actor { email } changes { field before after } hash prevHash
    }
  }
}
"""

VERIFY = "{ verifyAuditLog { ok checked firstBrokenId } }"

HISTORY = "query($id: ID!) { customer(id: $id) { history { nodes { action } } } }"

UPDATE = """
mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { errors { code } } }
"""

REVEAL = """
mutation($input: RevealNationalIdInput!) { revealNationalId(input: $input) { errors { code } } }
"""


async def test_changes_are_logged_with_actor_and_before_after(gql: GraphQLClient) -> None:
    created = await factories.customer(gql, nationalId="AB123456")
    await gql.mutate(
        UPDATE,
        {"input": {"id": created["id"], "expectedVersion": 2, "lifecycleStage": "PROSPECT"}},
    )
    await gql.mutate(REVEAL, {"input": {"customerId": created["id"]}})
    nodes = (await gql.query(LOG, {"id": created["id"]}))["auditLog"]["nodes"]
    assert [n["action"] for n in nodes] == ["revealNationalId", "updateCustomer", "createCustomer"]
    update = nodes[1]
    assert update["actor"]["email"] == "admin@tests.example"
    stage = {c["field"]: c for c in update["changes"]}["lifecycleStage"]
    assert (stage["before"], stage["after"]) == ('"LEAD"', '"PROSPECT"')
    created_changes = {c["field"]: c["after"] for c in nodes[2]["changes"]}
    # personal and secret values never reach the log, only the fact that they changed
    assert created_changes["name"] == '"[REDACTED]"'
    assert created_changes["nationalIdEnc"] == '"[REDACTED]"'
    assert nodes[0]["prevHash"] != nodes[1]["prevHash"]
    history = (await gql.query(HISTORY, {"id": created["id"]}))["customer"]["history"]["nodes"]
    assert [h["action"] for h in history][:3] == [n["action"] for n in nodes]
    verdict = (await gql.query(VERIFY))["verifyAuditLog"]
    assert verdict["ok"] is True
    assert verdict["checked"] >= 3


async def test_failed_mutations_write_no_audit_record(gql: GraphQLClient) -> None:
    created = await factories.customer(gql)
    errors = await gql.query(UPDATE, {"input": {"id": created["id"], "expectedVersion": 9}})
    assert errors["updateCustomer"]["errors"][0]["code"] == "CONFLICT"
    nodes = (await gql.query(LOG, {"id": created["id"]}))["auditLog"]["nodes"]
    assert [n["action"] for n in nodes] == ["createCustomer"]


async def test_who_may_read_and_verify_the_log(gql: GraphQLClient, sign_in: SignIn) -> None:
    tag = uuid.uuid4().hex[:8]
    manager = await sign_in.client(f"audit-manager-{tag}@tests.example", UserRole.MANAGER)
    viewer = await sign_in.client(f"audit-viewer-{tag}@tests.example", UserRole.VIEWER)
    # a manager reads the log of its team's records only
    mine = await manager.mutate(
        factories.CREATE_CUSTOMER, {"input": {"name": factories.unique("Managed")}}
    )
    outsider = await sign_in.user(f"audit-outsider-{tag}@tests.example", UserRole.SALES)
    others = await factories.customer(gql, ownerId=encode_id("User", outsider))
    assert (await manager.query(LOG, {"id": mine["customer"]["id"]}))["auditLog"]["nodes"]
    assert (await manager.query(LOG, {"id": others["id"]}))["auditLog"]["nodes"] == []
    assert (await manager.errors(VERIFY))[0]["extensions"]["code"] == "FORBIDDEN"
    assert await viewer.errors(LOG.replace("$id", '"x"').replace("query(: ID!)", "query"))
    for client in (manager, viewer):
        await client.http.aclose()
