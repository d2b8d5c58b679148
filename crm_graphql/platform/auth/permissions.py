"""The permission matrix, written down once: what each role may do, and what each root field
of the API needs. Enforcement (the viewers built here, data/access.py's row rules, the
GraphQL extension) and the README's roles table all read it."""

from __future__ import annotations

import enum

from crm_graphql.data.access import Viewer
from crm_graphql.platform.users.models import UserRole


class Permission(enum.StrEnum):
    CUSTOMERS_READ = "customers:read"
    CUSTOMERS_WRITE = "customers:write"
    COMPANIES_READ = "companies:read"
    COMPANIES_WRITE = "companies:write"
    TAGS_READ = "tags:read"
    TAGS_WRITE = "tags:write"
    PRODUCTS_READ = "products:read"
    PRODUCTS_WRITE = "products:write"
    ORDERS_READ = "orders:read"
    ORDERS_WRITE = "orders:write"
    INTERACTIONS_READ = "interactions:read"
    INTERACTIONS_WRITE = "interactions:write"
    DEALS_READ = "deals:read"
    DEALS_WRITE = "deals:write"
    PIPELINES_MANAGE = "pipelines:manage"
    USERS_READ = "users:read"
    TOKENS_MANAGE = "tokens:manage"
    NATIONAL_ID_REVEAL = "national-id:reveal"
    AUDIT_READ = "audit:read"
    AUDIT_VERIFY = "audit:verify"
    PRIVACY_MANAGE = "privacy:manage"


class Access(enum.StrEnum):
    """Root fields that need no particular permission."""

    PUBLIC = "public"
    SIGNED_IN = "signed-in"


READS = frozenset(
    p for p in Permission if p.value.endswith(":read") and p is not Permission.AUDIT_READ
)

ROLE_PERMISSIONS: dict[UserRole, frozenset[Permission]] = {
    UserRole.ADMIN: frozenset(Permission),
    UserRole.MANAGER: READS
    | {
        Permission.NATIONAL_ID_REVEAL,
        Permission.AUDIT_READ,
        Permission.CUSTOMERS_WRITE,
        Permission.COMPANIES_WRITE,
        Permission.TAGS_WRITE,
        Permission.ORDERS_WRITE,
        Permission.INTERACTIONS_WRITE,
        Permission.DEALS_WRITE,
        Permission.PIPELINES_MANAGE,
    },
    UserRole.SALES: READS
    | {
        Permission.CUSTOMERS_WRITE,
        Permission.COMPANIES_WRITE,
        Permission.ORDERS_WRITE,
        Permission.INTERACTIONS_WRITE,
        Permission.DEALS_WRITE,
    },
    UserRole.SUPPORT: READS | {Permission.INTERACTIONS_WRITE},
    UserRole.VIEWER: READS,
}

# Roles whose reads and writes of owned records are limited to their own (and their team's).
OWNERSHIP_SCOPED = frozenset({UserRole.SALES, UserRole.MANAGER})

