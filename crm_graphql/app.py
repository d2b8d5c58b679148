"""The application factory: Starlette routes, the GraphQL view and the lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from crm_graphql.context import Context, Resources
from crm_graphql.crypto import BlindIndex, KeyRing
from crm_graphql.db import create_engine, create_sessionmaker, database_state
from crm_graphql.extensions import is_request_error
from crm_graphql.migrations import upgrade
from crm_graphql.schema import create_schema
from crm_graphql.settings import Settings


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context, orjson encoding, and 400 for bad documents."""

    def __init__(self, resources: Resources) -> None:
        settings = resources.settings
        super().__init__(
            create_schema(debug=settings.debug),
            graphql_ide=None if settings.is_production else "graphiql",
        )
        self.resources = resources

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        return Context(self.resources, request=request, response=response)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        request.state.sub_response = sub_response
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        # A document that cannot run at all (syntax or validation errors) is the client's
        # mistake: 400, as the GraphQL-over-HTTP spec asks, rather than 200.
        if result.data is None and result.errors and all(map(is_request_error, result.errors)):
            sub_response = getattr(request.state, "sub_response", None)
            if sub_response is not None and sub_response.status_code is None:
                sub_response.status_code = 400
        return await super().process_result(request, result)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    engine = create_engine(settings)
    resources = Resources(
        settings,
        engine,
        create_sessionmaker(engine),
        keyring=KeyRing.parse(settings.encryption_keys),
        blind_index=BlindIndex.parse(settings.blind_index_key),
    )
    view = GraphQLView(resources)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.is_sqlite:
            await upgrade(engine)
        try:
            yield
        finally:
            await engine.dispose()

    async def healthz(request: Request) -> Response:
        state = await database_state(engine)
        return JSONResponse(
            {"status": state["status"], "database": state},
            status_code=200 if state["status"] == "ok" else 503,
        )

    app = Starlette(
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", view),
            Route("/healthz", healthz),
        ],
        lifespan=lifespan,
    )
    app.state.resources = resources
    return app
