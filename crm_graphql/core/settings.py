"""One typed Settings object read from the environment (CRM_* variables)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SQLITE_PATH = Path("var") / "crm.sqlite3"
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}"
# Used only outside production when no keys are configured, so that `make run` works out of the
# box. They are public: data encrypted with them is not protected. Production refuses them.
DEV_ENCRYPTION_KEYS = "dev:ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZCEhISE="
DEV_BLIND_INDEX_KEY = "ZGV2ZWxvcG1lbnQtaW5kZXgta2V5LW5vdC1wcm9kISE="


class SettingsError(ValueError):
    """A CRM_* variable holds a value that cannot be used."""


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _origins(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated origins (scheme://host[:port]), normalized as browsers send them."""
    from strawberry.http.websocket_origin import normalize_allowed_origins

    items = [item.strip() for item in env.get(name, "").split(",") if item.strip()]
    try:
        return tuple(sorted(normalize_allowed_origins(items)))
    except ValueError as exc:
        raise SettingsError(f"{name}: {exc}") from exc


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(env: Mapping[str, str], name: str) -> tuple[Network, ...]:
    """Comma-separated addresses or CIDR blocks (10.0.0.0/8, ::1)."""
    items = [item.strip() for item in env.get(name, "").split(",") if item.strip()]
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in items)
    except ValueError as exc:
        raise SettingsError(f"{name} must list IP addresses or CIDR blocks: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Settings:
    """Runtime configuration; every field maps to one CRM_* environment variable."""

    database_url: str = DEFAULT_DATABASE_URL
    env: str = "development"
    debug: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    default_page_size: int = 20
    max_page_size: int = 500
    default_phone_region: str | None = None
    seed_customers: int = 200
    db_pool_size: int = 20
    session_hours: int = 12
    auth_cache_seconds: int = 5
    retention_days: int = 730
    encryption_keys: str = DEV_ENCRYPTION_KEYS
    blind_index_key: str = DEV_BLIND_INDEX_KEY
    # GraphQL hardening (see README, "Production settings").
    max_query_depth: int = 10
    max_aliases: int = 100
    max_tokens: int = 5000
    max_query_cost: int = 100_000
    cors_origins: tuple[str, ...] = ()
    # Peers whose X-Forwarded-For is believed (see README, "Security").
    trusted_proxies: tuple[Network, ...] = ()
    batched_execution: bool = True
    # Subscriptions (see README, "Scaling out").
    event_bus_url: str = "memory://"
    subscription_queue: int = 1000
    max_subscriptions: int = 20
    event_poll_seconds: int = 5
    live_interval_ms: int = 250
    # Longest one SQL statement may run before the database stops it (0: no limit).
    statement_timeout_ms: int = 30_000
    # HTTP limits (see README, "Limits").
    max_body_bytes: int = 1_048_576
    body_read_seconds: int = 10
    header_read_seconds: int = 10

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        app_env = env.get("CRM_ENV", "development").strip().lower() or "development"
        if app_env not in {"development", "production", "test"}:
            raise SettingsError(f"CRM_ENV must be development, production or test, got {app_env!r}")
        region = (env.get("CRM_DEFAULT_PHONE_REGION") or "").strip().upper() or None
        default_size = _int(env, "CRM_DEFAULT_PAGE_SIZE", 20)
        max_size = _int(env, "CRM_MAX_PAGE_SIZE", 500)
        if default_size > max_size:
            raise SettingsError("CRM_DEFAULT_PAGE_SIZE cannot exceed CRM_MAX_PAGE_SIZE")
        keys = env.get("CRM_ENCRYPTION_KEYS", "").strip()
        index_key = env.get("CRM_BLIND_INDEX_KEY", "").strip()
        if app_env == "production" and not (keys and index_key):
            raise SettingsError(
                "Production needs CRM_ENCRYPTION_KEYS and CRM_BLIND_INDEX_KEY "
                "(see `crm-graphql generate-key`)."
            )
        return cls(
            encryption_keys=keys or DEV_ENCRYPTION_KEYS,
            blind_index_key=index_key or DEV_BLIND_INDEX_KEY,
            database_url=normalize_database_url(
                env.get("CRM_DATABASE_URL") or DEFAULT_DATABASE_URL,
            ),
            env=app_env,
            debug=_bool(env, "CRM_DEBUG", False),
            host=env.get("CRM_HOST", "127.0.0.1"),
            port=_int(env, "CRM_PORT", 8000),
            workers=_int(env, "CRM_WORKERS", 1),
            default_page_size=default_size,
            max_page_size=max_size,
            default_phone_region=region,
            seed_customers=_int(env, "CRM_SEED_CUSTOMERS", 200, minimum=0),
            db_pool_size=_int(env, "CRM_DB_POOL_SIZE", 20),
            session_hours=_int(env, "CRM_SESSION_HOURS", 12),
            auth_cache_seconds=_int(env, "CRM_AUTH_CACHE_SECONDS", 5, minimum=0),
            retention_days=_int(env, "CRM_RETENTION_DAYS", 730),
            max_query_depth=_int(env, "CRM_MAX_QUERY_DEPTH", 10),
            max_aliases=_int(env, "CRM_MAX_ALIASES", 100, minimum=0),
            max_tokens=_int(env, "CRM_MAX_TOKENS", 5000),
            max_query_cost=_int(env, "CRM_MAX_QUERY_COST", 100_000),
            cors_origins=_origins(env, "CRM_CORS_ORIGINS"),
            trusted_proxies=_networks(env, "CRM_TRUSTED_PROXIES"),
            batched_execution=_bool(env, "CRM_BATCHED_EXECUTION", True),
            event_bus_url=_bus_url(env.get("CRM_EVENT_BUS_URL") or "memory://"),
            subscription_queue=_int(env, "CRM_SUBSCRIPTION_QUEUE", 1000),
            max_subscriptions=_int(env, "CRM_MAX_SUBSCRIPTIONS", 20),
            event_poll_seconds=_int(env, "CRM_EVENT_POLL_SECONDS", 5),
            live_interval_ms=_int(env, "CRM_LIVE_INTERVAL_MS", 250, minimum=0),
            statement_timeout_ms=_int(env, "CRM_STATEMENT_TIMEOUT_MS", 30_000, minimum=0),
            max_body_bytes=_int(env, "CRM_MAX_BODY_BYTES", 1_048_576),
            body_read_seconds=_int(env, "CRM_BODY_READ_SECONDS", 10),
            header_read_seconds=_int(env, "CRM_HEADER_READ_SECONDS", 10),
        )


def _bus_url(url: str) -> str:
    scheme = url.partition("://")[0]
    if scheme not in {"memory", "redis", "rediss", "postgresql", "postgres", "postgresql+asyncpg"}:
        raise SettingsError(
            "CRM_EVENT_BUS_URL must be memory://, redis://host:port/db or "
            f"postgresql://user@host/db, got {url!r}"
        )
    return url


def normalize_database_url(url: str) -> str:
    """Accept the common spellings and pick the async driver the stack uses."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return url
    raise SettingsError(
        "CRM_DATABASE_URL must be a sqlite:/// file or a postgresql:// URL, got " + repr(url)
    )