P = Permission
ROOT_FIELDS: dict[str, Permission | Access] = {
    # queries
    "node": Access.SIGNED_IN,
    "nodes": Access.SIGNED_IN,
    "viewer": Access.SIGNED_IN,
    "customer": P.CUSTOMERS_READ,
    "customers": P.CUSTOMERS_READ,
    "company": P.COMPANIES_READ,
    "companies": P.COMPANIES_READ,
    "tag": P.TAGS_READ,
    "tags": P.TAGS_READ,
    "product": P.PRODUCTS_READ,
    "products": P.PRODUCTS_READ,
    "order": P.ORDERS_READ,
    "orders": P.ORDERS_READ,
    "interaction": P.INTERACTIONS_READ,
    "interactions": P.INTERACTIONS_READ,
    "pipeline": P.DEALS_READ,
    "pipelines": P.DEALS_READ,
    "deal": P.DEALS_READ,
    "deals": P.DEALS_READ,
    "leadAssignmentRules": P.PIPELINES_MANAGE,
    "user": P.USERS_READ,
    "users": P.USERS_READ,
    "accessTokens": P.TOKENS_MANAGE,
    "auditLog": P.AUDIT_READ,
    "verifyAuditLog": P.AUDIT_VERIFY,
    "forecast": P.DEALS_READ,
    "pipelineStats": P.DEALS_READ,
    # subscriptions (each record's own read right and row rules apply as well)
    "recordEvents": Access.SIGNED_IN,
    "dealEvents": P.DEALS_READ,
    "pipelineBoard": P.DEALS_READ,  # query and subscription
    "dashboardMetrics": Access.SIGNED_IN,  # query and subscription: each figure its own right
    # mutations
    "login": Access.PUBLIC,
    "logout": Access.SIGNED_IN,
    "createApiToken": P.TOKENS_MANAGE,
    "revokeApiToken": P.TOKENS_MANAGE,
    "createCustomer": P.CUSTOMERS_WRITE,
    "updateCustomer": P.CUSTOMERS_WRITE,
    "deleteCustomer": P.CUSTOMERS_WRITE,
    "restoreCustomer": P.CUSTOMERS_WRITE,
    "addContactMethod": P.CUSTOMERS_WRITE,
    "updateContactMethod": P.CUSTOMERS_WRITE,
    "removeContactMethod": P.CUSTOMERS_WRITE,
    "addAddress": P.CUSTOMERS_WRITE,
    "updateAddress": P.CUSTOMERS_WRITE,
    "removeAddress": P.CUSTOMERS_WRITE,
    "revealNationalId": P.NATIONAL_ID_REVEAL,
    "recordConsent": P.CUSTOMERS_WRITE,
    "exportCustomerData": P.PRIVACY_MANAGE,
    "eraseCustomer": P.PRIVACY_MANAGE,
    "createCompany": P.COMPANIES_WRITE,
    "updateCompany": P.COMPANIES_WRITE,
    "deleteCompany": P.COMPANIES_WRITE,
    "restoreCompany": P.COMPANIES_WRITE,
    "createTag": P.TAGS_WRITE,
    "updateTag": P.TAGS_WRITE,
    "deleteTag": P.TAGS_WRITE,
    "restoreTag": P.TAGS_WRITE,
    "tagCustomers": P.CUSTOMERS_WRITE,
    "untagCustomers": P.CUSTOMERS_WRITE,
    "tagCompanies": P.COMPANIES_WRITE,
    "untagCompanies": P.COMPANIES_WRITE,
    "createProduct": P.PRODUCTS_WRITE,
    "updateProduct": P.PRODUCTS_WRITE,
    "deleteProduct": P.PRODUCTS_WRITE,
    "restoreProduct": P.PRODUCTS_WRITE,
    "createOrder": P.ORDERS_WRITE,
    "updateOrder": P.ORDERS_WRITE,
    "changeOrderStatus": P.ORDERS_WRITE,
    "addPayment": P.ORDERS_WRITE,
    "deleteOrder": P.ORDERS_WRITE,
    "restoreOrder": P.ORDERS_WRITE,
    "logInteraction": P.INTERACTIONS_WRITE,
    "updateInteraction": P.INTERACTIONS_WRITE,
    "deleteInteraction": P.INTERACTIONS_WRITE,
    "restoreInteraction": P.INTERACTIONS_WRITE,
    "createPipeline": P.PIPELINES_MANAGE,
    "updatePipeline": P.PIPELINES_MANAGE,
    "deletePipeline": P.PIPELINES_MANAGE,
    "restorePipeline": P.PIPELINES_MANAGE,
    "createPipelineStage": P.PIPELINES_MANAGE,
    "updatePipelineStage": P.PIPELINES_MANAGE,
    "reorderPipelineStages": P.PIPELINES_MANAGE,
    "removePipelineStage": P.PIPELINES_MANAGE,
    "createDeal": P.DEALS_WRITE,
    "updateDeal": P.DEALS_WRITE,
    "moveDeal": P.DEALS_WRITE,
    "winDeal": P.DEALS_WRITE,
    "loseDeal": P.DEALS_WRITE,
    "reopenDeal": P.DEALS_WRITE,
    "deleteDeal": P.DEALS_WRITE,
    "restoreDeal": P.DEALS_WRITE,
    "createLeadAssignmentRule": P.PIPELINES_MANAGE,
    "updateLeadAssignmentRule": P.PIPELINES_MANAGE,
    "deleteLeadAssignmentRule": P.PIPELINES_MANAGE,
    "assignLeads": P.PIPELINES_MANAGE,
}

# The read permission that makes each model's rows visible at all (anywhere in the graph).
MODEL_READ: dict[str, Permission] = {
    "Customer": P.CUSTOMERS_READ,
    "ContactMethod": P.CUSTOMERS_READ,
    "Consent": P.CUSTOMERS_READ,
    "Address": P.CUSTOMERS_READ,
    "Company": P.COMPANIES_READ,
    "Tag": P.TAGS_READ,
    "Product": P.PRODUCTS_READ,
    "Order": P.ORDERS_READ,
    "OrderItem": P.ORDERS_READ,
    "Payment": P.ORDERS_READ,
    "Interaction": P.INTERACTIONS_READ,
    "Pipeline": P.DEALS_READ,
    "Stage": P.DEALS_READ,
    "Deal": P.DEALS_READ,
    "DealStageChange": P.DEALS_READ,
    "LeadAssignmentRule": P.PIPELINES_MANAGE,
    "User": P.USERS_READ,
    "AccessToken": P.TOKENS_MANAGE,
    "AuditRecord": P.AUDIT_READ,
}


def viewer_of(
    *,
    user_id: int,
    role: UserRole,
    token_id: int,
    scopes: frozenset[Permission] | None,
    reports: frozenset[int] = frozenset(),
) -> Viewer:
    """The viewer a token of this user stands for: its role's rights, narrowed to the token's
    scopes; root fields that need no permission (Access) are open to every viewer."""
    granted = ROLE_PERMISSIONS[role]
    permissions = granted if scopes is None else granted & scopes
    return Viewer(
        user_id=user_id,
        role=role,
        token_id=token_id,
        permissions=permissions | frozenset(Access),
        team=frozenset({user_id}) | (reports if role is UserRole.MANAGER else frozenset()),
        owns_only_its_records=role in OWNERSHIP_SCOPED,
        unreadable=frozenset(m for m, need in MODEL_READ.items() if need not in permissions),
    )


def roles_table() -> str:
    """The README's roles table (a test keeps the README equal to it)."""
    roles = list(UserRole)
    lines = [
        "| permission | " + " | ".join(r.value for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for permission in Permission:
        marks = ["yes" if permission in ROLE_PERMISSIONS[r] else "-" for r in roles]
        lines.append(f"| `{permission.name}` | " + " | ".join(marks) + " |")
    return "\n".join(lines)
