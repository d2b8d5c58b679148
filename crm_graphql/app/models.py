"""Imports every domain's models so that the metadata (and Alembic) sees all tables."""

from crm_graphql.companies.models import Company, CompanySize
from crm_graphql.core.db import Base
from crm_graphql.customers.models import (
    Address,
    AddressKind,
    ContactKind,
    ContactMethod,
    Customer,
    CustomerSource,
    Gender,
    LifecycleStage,
)
from crm_graphql.deals.models import Deal, DealStageChange, DealStatus
from crm_graphql.interactions.models import Interaction, InteractionDirection, InteractionKind
from crm_graphql.leads.models import (
    AssignmentStrategy,
    LeadAssignmentRule,
    lead_assignment_rule_users,
)
from crm_graphql.orders.models import Order, OrderItem, OrderStatus, Payment, PaymentMethod
from crm_graphql.pipelines.models import Pipeline, Stage, StageKind
from crm_graphql.platform.audit.models import AuditRecord
from crm_graphql.platform.auth.models import AccessToken, LoginAttempt, TokenKind
from crm_graphql.platform.events.models import Event, EventEntity, EventKind
from crm_graphql.platform.users.models import User, UserRole
from crm_graphql.privacy.models import Consent
from crm_graphql.products.models import Product
from crm_graphql.tags.models import Tag, company_tags, customer_tags

__all__ = [
    "AccessToken",
    "Address",
    "AddressKind",
    "AssignmentStrategy",
    "AuditRecord",
    "Base",
    "Company",
    "CompanySize",
    "Consent",
    "ContactKind",
    "ContactMethod",
    "Customer",
    "CustomerSource",
    "Deal",
    "DealStageChange",
    "DealStatus",
    "Event",
    "EventEntity",
    "EventKind",
    "Gender",
    "Interaction",
    "InteractionDirection",
    "InteractionKind",
    "LeadAssignmentRule",
    "LifecycleStage",
    "LoginAttempt",
    "Order",
    "OrderItem",
    "OrderStatus",
    "Payment",
    "PaymentMethod",
    "Pipeline",
    "Product",
    "Stage",
    "StageKind",
    "Tag",
    "TokenKind",
    "User",
    "UserRole",
    "company_tags",
    "customer_tags",
    "lead_assignment_rule_users",
]
