"""The GraphQL schema: every domain's roots merged, plus `node` and `nodes`."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext

from crm_graphql.companies.mutations import CompanyMutation
from crm_graphql.companies.queries import CompanyQuery
from crm_graphql.core.errors import BadRequestError
from crm_graphql.core.settings import Settings
from crm_graphql.customers.mutations import CustomerMutation
from crm_graphql.customers.queries import CustomerQuery
from crm_graphql.dashboard.queries import DashboardQuery
from crm_graphql.dashboard.subscriptions import DashboardSubscription
from crm_graphql.deals.mutations import DealMutation
from crm_graphql.deals.queries import DealQuery, PipelineBoardQuery
from crm_graphql.deals.subscriptions import DealSubscription
from crm_graphql.forecasts.queries import ForecastQuery
from crm_graphql.graphql.arguments import ObjectId
from crm_graphql.graphql.extensions import (
    Authorization,
    BatchedExecution,
    ErrorCodes,
    RequestResources,
    SqlStatistics,
)
from crm_graphql.graphql.fields import resolve_node
from crm_graphql.graphql.relay import GraphInfo, Node
from crm_graphql.graphql.scalars import SCALAR_MAP
from crm_graphql.graphql.security.hardening import (
    ExtensionFactory,
    hardening_extensions,
    log_unexpected_errors,
    strip_suggestions,
)
from crm_graphql.interactions.mutations import InteractionMutation
from crm_graphql.interactions.queries import InteractionQuery
from crm_graphql.leads.mutations import LeadAssignmentMutation
from crm_graphql.leads.queries import LeadAssignmentQuery
from crm_graphql.orders.mutations import OrderMutation
from crm_graphql.orders.queries import OrderQuery
from crm_graphql.pipelines.mutations import PipelineMutation
from crm_graphql.pipelines.queries import PipelineQuery
from crm_graphql.platform.audit.queries import AuditQuery
from crm_graphql.platform.auth.mutations import AuthMutation
from crm_graphql.platform.auth.queries import AuthQuery
from crm_graphql.platform.events.subscriptions import EventSubscription
from crm_graphql.platform.users.queries import UserQuery
from crm_graphql.privacy.mutations import PrivacyMutation
from crm_graphql.products.mutations import ProductMutation
from crm_graphql.products.queries import ProductQuery
from crm_graphql.tags.mutations import TagMutation
from crm_graphql.tags.queries import TagQuery

MAX_NODES = 100


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID (null if missing or hidden).")
    async def node(self, info: GraphInfo, id: ObjectId) -> Node | None:
        return cast(Node | None, await resolve_node(info, id))

    @strawberry.field(
        description=f"Objects by global ID, in the same order (null where missing); "
        f"at most {MAX_NODES}."
    )
    async def nodes(
        self,
        info: GraphInfo,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global IDs.")],
    ) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise BadRequestError(f"`nodes` takes at most {MAX_NODES} IDs.")
        found = await asyncio.gather(*(resolve_node(info, i) for i in ids))
        return [cast(Node | None, node) for node in found]


@strawberry.type(description="Read the customer graph: start from a list or from any ID.")
class Query(
    NodeQuery,
    AuthQuery,
    CustomerQuery,
    CompanyQuery,
    TagQuery,
    ProductQuery,
    OrderQuery,
    InteractionQuery,
    PipelineQuery,
    DealQuery,
    LeadAssignmentQuery,
    UserQuery,
    AuditQuery,
    PipelineBoardQuery,
    ForecastQuery,
    DashboardQuery,
):
    pass


@strawberry.type(description="Change the customer graph; each mutation returns its errors.")
class Mutation(
    AuthMutation,
    CustomerMutation,
    CompanyMutation,
    TagMutation,
    ProductMutation,
    OrderMutation,
    InteractionMutation,
    PipelineMutation,
    DealMutation,
    LeadAssignmentMutation,
    PrivacyMutation,
):
    pass


@strawberry.type(
    description="Live updates over WebSocket (graphql-transport-ws on /graphql); sign in with "
    '`connection_init` payload `{"Authorization": "Bearer <token>"}`.'
)
class Subscription(EventSubscription, DealSubscription, DashboardSubscription):
    pass


class CoreExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any) -> Any:
        # graphql-core 3.3 shares its memo of collected sub-fields between a subscription's
        # executor and every per-event copy, keyed by lists that are new for each event: it
        # grows by every event until the subscription ends. Each event gets its own.
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        return executor


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Logs unexpected errors with the request id; the client's own mistakes (bad
        arguments, refused or invalid documents) are only in the response."""
        context = execution_context.context if execution_context is not None else None
        log_unexpected_errors(errors, context)

    @staticmethod
    def remove_field_suggestion(error: GraphQLError) -> None:
        # With disable_field_suggestions (production), every "Did you mean" hint goes, not
        # only those for fields: arguments, types, enum values and input fields name the schema.
        strip_suggestions(error)


def create_schema(*, debug: bool = False, settings: Settings | None = None) -> strawberry.Schema:
    """The schema; `settings` (default: Settings()) set the limits and the production mode."""
    settings = settings or Settings()
    extensions: list[ExtensionFactory] = [RequestResources, Authorization, ErrorCodes]
    if settings.batched_execution:
        extensions.insert(2, BatchedExecution)
    if debug:
        extensions.append(SqlStatistics)
    extensions += hardening_extensions(settings, max_ids=MAX_NODES)
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        execution_context_class=CoreExecutionContext,
        extensions=extensions,
        config=StrawberryConfig(
            scalar_map=SCALAR_MAP, disable_field_suggestions=settings.is_production
        ),
    )
