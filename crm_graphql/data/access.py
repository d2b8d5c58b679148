"""Who is asking, and which rows they may reach: SQL predicates applied inside every statement
(lists, nested fields, node lookups, counts, filters and writes), never Python post-filters."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from crm_graphql.companies.models import Company
from crm_graphql.core.db import Base
from crm_graphql.customers.models import Address, ContactMethod, Customer, LifecycleStage
from crm_graphql.deals.models import Deal, DealStageChange
from crm_graphql.interactions.models import Interaction
from crm_graphql.orders.models import Order, OrderItem, Payment
from crm_graphql.platform.audit.models import AuditRecord
from crm_graphql.platform.audit.service import audit_rule
from crm_graphql.platform.auth.permissions import (
    MODEL_READ,
    OWNERSHIP_SCOPED,
    ROLE_PERMISSIONS,
    Access,
    Permission,
)
from crm_graphql.platform.users.models import UserRole
from crm_graphql.privacy.models import Consent


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in user of a request, through one token."""

    user_id: int
    role: UserRole
    token_id: int
    permissions: frozenset[Permission]
    team: frozenset[int]  # owners whose records are this viewer's: itself and its reports

    @classmethod
    def of(
        cls,
        *,
        user_id: int,
        role: UserRole,
        token_id: int,
        scopes: frozenset[Permission] | None,
        reports: frozenset[int] = frozenset(),
    ) -> Viewer:
        granted = ROLE_PERMISSIONS[role]
        return cls(
            user_id=user_id,
            role=role,
            token_id=token_id,
            permissions=granted if scopes is None else granted & scopes,
            team=frozenset({user_id}) | (reports if role is UserRole.MANAGER else frozenset()),
        )

    def can(self, need: Permission | Access) -> bool:
        if isinstance(need, Access):
            return True
        return need in self.permissions

    @property
    def owns_only_its_records(self) -> bool:
        return self.role in OWNERSHIP_SCOPED


def scope_key(viewer: Viewer | None) -> Hashable:
    """Viewers with equal keys see the same rows: row rules depend on nothing else."""
    if viewer is None:
        return None
    return (viewer.role, viewer.team if viewer.owns_only_its_records else None, viewer.permissions)


def _live(model: type[Base]) -> ColumnElement[bool]:
    return model.__table__.c.deleted_at.is_(None)


def _own(viewer: Viewer, owner: ColumnElement[int | None]) -> ColumnElement[bool]:
    return owner.in_(viewer.team)


def customer_rule(viewer: Viewer) -> ColumnElement[bool]:
    """SALES and MANAGER reach their (team's) customers and unassigned leads."""
    if not viewer.owns_only_its_records:
        return true()
    c = Customer.__table__.c
    return or_(
        _own(viewer, c.owner_id),
        and_(c.owner_id.is_(None), c.lifecycle_stage == LifecycleStage.LEAD.value),
    )


def company_rule(viewer: Viewer) -> ColumnElement[bool]:
    """...their companies, unowned ones, and those their customers work for."""
    if not viewer.owns_only_its_records:
        return true()
    c = Company.__table__.c
    return or_(
        _own(viewer, c.owner_id),
        c.owner_id.is_(None),
        exists(
            select(Customer.id)
            .where(Customer.company_id == c.id, _live(Customer), customer_rule(viewer))
            .correlate_except(Customer)
        ),
    )


def deal_rule(viewer: Viewer) -> ColumnElement[bool]:
    """SALES and MANAGER reach their (team's) deals and unowned ones."""
    if not viewer.owns_only_its_records:
        return true()
    owner = Deal.__table__.c.owner_id
    return or_(_own(viewer, owner), owner.is_(None))


def _customer_reachable(viewer: Viewer, customer_id: ColumnElement[int]) -> ColumnElement[bool]:
    """A live customer this viewer may see: what makes its parts (contacts, orders...) visible."""
    # correlate_except: the subquery reads its own customers even when the outer statement
    # joins customers too (a company's orders go through its people)
    return exists(
        select(Customer.id)
        .where(Customer.id == customer_id, _live(Customer), customer_rule(viewer))
        .correlate_except(Customer)
    )


def _order_reachable(viewer: Viewer, order_id: ColumnElement[int]) -> ColumnElement[bool]:
    o = Order.__table__.c
    return exists(
        select(o.id)
        .where(o.id == order_id, _live(Order), _customer_reachable(viewer, o.customer_id))
        .correlate_except(Order)
    )


# Parts of a record, visible exactly when the record they belong to (through these foreign
# keys) is: read as a relation of that record, their rule is the record's own, already met.
PART_OF: dict[type[Base], frozenset[str]] = {
    ContactMethod: frozenset({"customer_id"}),
    Address: frozenset({"customer_id", "company_id"}),
    Consent: frozenset({"customer_id"}),
    Order: frozenset({"customer_id"}),
    Interaction: frozenset({"customer_id"}),
    OrderItem: frozenset({"order_id"}),
    Payment: frozenset({"order_id"}),
    DealStageChange: frozenset({"deal_id"}),
}


def row_rule(
    viewer: Viewer | None, model: type[Base], via: str | None = None
) -> ColumnElement[bool]:
    """The rows of `model` this viewer may reach; none at all without the area's read right.
    `via`: the foreign key the rows are read through, from parent rows the viewer reached (a
    relation's loader); for parts of those parents nothing more needs checking, and leaving
    the check out spares PostgreSQL a join over every parent row."""
    if viewer is None:
        return false()
    needed = MODEL_READ.get(model.__name__)
    if needed is not None and not viewer.can(needed):
        return false()
    if via is not None and via in PART_OF.get(model, ()):
        return true()
    if model is Customer:
        return customer_rule(viewer)
    if model is Company:
        return company_rule(viewer)
    if model is AuditRecord:
        # an audit record shows its object's values: readable where the object is
        if not viewer.owns_only_its_records:
            return true()
        return audit_rule(lambda target: row_rule(viewer, target))
    if model is Deal:
        return deal_rule(viewer)
    if model is DealStageChange:
        d = Deal.__table__.c
        return exists(
            select(d.id)
            .where(d.id == DealStageChange.__table__.c.deal_id, _live(Deal), deal_rule(viewer))
            .correlate_except(Deal)
        )
    if model in (ContactMethod, Order, Interaction, Consent):
        return _customer_reachable(viewer, model.__table__.c.customer_id)
    if model in (OrderItem, Payment):
        return _order_reachable(viewer, model.__table__.c.order_id)
    if model is Address:
        a = Address.__table__.c
        company_ok = exists(
            select(Company.id)
            .where(Company.id == a.company_id, _live(Company), company_rule(viewer))
            .correlate_except(Company)
        )
        return or_(_customer_reachable(viewer, a.customer_id), company_ok)
    return true()
