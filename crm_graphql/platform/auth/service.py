"""Sign-in, sign-out, API tokens and the token -> viewer lookup. No GraphQL here."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm_graphql.core.db import utcnow, write_session
from crm_graphql.core.errors import DomainError, ErrorCode, Problems
from crm_graphql.core.validators import normalize_email, required_text
from crm_graphql.data.access import Viewer
from crm_graphql.data.reader import Reader
from crm_graphql.data.records import find
from crm_graphql.platform.auth import passwords, throttle
from crm_graphql.platform.auth.models import AccessToken, LoginAttempt, TokenKind
from crm_graphql.platform.auth.passwords import MIN_LENGTH
from crm_graphql.platform.auth.permissions import Permission, viewer_of
from crm_graphql.platform.users.models import User, UserRole

TOKEN_PREFIX = "crm_"
MAX_API_TOKEN_DAYS = 366


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token as handed out: the secret is shown once and never stored."""

    secret: str
    record: AccessToken


@dataclass(frozen=True, slots=True)
class _Reserved:
    attempt_id: int
    user_id: int | None
    password_hash: str | None


async def _reserve(
    sessionmaker: async_sessionmaker[AsyncSession], key: str, address: str
) -> _Reserved:
    """The first, short write transaction: is an attempt allowed now? If so, it is recorded
    as a failure at once, so that parallel guesses see it before any password is checked;
    a success turns it into one afterwards."""
    async with write_session(sessionmaker) as session:
        if session.get_bind().dialect.name == "postgresql":
            # attempts on one account, and from one address, run their check one at a time
            # (SQLite's writers are serial anyway); always in this order, so no deadlock
            for name in ("login:" + key, "login-address:" + address):
                await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(name))))
        due = await throttle.retry_at(session, key, address)
        if due is not None:
            raise throttle.refused(due)  # not recorded: a refused attempt extends nothing
        attempt = LoginAttempt(email=key, address=address, succeeded=False)
        session.add(attempt)
        found = (
            await session.execute(select(User.id, User.password_hash).where(User.email == key))
        ).one_or_none()
        await session.flush()
        return _Reserved(attempt.id, found[0] if found else None, found[1] if found else None)


async def login(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    email: str,
    password: str,
    address: str,
    ttl: timedelta,
) -> tuple[IssuedToken, User]:
    """Checks the password and opens a session token, throttled per (account, address) and
    per address (see throttle.py).

    argon2 is slow on purpose (tens of milliseconds of CPU), so it runs between two short
    write transactions, never inside one: on SQLite a write transaction holds the database's
    only write lock, and every other writer would wait for the hash."""
    key = email.strip().lower()[:254]
    reserved = await _reserve(sessionmaker, key, address)
    valid = await passwords.verified(reserved.password_hash, password)
    if not valid or reserved.user_id is None:
        raise DomainError.single(
            ("password",), "Wrong email or password.", ErrorCode.UNAUTHENTICATED
        )
    async with write_session(sessionmaker) as session:
        user = await session.get(User, reserved.user_id)
        if user is None or not user.is_active or user.password_hash != reserved.password_hash:
            raise DomainError.single(
                ("password",), "Wrong email or password.", ErrorCode.UNAUTHENTICATED
            )
        await session.execute(
            update(LoginAttempt)
            .where(LoginAttempt.id == reserved.attempt_id)
            .values(succeeded=True)
        )
        secret = new_token()
        record = AccessToken(
            user_id=user.id,
            kind=TokenKind.SESSION,
            token_hash=token_digest(secret),
            expires_at=utcnow() + ttl,
        )
        session.add(record)
        await session.flush()
    return IssuedToken(secret, record), user


async def revoke(*, session: AsyncSession, token_id: int) -> AccessToken:
    token = await session.get(AccessToken, token_id)
    if token is None:
        raise DomainError.single(("id",), "No token with this ID exists.", ErrorCode.NOT_FOUND)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        await session.flush()
    return token


