"""Audit root fields (auditLog, verifyAuditLog) and the history of one object's records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

import strawberry
from sqlalchemy import ColumnElement, FromClause, Subquery, and_, func, select, union_all

from crm_graphql.data.loaders import PARENT, POSITION
from crm_graphql.data.ownership import parts_of
from crm_graphql.data.pagination import Ordering, Page, SortTerm, make_page
from crm_graphql.data.reader import AnyRow
from crm_graphql.graphql.arguments import FILTER, After, Before, First, Last
from crm_graphql.graphql.fields import requested_page
from crm_graphql.graphql.relay import Connection, GraphInfo, build_connection
from crm_graphql.platform.audit.inputs import AuditFilter, audit_conditions
from crm_graphql.platform.audit.models import AuditRecord
from crm_graphql.platform.audit.service import verify
from crm_graphql.platform.audit.types import AuditRecordType, AuditVerification

PAGE_ARGS_DOC = "first/after or last/before: keyset pagination, at most CRM_MAX_PAGE_SIZE."


def newest_first(id_column: ColumnElement[int]) -> Ordering:
    """Chain order reversed: ids follow the chain (service.append), so newest first."""
    return Ordering((SortTerm("id", id_column, descending=True),))


async def audit_log(
    info: GraphInfo,
    filter: AuditFilter | None,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[AuditRecordType]:
    """The filtered log, one page, newest first; counted only when totalCount is asked."""
    ctx = info.context
    table = AuditRecord.__table__
    order = newest_first(table.c.id)
    args = requested_page(info, order, first=first, after=after, last=last, before=before)
    conditions = [*ctx.scope(AuditRecord), audit_conditions(filter, ctx.scope)]
    stmt = (
        select(table)
        .where(*conditions, *args.where(order))
        .order_by(*args.read_order(order).clauses())
        .limit(args.limit + 1)
    )
    page = make_page(await ctx.reader.rows(stmt), args)

    async def count() -> int:
        total = await ctx.reader.scalar(select(func.count()).select_from(table).where(*conditions))
        return int(total or 0)

    return build_connection(AuditRecordType, page, order, count)


@dataclass(frozen=True, slots=True)
class Part:
    """Records of `entity_type` whose entity_id is a row of `table` belonging to the parent
    through `table.c[parent_column]`."""

    entity_type: str
    table: FromClause
    parent_column: str


@dataclass(frozen=True, slots=True)
class History:
    """What an object's history holds: its own records and those of its parts (rows that
    still exist: a removed part's records stay in auditLog only)."""

    entity_type: str
    parts: tuple[Part, ...] = ()

    @classmethod
    def of(cls, entity_type: str) -> History:
        """The history of `entity_type`: with the parts declared to show in it."""
        parts = tuple(
            Part(p.part.__name__, p.part.__table__, p.link)
            for p in parts_of(entity_type)
            if p.in_history
        )
        return cls(entity_type, parts)

    def rows(self, keys: Sequence[int], scope: Sequence[ColumnElement[bool]]) -> Subquery:
        """A subquery of audit rows and the parent key each belongs to (PARENT)."""
        audit = AuditRecord.__table__
        branches = [
            select(*audit.c, audit.c.entity_id.label(PARENT)).where(
                audit.c.entity_type == self.entity_type, audit.c.entity_id.in_(keys), *scope
            )
        ]
        for part in self.parts:
            parent = part.table.c[part.parent_column]
            joined = audit.join(
                part.table,
                and_(audit.c.entity_type == part.entity_type, audit.c.entity_id == part.table.c.id),
            )
            branches.append(
                select(*audit.c, parent.label(PARENT))
                .select_from(joined)
                .where(parent.in_(keys), *scope)
            )
        return union_all(*branches).subquery()


async def history_connection(
    info: GraphInfo,
    history: History,
    pk: int,
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[AuditRecordType]:
    """One page of an object's history, newest first; the pages of every object of one
    request and page size come from one statement (and counts from one more)."""
    ctx = info.context
    scope = ctx.scope(AuditRecord)
    order_key = newest_first(AuditRecord.__table__.c.id)
    args = requested_page(info, order_key, first=first, after=after, last=last, before=before)

    async def load(keys: list[int]) -> list[Page]:
        rows = history.rows(keys, scope)
        order = newest_first(rows.c.id)
        position = func.row_number().over(
            partition_by=rows.c[PARENT], order_by=args.read_order(order).clauses()
        )
        inner = select(*rows.c, position.label(POSITION)).where(*args.where(order)).subquery()
        stmt = (
            select(inner)
            .where(inner.c[POSITION] <= args.limit + 1)
            .order_by(inner.c[PARENT], inner.c[POSITION])
        )
        grouped: dict[int, list[AnyRow]] = defaultdict(list)
        for row in await ctx.reader.rows(stmt):
            grouped[getattr(row, PARENT)].append(row)
        return [make_page(grouped.get(key, []), args) for key in keys]

    async def load_counts(keys: list[int]) -> list[int]:
        rows = history.rows(keys, scope)
        stmt = select(rows.c[PARENT], func.count()).group_by(rows.c[PARENT])
        counts = {row[0]: row[1] for row in await ctx.reader.rows(stmt)}
        return [counts.get(key, 0) for key in keys]

    name = history.entity_type
    page = await ctx.loaders.custom(("audit-history", name, args), load).load(pk)

    async def count() -> int:
        total = await ctx.loaders.custom(("audit-history-count", name), load_counts).load(pk)
        return int(total)

    return build_connection(AuditRecordType, page, order_key, count)


async def customer_history(
    info: GraphInfo,
    customer_pk: int,
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[AuditRecordType]:
    """A customer's history: its records and those of its contact methods and addresses."""
    return await history_connection(
        info,
        History.of("Customer"),
        customer_pk,
        first=first,
        after=after,
        last=last,
        before=before,
    )


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="The audit log: who changed what, when, newest first. " + PAGE_ARGS_DOC
    )
    async def audit_log(
        self,
        info: GraphInfo,
        filter: Annotated[AuditFilter | None, FILTER] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AuditRecordType]:
        return await audit_log(info, filter, first=first, after=after, last=last, before=before)

    @strawberry.field(
        description="Recomputes the whole audit log's hash chain and says whether, and where, "
        "it was tampered with. Reads every record: slow on a large log."
    )
    async def verify_audit_log(self, info: GraphInfo) -> AuditVerification:
        return AuditVerification.of(await verify(info.context.reader))
