"""Sign-in, sign-out and API token mutations."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.errors import DomainError
from crm_graphql.core.ids import expect_id
from crm_graphql.graphql.arguments import INPUT
from crm_graphql.graphql.payloads import UserError, user_errors
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.graphql.transaction import input_errors, mutate
from crm_graphql.platform.auth import service
from crm_graphql.platform.auth.inputs import CreateApiTokenInput, LoginInput, RevokeApiTokenInput
from crm_graphql.platform.auth.models import AccessToken
from crm_graphql.platform.auth.types import AccessTokenType
from crm_graphql.platform.users.types import UserType


@strawberry.type(description="The result of signing in.")
class LoginPayload:
    token: str | None = strawberry.field(
        description="Send as `Authorization: Bearer <token>`; keep it secret."
    )
    user: UserType | None = strawberry.field(description="Who signed in.")
    errors: list[UserError] = strawberry.field(description="Why sign-in failed, if it did.")


@strawberry.type(description="The result of a token mutation.")
class AccessTokenPayload:
    access_token: AccessTokenType | None = strawberry.field(description="The token's record.")
    secret: str | None = strawberry.field(
        description="The token itself, shown only now (only when created)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


@strawberry.type
class AuthMutation:
    @strawberry.mutation(
        description="Signs in. Failed attempts slow down further ones from the same address "
        "(RATE_LIMITED, with when to retry); they never lock the account for others."
    )
    async def login(self, info: GraphInfo, input: Annotated[LoginInput, INPUT]) -> LoginPayload:
        ctx = info.context
        refused = input_errors(info)  # a lone surrogate cannot even be hashed
        if refused:
            return LoginPayload(token=None, user=None, errors=refused)
        ttl = timedelta(hours=ctx.settings.session_hours)
        try:
            issued, user = await service.login(
                sessionmaker=ctx.resources.sessionmaker,
                email=input.email,
                password=input.password,
                address=ctx.client_address(),
                ttl=ttl,
            )
        except DomainError as exc:  # a failed attempt is kept: it counts for the throttle
            return LoginPayload(token=None, user=None, errors=user_errors(exc))
        return LoginPayload(token=issued.secret, user=UserType.from_model(user), errors=[])

    @strawberry.mutation(description="Revokes the token of this request at once.")
    async def logout(self, info: GraphInfo) -> AccessTokenPayload:
        viewer = info.context.viewer

        async def action(session: AsyncSession) -> AccessToken:
            assert viewer is not None
            return await service.revoke(session=session, token_id=viewer.token_id)

        token, errors = await mutate(info, action)
        return _payload(token, None, errors)

    @strawberry.mutation(description="Creates an API token for a user (admins only).")
    async def create_api_token(
        self, info: GraphInfo, input: Annotated[CreateApiTokenInput, INPUT]
    ) -> AccessTokenPayload:
        viewer = info.context.viewer

        async def action(session: AsyncSession) -> service.IssuedToken:
            assert viewer is not None
            return await service.create_api_token(
                session=session,
                user_id=expect_id(input.user_id, "User", ("userId",)),
                name=input.name,
                scopes=service.parse_scopes(input.permissions, ("permissions",)),
                expires_at=input.expires_at,
                created_by=viewer.user_id,
            )

        issued, errors = await mutate(info, action)
        return _payload(
            issued.record if issued else None, issued.secret if issued else None, errors
        )

    @strawberry.mutation(description="Revokes an API or session token at once (admins only).")
    async def revoke_api_token(
        self, info: GraphInfo, input: Annotated[RevokeApiTokenInput, INPUT]
    ) -> AccessTokenPayload:
        async def action(session: AsyncSession) -> AccessToken:
            pk = expect_id(input.id, "AccessToken", ("id",))
            return await service.revoke(session=session, token_id=pk)

        token, errors = await mutate(info, action)
        return _payload(token, None, errors)


def _payload(
    token: AccessToken | None, secret: str | None, errors: list[UserError]
) -> AccessTokenPayload:
    return AccessTokenPayload(
        access_token=AccessTokenType.from_model(token) if token else None,
        secret=secret,
        errors=errors,
    )
