"""The per-request context: settings, database access, loaders, the viewer and its row scope."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import True_
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from crm_graphql.core import addresses
from crm_graphql.core.crypto import BlindIndex, KeyRing
from crm_graphql.core.db import Base, SoftDeletable
from crm_graphql.core.settings import Settings
from crm_graphql.data.access import Viewer, row_rule, scope_key
from crm_graphql.data.loaders import Loaders
from crm_graphql.data.reader import Reader


class EventPublisher(Protocol):
    """The app's event hub (platform/events/hub.py) as write transactions use it; the
    subscriptions of the platform and the domains read the whole hub through `event_hub`."""

    async def published(self, seq: int) -> None: ...

    async def access_changed(self) -> None: ...


class ViewerLookup(Protocol):
    """The app's viewer cache (platform/auth/viewers.py): who a bearer token signs in."""

    async def viewer(self, reader: Reader, secret: str) -> Viewer | None: ...


@dataclass(frozen=True, slots=True)
class Resources:
    """What the application owns for its lifetime (app/factory.py builds it, the lifespan
    starts and stops it). This layer knows the platform's services only by the protocols above."""

    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    keyring: KeyRing
    blind_index: BlindIndex
    events: EventPublisher
    viewers: ViewerLookup


@dataclass
class Context:
    resources: Resources
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
    viewer: Viewer | None = None
    connection_params: dict[str, object] | None = None  # graphql-transport-ws connection_init
    authenticated_at: float = 0.0  # time.monotonic() of the last token check
    reader: Reader = field(init=False)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.reader = Reader(self.resources.engine)
        self.loaders = Loaders(self.reader, self.scope, self.scope_key)

    @property
    def settings(self) -> Settings:
        return self.resources.settings

    def scope_key(self) -> Hashable:
        """Equal for viewers under the same row rules (see access.scope_key)."""
        return scope_key(self.viewer)

    def scope(
        self, model: type[Base], include_deleted: bool = False, via: str | None = None
    ) -> list[ColumnElement[bool]]:
        """Predicates every statement reading `model` applies: the rows this request may see
        (`via`: read as a relation through this foreign key, see access.row_rule)."""
        clauses: list[ColumnElement[bool]] = []
        if not include_deleted and issubclass(model, SoftDeletable):
            clauses.append(model.__table__.c.deleted_at.is_(None))
        rule = row_rule(self.viewer, model, via)
        if not isinstance(rule, True_):
            clauses.append(rule)
        return clauses

    def fresh_loaders(self) -> None:
        """A WebSocket connection runs many operations on one context: each starts with
        empty loader caches, so it never sees another operation's stale rows."""
        self.loaders = Loaders(self.reader, self.scope, self.scope_key)

    def bearer_token(self) -> str | None:
        """The token of `Authorization: Bearer ...`, or of `connection_init`'s payload
        (`{"Authorization": "Bearer ..."}`) on a WebSocket."""
        if self.request is None:
            return None
        header = self.request.headers.get("authorization", "")
        if isinstance(self.request, WebSocket) and self.connection_params is not None:
            params = {k.lower(): v for k, v in self.connection_params.items()}
            value = params.get("authorization")
            header = value if isinstance(value, str) else ""
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def client_address(self) -> str:
        """The TCP peer, or the client a trusted proxy (CRM_TRUSTED_PROXIES) names in
        X-Forwarded-For; see core/addresses.py."""
        client = self.request.client if self.request is not None else None
        if self.request is None or client is None:
            return "unknown"
        return addresses.client_address(
            client.host,
            self.request.headers.getlist("x-forwarded-for"),
            self.settings.trusted_proxies,
        )
