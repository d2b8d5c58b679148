"""The schema extensions of the security package, as the settings ask for them."""

from __future__ import annotations

import functools
from collections.abc import Callable

from graphql import MaxIntrospectionDepthRule
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from crm_graphql.core.settings import Settings
from crm_graphql.graphql.security.cost import MAX_IDS
from crm_graphql.graphql.security.document_checks import (
    CheckedDocuments,
    DocumentChecks,
    DocumentLimits,
)
from crm_graphql.graphql.security.masking import MaskUnexpectedErrors

ExtensionFactory = type[SchemaExtension] | Callable[[], SchemaExtension]


def security_extensions(settings: Settings, *, max_ids: int = MAX_IDS) -> list[ExtensionFactory]:
    """Limits for every environment (tokens, fragments, depth, aliases, introspection depth,
    cost); in production also no introspection and masked errors."""
    # Every validation rule is made once, here (Strawberry's limiters would build theirs for
    # every request); DocumentChecks runs them once per distinct document.
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
        # graphql-core recommends it but Strawberry does not add it: the depth limiter and the
        # cost estimate skip introspection, which `fields { type { fields ... } } }` explodes.
        MaxIntrospectionDepthRule,
    ]
    if settings.is_production:
        rules += DisableIntrospection().validation_rules
    limits = DocumentLimits(
        max_tokens=settings.max_tokens,
        rules=tuple(rules),
        max_cost=settings.max_query_cost,
        default_page_size=settings.default_page_size,
        max_ids=max_ids,
    )
    extensions: list[ExtensionFactory] = [
        functools.partial(DocumentChecks, limits, CheckedDocuments())
    ]
    if settings.is_production:
        extensions.append(MaskUnexpectedErrors)
    return extensions