def parse_scopes(values: Sequence[str], field: Sequence[str]) -> frozenset[Permission]:
    problems = Problems()
    scopes = set()
    for i, value in enumerate(values):
        try:
            scopes.add(Permission(value))
        except ValueError:
            problems.add((*field, str(i)), f"{value!r} is not a permission.")
    if not values:
        problems.add(field, "Give at least one scope.")
    problems.raise_if_any()
    return frozenset(scopes)


async def create_api_token(
    *,
    session: AsyncSession,
    user_id: int,
    name: str,
    scopes: frozenset[Permission],
    expires_at: datetime,
    created_by: int,
) -> IssuedToken:
    problems = Problems()
    label = problems.check(required_text, name, ("name",), 100)
    now = utcnow()
    if expires_at <= now:
        problems.add(("expiresAt",), "Must be in the future.")
    elif expires_at > now + timedelta(days=MAX_API_TOKEN_DAYS):
        problems.add(("expiresAt",), f"At most {MAX_API_TOKEN_DAYS} days ahead.")
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        problems.add(("userId",), "No active User with this ID exists.", ErrorCode.NOT_FOUND)
    problems.raise_if_any()
    secret = new_token()
    record = AccessToken(
        user_id=user_id,
        kind=TokenKind.API,
        name=label,
        scopes=" ".join(sorted(scopes)),
        token_hash=token_digest(secret),
        expires_at=expires_at,
        created_by_id=created_by,
    )
    session.add(record)
    await session.flush()
    return IssuedToken(secret, record)


async def authenticate(reader: Reader, secret: str) -> Viewer | None:
    """The viewer a bearer token stands for, or None when it is unknown, expired or revoked."""
    found = await signed_in(reader, secret)
    return found.viewer if found is not None else None


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A valid token's viewer, and when the token expires."""

    viewer: Viewer
    expires_at: datetime


async def signed_in(
    reader: Reader, secret: str, *, now: Callable[[], datetime] = utcnow
) -> SignedIn | None:
    """authenticate(), with the token's expiry (for caches), as of `now()`."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    t = AccessToken.__table__.c
    u = User.__table__.c
    rows = await reader.rows(
        select(t.id, t.scopes, t.expires_at, u.id.label("user_id"), u.role)
        .join_from(AccessToken.__table__, User.__table__, u.id == t.user_id)
        .where(
            t.token_hash == token_digest(secret),
            t.revoked_at.is_(None),
            t.expires_at > now(),
            u.is_active.is_(True),
        )
    )
    if not rows:
        return None
    row = rows[0]
    role = UserRole(row.role)
    reports: frozenset[int] = frozenset()
    if role is UserRole.MANAGER:
        found = await reader.rows(select(u.id).where(u.manager_id == row.user_id))
        reports = frozenset(r.id for r in found)
    scopes = frozenset(Permission(s) for s in row.scopes.split()) if row.scopes else None
    viewer = viewer_of(
        user_id=row.user_id, role=role, token_id=row.id, scopes=scopes, reports=reports
    )
    return SignedIn(viewer, row.expires_at)


@dataclass(frozen=True, slots=True)
class NewPassword:
    """A password checked and hashed before any write transaction begins (see login)."""

    password_hash: str


async def new_password(password: str) -> NewPassword:
    if len(password) < MIN_LENGTH:
        raise DomainError.single(("password",), f"At least {MIN_LENGTH} characters.")
    return NewPassword(await passwords.hashed(password))


async def create_user(
    *,
    session: AsyncSession,
    email: str,
    name: str,
    role: UserRole,
    password: NewPassword,
    manager_id: int | None = None,
) -> User:
    """The password comes hashed (new_password): argon2 must not run in the write
    transaction, which on SQLite holds the only write lock."""
    problems = Problems()
    address = problems.check(normalize_email, email, ("email",))
    display = problems.check(required_text, name, ("name",), 200)
    if address and await session.scalar(select(User.id).where(User.email == address)):
        problems.add(("email",), "A user with this email exists.", ErrorCode.DUPLICATE)
    if manager_id is not None:
        await find(session, User, manager_id, ("managerId",))
    problems.raise_if_any()
    user = User(
        email=address,
        name=display,
        role=role,
        password_hash=password.password_hash,
        manager_id=manager_id,
        is_active=True,
    )
    session.add(user)
    await session.flush()
    return user
