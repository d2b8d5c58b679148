"""The `crm-graphql` command line: serve, migrate, seed, create-user, unlock, export-schema."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn

from crm_graphql.app.protocols import PROTOCOL as HEADER_DEADLINE_PROTOCOL
from crm_graphql.app.serving import reuse_port_supported
from crm_graphql.app.serving import run as run_workers
from crm_graphql.core.db import (
    checkpoint_wal,
    create_engine,
    create_sessionmaker,
    write_session,
)
from crm_graphql.core.migrations import upgrade
from crm_graphql.core.settings import Settings, SettingsError
from crm_graphql.platform.users.models import UserRole

app = typer.Typer(
    help="crm-graphql: a CRM backend served as one GraphQL API.", no_args_is_help=True
)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise typer.BadParameter(str(exc)) from exc


async def _migrate(settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _seed(settings: Settings, customers: int, seed: int, only_if_empty: bool) -> str | None:
    from crm_graphql.devtools.seed import is_empty
    from crm_graphql.devtools.seed import seed as fill

    engine = create_engine(settings)
    try:
        await upgrade(engine)
        if only_if_empty and not await is_empty(engine):
            return None
        return repr(await fill(engine, customers=customers, seed=seed))
    finally:
        await engine.dispose()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind [CRM_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [CRM_PORT].")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes [CRM_WORKERS].")] = None,
) -> None:
    """Serves the API at /graphql (GraphiQL in development) and /healthz.

    The embedded SQLite database is created, migrated and filled with demo data on first start.
    """
    settings = _settings()
    if settings.is_sqlite:
        report = asyncio.run(_seed(settings, settings.seed_customers, 42, only_if_empty=True))
        if report:
            typer.echo(f"New database: demo data loaded ({report}).")
    options: dict[str, Any] = {
        "app": "crm_graphql.app.asgi:create_app",
        "factory": True,
        "host": host or settings.host,
        "port": port or settings.port,
        "loop": "uvloop",
        # httptools with a deadline for request headers (CRM_HEADER_READ_SECONDS)
        "http": HEADER_DEADLINE_PROTOCOL,
        "proxy_headers": False,
        "log_level": "info",
    }
    count = workers or settings.workers
    if count > 1 and settings.event_bus_url.startswith("memory:"):
        typer.echo(
            "Warning: several workers with CRM_EVENT_BUS_URL=memory:// hear of each other's "
            "changes only by polling (every CRM_EVENT_POLL_SECONDS), and of revoked tokens "
            "only when their cache expires (CRM_AUTH_CACHE_SECONDS); use redis:// or "
            "postgresql:// for live subscriptions and revocation at once.",
            err=True,
        )
    if count > 1 and reuse_port_supported():
        run_workers(options, count)
    else:
        uvicorn.run(**options, workers=count)


@app.command()
def migrate() -> None:
    """Brings the database (CRM_DATABASE_URL) to the newest schema."""
    asyncio.run(_migrate(_settings()))
    typer.echo("Database is at the newest migration.")


@app.command()
def seed(
    customers: Annotated[int, typer.Option(min=0, help="How many customers.")] = 200,
    random_seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 42,
) -> None:
    """Fills an empty database with deterministic, realistic demo data."""
    from crm_graphql.devtools.seed import SeedError

    try:
        report = asyncio.run(_seed(_settings(), customers, random_seed, only_if_empty=False))
    except SeedError as exc:
        raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"Seeded: {report}")


async def _create_user(
    settings: Settings, email: str, name: str, role: UserRole, password: str
) -> str:
    from crm_graphql.platform.auth.service import create_user as create
    from crm_graphql.platform.auth.service import new_password

    hashed = await new_password(password)  # before the write transaction: argon2 is slow
    engine = create_engine(settings)
    try:
        await upgrade(engine)
        async with write_session(create_sessionmaker(engine)) as session:
            user = await create(session=session, email=email, name=name, role=role, password=hashed)
            return f"Created {user.role.value} user {user.email} (id {user.id})."
    finally:
        await engine.dispose()


@app.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="Sign-in email address.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    role: Annotated[UserRole, typer.Option(help="Role.", case_sensitive=False)] = UserRole.ADMIN,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            confirmation_prompt=True,
            hide_input=True,
            envvar="CRM_NEW_USER_PASSWORD",
            help="At least 12 characters (prompted; or CRM_NEW_USER_PASSWORD).",
        ),
    ] = "",
) -> None:
    """Creates a user, e.g. the first admin: crm-graphql create-user --email ... --name ..."""
    from crm_graphql.core.errors import DomainError

    try:
        typer.echo(asyncio.run(_create_user(_settings(), email, name, role, password)))
    except DomainError as exc:
        raise typer.BadParameter(str(exc)) from exc


async def _unlock(settings: Settings, email: str | None, address: str | None) -> int:
    from crm_graphql.platform.auth.throttle import clear

    engine = create_engine(settings)
    try:
        async with write_session(create_sessionmaker(engine)) as session:
            return await clear(session, email=email, address=address)
    finally:
        await engine.dispose()


@app.command()
def unlock(
    email: Annotated[str | None, typer.Option(help="The account whose waits end.")] = None,
    address: Annotated[str | None, typer.Option(help="The client address whose waits end.")] = None,
) -> None:
    """Ends sign-in waits at once: forgets the recent failed sign-ins of an account (from every
    address), of a client address (for every account), or of the pair when both are given."""
    if email is None and address is None:
        raise typer.BadParameter("Give --email, --address or both.")
    cleared = asyncio.run(_unlock(_settings(), email, address))
    typer.echo(f"Forgot {cleared} failed sign-ins; the next attempt is not delayed.")


@app.command("generate-key")
def generate_key() -> None:
    """Prints a new random 256-bit key (for CRM_ENCRYPTION_KEYS or CRM_BLIND_INDEX_KEY)."""
    from crm_graphql.core.crypto import generate_key as new_key

    typer.echo(new_key())


async def _rotate(settings: Settings, batch_size: int) -> str:
    from crm_graphql.core.crypto import KeyRing
    from crm_graphql.platform.rotation import rotate_keys

    engine = create_engine(settings)
    try:
        report = await rotate_keys(
            engine, KeyRing.parse(settings.encryption_keys), batch_size=batch_size
        )
        return f"Re-encrypted {report.rotated} values; {report.remaining} remain under older keys."
    finally:
        await engine.dispose()


@app.command("rotate-keys")
def rotate_keys(
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per transaction.")] = 500,
) -> None:
    """Re-encrypts every sensitive value to the first key of CRM_ENCRYPTION_KEYS.

    Online and resumable: each batch commits on its own, so it can run beside the API and be
    started again after an interruption. When it reports 0 remaining, older keys can go.
    """
    from crm_graphql.platform.rotation import RotationError

    try:
        typer.echo(asyncio.run(_rotate(_settings(), batch_size)))
    except RotationError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc


async def _purge(settings: Settings) -> dict[str, int]:
    from crm_graphql.privacy.service import purge_expired

    engine = create_engine(settings)
    try:
        async with write_session(create_sessionmaker(engine)) as session:
            report = await purge_expired(session=session, retention_days=settings.retention_days)
        await checkpoint_wal(engine)  # erased data must not linger in the SQLite WAL
        return report
    finally:
        await engine.dispose()


@app.command("purge-expired")
def purge_expired() -> None:
    """Erases customers deleted more than CRM_RETENTION_DAYS ago and drops old deleted
    interactions (run it daily, e.g. from cron)."""
    settings = _settings()
    report = asyncio.run(_purge(settings))
    typer.echo(
        f"Retention {settings.retention_days} days: erased {report['customers_erased']} "
        f"customers, deleted {report['interactions_deleted']} interactions."
    )


@app.command("export-schema")
def export_schema(
    output: Annotated[Path, typer.Option(help="Where to write the SDL.")] = Path("schema.graphql"),
) -> None:
    """Writes the running schema as SDL (schema.graphql by default; '-' for stdout)."""
    from crm_graphql.app.schema import create_schema

    sdl = create_schema().as_str() + "\n"
    if str(output) == "-":
        typer.echo(sdl, nl=False)
    else:
        output.write_text(sdl, encoding="utf-8")
        typer.echo(f"Wrote {output}.")
