"""The application factory: Starlette routes, the GraphQL view and the lifespan."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from crm_graphql.app.schema import create_schema
from crm_graphql.core.crypto import BlindIndex, KeyRing
from crm_graphql.core.db import create_engine, create_sessionmaker, database_state
from crm_graphql.core.migrations import upgrade
from crm_graphql.core.settings import Settings
from crm_graphql.graphql.context import Context, Resources
from crm_graphql.graphql.extensions import is_request_error
from crm_graphql.graphql.security.body_guard import BodyGuard, BodyLimits, refusal
from crm_graphql.graphql.security.disconnect import CancelOnDisconnect
from crm_graphql.graphql.security.http import cors_middleware, lacks_preflight
from crm_graphql.graphql.security.masking import is_unexpected_error, mask_unexpected
from crm_graphql.graphql.security.request_ids import REQUEST_ID_HEADER, request_id
from crm_graphql.platform.auth.viewers import ViewerCache
from crm_graphql.platform.events.bus import create_bus
from crm_graphql.platform.events.hub import EventHub


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context, orjson encoding, 400 for bad documents, a
    request id on every response and the multipart CSRF check."""

    def __init__(self, resources: Resources) -> None:
        settings = resources.settings
        super().__init__(
            create_schema(debug=settings.debug, settings=settings),
            graphql_ide=None if settings.is_production else "graphiql",
            # Uploads stay off until a mutation takes one; the CSRF check below stands already.
            multipart_uploads_enabled=False,
            # Browsers do not apply CORS to WebSocket handshakes: the same allow-list.
            allowed_origins=settings.cors_origins,
            # counts every in-flight operation of a connection, subscriptions included
            max_subscriptions_per_connection=settings.max_subscriptions,
        )
        self.resources = resources

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        # As Strawberry's own __call__, plus the X-Request-ID header on every response, and
        # its refusals (bad JSON, batches, CSRF, wrong method) as GraphQL-shaped JSON.
        request = Request(scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            code = REFUSAL_CODES.get(exc.status_code, "BAD_REQUEST")
            response = refusal(exc.status_code, code, exc.reason)
        response.headers[REQUEST_ID_HEADER] = request_id(request)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """orjson rather than json: it refuses invalid UTF-8 and nesting past 1,024 levels with
        a JSONDecodeError (a 400) where json raised UnicodeDecodeError or RecursionError (500s).
        Anything but an object (or a list: a batch, refused later) cannot be an operation."""
        try:
            decoded = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            if exc.msg.startswith("depth limit"):
                raise HTTPException(400, "The JSON nests more than 1024 levels deep.") from exc
            raise HTTPException(400, f"Unable to parse request body as JSON: {exc.msg}") from exc
        if not isinstance(decoded, dict | list):
            found = JSON_KINDS.get(type(decoded), "null")
            raise HTTPException(
                400, f'Expected a JSON object such as {{"query": ...}}, got {found}.'
            )
        return decoded

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        request_id(request)  # one per request (per connection for WebSockets)
        return Context(self.resources, request=request, response=response)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """WebSocket clients sign in with `connection_init`'s payload:
        `{"Authorization": "Bearer <token>"}`; without a valid token the socket closes (4403)."""
        token = context.bearer_token()
        viewer = await context.resources.viewers.viewer(context.reader, token) if token else None
        if viewer is None:
            raise ConnectionRejectionError({"reason": "Sign in: a valid bearer token is needed."})
        return await super().on_ws_connect(context)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        # CSRF: checked before Strawberry reads the body, whether or not uploads are enabled.
        content_type, _ = parse_content_type(request.content_type or "")
        if lacks_preflight(content_type, request.headers):
            raise HTTPException(
                400,
                "Multipart requests need a non-empty GraphQL-Require-Preflight or "
                "Apollo-Require-Preflight header.",
            )
        return await super().parse_http_body(request)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        request.state.sub_response = sub_response
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors and self.resources.settings.is_production:
            # MaskErrors cannot see an exception that escaped another extension (it ends the
            # operation early): mask what is left here.
            result.errors = mask_unexpected(result.errors, request_id(request))
        # A document that cannot run at all (syntax or validation errors, refused limits) is
        # the client's mistake: 400, as the GraphQL-over-HTTP spec asks, rather than 200. An
        # unexpected failure before execution (e.g. the database is down) is a 500.
        errors = result.errors or []
        sub_response = getattr(request.state, "sub_response", None)
        if result.data is None and errors and sub_response is not None:
            if sub_response.status_code is None and any(map(_failed_before_execution, errors)):
                sub_response.status_code = 500
            elif sub_response.status_code is None and all(map(is_request_error, errors)):
                sub_response.status_code = 400
        return await super().process_result(request, result)

    def encode_json(self, data: object) -> str:
        # WebSocket messages must be text frames; HTTP bodies skip this via create_response
        return orjson.dumps(data).decode()

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = Response(
            orjson.dumps(response_data),
            status_code=sub_response.status_code or 200,
            media_type="application/json",
        )
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        return response


JSON_KINDS = {str: "a string", int: "a number", float: "a number", bool: "a boolean"}
REFUSAL_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def _failed_before_execution(error: GraphQLError) -> bool:
    """An unexpected error outside any field (an extension or the database failed)."""
    return is_request_error(error) and is_unexpected_error(error)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    engine = create_engine(settings)
    viewers = ViewerCache(settings.auth_cache_seconds)
    events = EventHub(
        engine,
        create_bus(settings.event_bus_url),
        queue_limit=settings.subscription_queue,
        poll_seconds=settings.event_poll_seconds,
        on_access_changed=viewers.clear,
    )
    resources = Resources(
        settings,
        engine,
        create_sessionmaker(engine),
        keyring=KeyRing.parse(settings.encryption_keys),
        blind_index=BlindIndex.parse(settings.blind_index_key),
        events=events,
        viewers=viewers,
    )
    view = GraphQLView(resources)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.is_sqlite:
            await upgrade(engine)
        # Everything built so far (schema, mappers, modules) lives as long as the process:
        # moving it out of the collector's reach makes the full collections that a large
        # response triggers cheap (W1 p50 -35% in bench/NOTES.md).
        await events.start()
        gc.freeze()
        try:
            yield
        finally:
            await events.stop()
            await engine.dispose()

    async def healthz(request: Request) -> Response:
        state = await database_state(engine)
        return JSONResponse(
            {"status": state["status"], "database": state},
            status_code=200 if state["status"] == "ok" else 503,
        )

    app = Starlette(
        middleware=[Middleware(CancelOnDisconnect), *cors_middleware(settings.cors_origins)],
        routes=[
            Route(
                "/graphql",
                BodyGuard(view, BodyLimits(settings.max_body_bytes, settings.body_read_seconds)),
                methods=["GET", "POST"],
            ),
            WebSocketRoute("/graphql", view),
            Route("/healthz", healthz),
        ],
        lifespan=lifespan,
    )
    app.state.resources = resources
    return app
