"""GraphQL types of the audit log: AuditRecord, AuditChange and AuditVerification."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import strawberry
from strawberry.utils.str_converters import to_camel_case

from crm_graphql.core.ids import encode_id
from crm_graphql.graphql.context import Context
from crm_graphql.graphql.fields import batch_field, to_one_by_key
from crm_graphql.graphql.relations import nodes_of
from crm_graphql.graphql.relay import NODE_TYPES, Node, NodeType, register
from crm_graphql.platform.audit.models import AuditRecord
from crm_graphql.platform.audit.service import VerifyResult
from crm_graphql.platform.users.models import User
from crm_graphql.platform.users.refs import UserRef


@strawberry.type(description="One field of an audited object, before and after the change.")
class AuditChange:
    field: str = strawberry.field(
        description="The field, in camelCase (as stored: ownerId is the owning user's key)."
    )
    before: str | None = strawberry.field(
        description='The value before, as JSON (e.g. "\\"Ann\\"" or 3); null if there was '
        'none. Secrets show as "\\"[REDACTED]\\"".'
    )
    after: str | None = strawberry.field(
        description="The value after, as JSON; null if there is none (e.g. it was removed)."
    )


def _json_or_null(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


async def entities_of(ctx: Context, records: Sequence[AuditRecordType]) -> list[NodeType | None]:
    return await nodes_of(
        ctx,
        [None if r.entity_id is None else encode_id(r.entity_type, r.entity_id) for r in records],
    )


@register(AuditRecord)
@strawberry.type(
    name="AuditRecord",
    description="One object changed (or read in clear) by one mutation: an append-only "
    "record, linked to the one before it by a SHA-256 hash chain.",
)
class AuditRecordType(NodeType, Node):
    at: datetime = strawberry.field(description="When the mutation wrote it.")
    action: str = strawberry.field(description="The mutation, e.g. updateCustomer.")
    entity_type: str = strawberry.field(description="The object's type, e.g. Customer.")
    request_id: str | None = strawberry.field(
        description="The request's X-Request-ID, to match server logs."
    )
    client_address: str | None = strawberry.field(description="The client's network address.")
    hash: str = strawberry.field(description="SHA-256 (hex) of this record and prevHash.")
    prev_hash: str = strawberry.field(
        description="The hash of the record before it (64 zeros for the first one)."
    )
    entity_id: strawberry.Private[int | None]
    actor_user_id: strawberry.Private[int | None]
    token_id: strawberry.Private[int | None]
    changes: strawberry.Private[str]

    # GraphQL shows fields in the order of their annotations: resolvers just before their field
    def _entity_global_id(self) -> strawberry.ID | None:
        if self.entity_id is None or self.entity_type not in NODE_TYPES:
            return None
        return strawberry.ID(encode_id(self.entity_type, self.entity_id))

    entity_global_id: strawberry.ID | None = strawberry.field(
        resolver=_entity_global_id,
        name="entityId",
        description="The object's global ID (null for objects that have none in the API).",
    )
    entity: Node | None = batch_field(
        entities_of,
        uses=lambda: ("entity_type", "entity_id"),
        description="The object as it is now (null if it is gone or you may not see it).",
    )

    def _change_list(self) -> list[AuditChange]:
        stored: dict[str, dict[str, object]] = json.loads(self.changes)
        return [
            AuditChange(
                field=to_camel_case(name),
                before=_json_or_null(change.get("before")),
                after=_json_or_null(change.get("after")),
            )
            for name, change in stored.items()
        ]

    change_list: list[AuditChange] = strawberry.field(
        resolver=_change_list, name="changes", description="The fields that changed, by name."
    )
    actor: UserRef | None = to_one_by_key(
        User,
        key="actor_user_id",
        description="The user who made the change (null for the system, or if hidden).",
    )


@strawberry.type(description="The outcome of recomputing the audit log's hash chain.")
class AuditVerification:
    ok: bool = strawberry.field(description="Every record is unchanged and linked to the last.")
    checked: int = strawberry.field(
        description="Records examined, up to and including the first broken one."
    )
    first_broken_id: strawberry.ID | None = strawberry.field(
        description="The first record that does not hold: changed, or following a gap."
    )
    reason: str | None = strawberry.field(description="What is wrong with it, for people.")
    head_hash: str | None = strawberry.field(
        description="The hash of the last intact record. Keep it elsewhere: records cut off "
        "the end of the log can only be noticed against an earlier copy."
    )

    @classmethod
    def of(cls, result: VerifyResult) -> AuditVerification:
        broken = result.first_broken_id
        return cls(
            ok=result.ok,
            checked=result.checked,
            first_broken_id=None
            if broken is None
            else strawberry.ID(AuditRecordType.global_id(broken)),
            reason=result.reason,
            head_hash=result.head_hash,
        )
