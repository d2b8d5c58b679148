"""GraphQL type of consent records."""

from __future__ import annotations

from datetime import datetime

import strawberry

from crm_graphql.graphql.relay import Node, NodeType, register
from crm_graphql.privacy.models import Consent


@register(Consent)
@strawberry.type(name="Consent", description="A customer's consent given or withdrawn.")
class ConsentType(NodeType, Node):
    purpose: str = strawberry.field(description="What for, e.g. marketing-email.")
    granted: bool = strawberry.field(description="True: given; false: withdrawn or refused.")
    text_version: str = strawberry.field(description="Version of the wording agreed to.")
    source: str | None = strawberry.field(description="Where it was given, e.g. web-form.")
    recorded_at: datetime = strawberry.field(description="When it was recorded.")
