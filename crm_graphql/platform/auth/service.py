"""Sign-in, sign-out, API tokens and the token -> viewer lookup. No GraphQL here."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from crm_graphql.core.db import utcnow
from crm_graphql.core.errors import DomainError, ErrorCode, Problems
from crm_graphql.core.validators import normalize_email, required_text
from crm_graphql.data.access import Viewer
from crm_graphql.data.reader import Reader
from crm_graphql.data.records import find
from crm_graphql.platform.auth.models import AccessToken, LoginAttempt, TokenKind
from crm_graphql.platform.auth.passwords import MIN_LENGTH, hash_password, verify_password
from crm_graphql.platform.auth.permissions import Permission, viewer_of
from crm_graphql.platform.users.models import User, UserRole

TOKEN_PREFIX = "crm_"
RATE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
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


async def _recent_failures(
    session: AsyncSession, column: InstrumentedAttribute[str], value: str
) -> int:
    since = utcnow() - RATE_WINDOW
    count = await session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(column == value, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))
    )
    return int(count or 0)


async def login(
    *, session: AsyncSession, email: str, password: str, address: str, ttl: timedelta
) -> IssuedToken:
    """Checks the password and opens a session token. Every attempt is recorded (refused ones
    too), failed ones count against the account and the client address; the caller commits
    even on failure."""
    key = email.strip().lower()[:254]
    if session.get_bind().dialect.name == "postgresql":
        # attempts on one account run one at a time, so parallel guesses cannot all be
        # checked before the first failures are counted (SQLite writers are serial anyway)
        await session.execute(select(func.pg_advisory_xact_lock(func.hashtext("login:" + key))))
    if (
        await _recent_failures(session, LoginAttempt.email, key) >= MAX_FAILURES_PER_ACCOUNT
        or await _recent_failures(session, LoginAttempt.address, address)
        >= MAX_FAILURES_PER_ADDRESS
    ):
        session.add(LoginAttempt(email=key, address=address, succeeded=False))
        await session.flush()
        raise DomainError.single(
            ("email",),
            "Too many failed sign-ins; wait 15 minutes and try again.",
            ErrorCode.RATE_LIMITED,
        )
    user = (await session.execute(select(User).where(User.email == key))).scalar_one_or_none()
    # argon2 is slow on purpose: verify off the event loop so other requests go on meanwhile
    valid = await asyncio.to_thread(verify_password, user.password_hash if user else None, password)
    ok = valid and user is not None and user.is_active
    session.add(LoginAttempt(email=key, address=address, succeeded=ok))
    if not ok or user is None:
        await session.flush()
        raise DomainError.single(
            ("password",), "Wrong email or password.", ErrorCode.UNAUTHENTICATED
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
    return IssuedToken(secret, record)


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


async def create_user(
    *,
    session: AsyncSession,
    email: str,
    name: str,
    role: UserRole,
    password: str,
    manager_id: int | None = None,
) -> User:
    problems = Problems()
    address = problems.check(normalize_email, email, ("email",))
    display = problems.check(required_text, name, ("name",), 200)
    if len(password) < MIN_LENGTH:
        problems.add(("password",), f"At least {MIN_LENGTH} characters.")
    if address and await session.scalar(select(User.id).where(User.email == address)):
        problems.add(("email",), "A user with this email exists.", ErrorCode.DUPLICATE)
    if manager_id is not None:
        await find(session, User, manager_id, ("managerId",))
    problems.raise_if_any()
    user = User(
        email=address,
        name=display,
        role=role,
        password_hash=await asyncio.to_thread(hash_password, password),
        manager_id=manager_id,
        is_active=True,
    )
    session.add(user)
    await session.flush()
    return user
