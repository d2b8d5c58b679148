"""GraphQL hardening: operation limits, a query cost estimate, production error masking,
request ids, the multipart CSRF check and CORS.

The rules of Strawberry's limiters (QueryDepthLimiter, MaxAliasesLimiter, DisableIntrospection)
and graphql-core's MaxIntrospectionDepthRule and token limit do most of the work; this module
adds what they lack (the fragment checks, the cost estimate, the masking predicate, request
ids) and runs the checks once per distinct document (DocumentChecks).
"""

from __future__ import annotations

import functools
import logging
import re
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    MaxIntrospectionDepthRule,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import HTTPConnection
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.schema import validate_document

from crm_graphql.core.errors import BadRequestError
from crm_graphql.core.settings import Settings

logger = logging.getLogger("crm_graphql")

REQUEST_ID_HEADER = "X-Request-ID"
PREFLIGHT_HEADERS = ("graphql-require-preflight", "apollo-require-preflight")
CLIENT_ERROR_CODES = frozenset({"UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT"})
INTERNAL_ERROR_CODE = "INTERNAL_SERVER_ERROR"
# `nodes(ids:)` takes at most this many IDs (schema.MAX_NODES); the estimate for a variable list.
MAX_IDS = 100

ExtensionFactory = type[SchemaExtension] | Callable[[], SchemaExtension]


# Request ids ---------------------------------------------------------------------------------


def request_id(connection: HTTPConnection) -> str:
    """The id of this request (HTTP) or connection (WebSocket), made on first use."""
    existing = getattr(connection.state, "request_id", None)
    if isinstance(existing, str):
        return existing
    new = uuid.uuid4().hex
    connection.state.request_id = new
    return new


def request_id_of(context: object) -> str | None:
    """The request id stored for the request of a GraphQL context, if any."""
    connection = getattr(context, "request", None)
    if not isinstance(connection, HTTPConnection):
        return None
    found = getattr(connection.state, "request_id", None)
    return found if isinstance(found, str) else None


# Errors --------------------------------------------------------------------------------------


def is_client_error(error: GraphQLError) -> bool:
    """Whether an error is about the request itself and may be shown as it is: our own
    BadRequestError, an authentication or permission refusal, graphql-core's syntax and
    validation errors (no original error), and coercion errors of the document or its
    variables (located in the document, no path). Everything else is unexpected."""
    code = (error.extensions or {}).get("code")
    if code == INTERNAL_ERROR_CODE:
        return False
    original = error.original_error
    return (
        original is None
        or isinstance(original, BadRequestError)
        or code in CLIENT_ERROR_CODES
        or (error.path is None and bool(error.nodes))
    )


def is_unexpected_error(error: GraphQLError) -> bool:
    return not is_client_error(error)


def log_unexpected_errors(errors: list[GraphQLError], context: object) -> None:
    """Logs every unexpected error with the request id the client is shown."""
    rid = request_id_of(context) or "-"
    for error in errors:
        if is_unexpected_error(error):
            logger.error(
                "Unexpected error (request id %s) at %s: %s",
                rid,
                ".".join(map(str, error.path or ())) or "-",
                error.message,
                exc_info=error.original_error,
            )


_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def strip_suggestions(error: GraphQLError) -> None:
    """Removes graphql-core's "Did you mean ...?" hints (fields, arguments, types, enum
    values, input fields): they spell out the schema that production keeps private."""
    error.message = _SUGGESTION.sub("", error.message)


def masked(error: GraphQLError, rid: str) -> GraphQLError:
    """What the client sees of an unexpected error: where, and the id to quote."""
    return GraphQLError(
        message=f"Unexpected error; quote request id {rid}.",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={"code": INTERNAL_ERROR_CODE, "requestId": rid},
    )


def mask_unexpected(errors: list[GraphQLError], rid: str) -> list[GraphQLError]:
    return [masked(error, rid) if is_unexpected_error(error) else error for error in errors]


class MaskUnexpectedErrors(MaskErrors):
    """Production: unexpected errors become "Unexpected error; quote request id <id>."
    with extensions {code: INTERNAL_SERVER_ERROR, requestId}; client errors stay as they are.

    An exception escaping another extension ends the operation before this one can see it;
    the view masks those (GraphQLView.process_result)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected_error)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return masked(error, request_id_of(self.execution_context.context) or "-")


# Fragments -----------------------------------------------------------------------------------

# Selection sets nested in one another, counted through fragment spreads (graphql-core's
# parser allows 200 within one definition; its validation checks this only after the rules
# are built, and Strawberry's limiters do their work while being built).
MAX_NESTING = 100


@dataclass(frozen=True, slots=True)
class _Body:
    """A selection set without its spreads inlined: its selections, its nesting, and its
    fragment spreads with the nesting at which each occurs."""

    size: int
    nesting: int
    spreads: tuple[tuple[str, int], ...]


def _body(selection_set: SelectionSetNode) -> _Body:
    """Walks a body iteratively (no recursion limit to hit)."""
    size = nesting = 0
    spreads: list[tuple[str, int]] = []
    stack = [(selection_set, 1)]
    while stack:
        current, depth = stack.pop()
        nesting = max(nesting, depth)
        for selection in current.selections:
            size += 1
            if isinstance(selection, FragmentSpreadNode):
                spreads.append((selection.name.value, depth))
            elif (
                isinstance(selection, FieldNode | InlineFragmentNode)
                and selection.selection_set is not None
            ):
                stack.append((selection.selection_set, depth + 1))
    return _Body(size, nesting, tuple(spreads))


def fragment_problems(document: DocumentNode, max_size: int) -> list[GraphQLError]:
    """What makes walking a document through its fragments unsafe: unknown fragments,
    cycles, nesting above MAX_NESTING, and an expansion (every spread inlined) above
    `max_size` selections, which a few short fragments that each spread the next one twice
    reach exponentially. Strawberry's depth and alias limiters walk every spread without
    memo, recurse, and fail on unknown fragments; this runs before them."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    bodies: dict[Node, _Body] = {
        node: _body(node.selection_set) for node in [*fragments.values(), *operations]
    }
    for node, body in bodies.items():
        for name, _ in body.spreads:
            if name not in fragments:
                return [GraphQLError(f"Unknown fragment '{name}'.", node)]

    # Sizes and nestings with every spread inlined, in dependency order (iterative DFS).
    size: dict[str, int] = {}
    nesting: dict[str, int] = {}

    def measure(body: _Body) -> tuple[int, int]:
        total = body.size + sum(size[name] for name, _ in body.spreads)
        deepest = max([body.nesting, *(depth + nesting[name] for name, depth in body.spreads)])
        return min(total, max_size + 1), min(deepest, MAX_NESTING + 1)

    for root in fragments:
        if root in size:
            continue
        path = [root]
        pending = [iter(bodies[fragments[root]].spreads)]
        while path:
            child = next((name for name, _ in pending[-1] if name not in size), None)
            if child is None:
                done = path.pop()
                pending.pop()
                size[done], nesting[done] = measure(bodies[fragments[done]])
            elif child in path:
                cycle = " -> ".join([*path[path.index(child) :], child])
                message = f"Cannot spread fragment '{child}' within itself ({cycle})."
                return [GraphQLError(message, fragments[child])]
            else:
                path.append(child)
                pending.append(iter(bodies[fragments[child]].spreads))

    total = 0
    for operation in operations:
        operation_size, operation_nesting = measure(bodies[operation])
        if operation_nesting > MAX_NESTING:
            message = f"The document nests more than {MAX_NESTING} selection sets deep."
            return [GraphQLError(message, operation)]
        total += operation_size
    if total > max_size:
        message = (
            f"The document has more than {max_size} selections once its fragments are "
            "inlined; spread fewer fragments."
        )
        return [GraphQLError(message, extensions={"code": "QUERY_TOO_COMPLEX"})]
    return []


# Query cost ----------------------------------------------------------------------------------


class _CostEstimate:
    """The number of objects (composite values) an operation can return at most: each
    object-typed field counts once per parent object; a list counts its expected length.

    Lengths: `first`/`last` of a paginated field (its connection's `edges`/`nodes` lists take
    that page size), the length of `ids` for `nodes(ids:)` (MAX_IDS if unknown), and the default
    page size for any list without them. Fragments are costed once per page size (memoized);
    a fragment that spreads itself counts 0 (NoFragmentCyclesRule refuses the document).
    Introspection fields are not counted."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        default_page_size: int,
        max_ids: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.default_page_size = default_page_size
        self.max_ids = max_ids
        self.memo: dict[tuple[str, int | None], int] = {}
        self.active: set[str] = set()
        self.operation_defaults: dict[str, ValueNode] = {}

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        self.operation_defaults = {
            d.variable.name.value: d.default_value
            for d in operation.variable_definitions or ()
            if d.default_value is not None
        }
        self.memo.clear()
        return self.selection_set(root, operation.selection_set, None)

    def selection_set(
        self, parent: GraphQLNamedType | None, selection_set: SelectionSetNode, page: int | None
    ) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(inner, selection.selection_set, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, page)
        return total

    def fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key in self.memo:
            return self.memo[key]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.active:
            return 0
        self.active.add(name)
        try:
            on = self.schema.get_type(fragment.type_condition.name.value)
            cost = self.selection_set(on, fragment.selection_set, page)
        finally:
            self.active.discard(name)
        self.memo[key] = cost
        return cost

    def field(self, parent: GraphQLNamedType | None, node: FieldNode, page: int | None) -> int:
        name = node.name.value
        if node.selection_set is None or name.startswith("__"):
            return 0
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        paged = "first" in definition.args or "last" in definition.args
        size = self.page_size(node) if paged else None
        if is_list_type(get_nullable_type(definition.type)):  # type: ignore[arg-type]
            if "ids" in definition.args:
                count = self.ids_length(node)
            elif paged:
                count = size if size is not None else self.default_page_size
            else:
                count = page if page is not None else self.default_page_size
            child_page = None
        else:
            count = 1
            child_page = (size if size is not None else self.default_page_size) if paged else None
        inner = self.selection_set(get_named_type(definition.type), node.selection_set, child_page)
        return count * (1 + inner)

    def argument(self, node: FieldNode, name: str) -> object:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return self.value(argument.value)
        return None

    def value(self, node: ValueNode | None) -> object:
        if isinstance(node, VariableNode):
            name = node.name.value
            if name in self.variables:
                return self.variables[name]
            return self.value(self.operation_defaults.get(name))
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return list(node.values)
        return None

    def page_size(self, node: FieldNode) -> int | None:
        sizes = [
            max(value, 0)
            for value in (self.argument(node, "first"), self.argument(node, "last"))
            if isinstance(value, int) and not isinstance(value, bool)
        ]
        return max(sizes) if sizes else None

    def ids_length(self, node: FieldNode) -> int:
        ids = self.argument(node, "ids")
        if isinstance(ids, list):
            return len(ids)
        if isinstance(ids, str):  # one ID is coerced to a list of one
            return 1
        return self.max_ids


def estimate_cost(
    schema: GraphQLSchema,
    document_definitions: Any,
    operation: OperationDefinitionNode,
    *,
    variables: Mapping[str, Any] | None = None,
    default_page_size: int = 20,
    max_ids: int = MAX_IDS,
) -> int:
    """The estimated number of objects `operation` can return (see _CostEstimate)."""
    fragments = {
        d.name.value: d for d in document_definitions if isinstance(d, FragmentDefinitionNode)
    }
    estimate = _CostEstimate(schema, fragments, variables or {}, default_page_size, max_ids)
    return estimate.operation(operation)


def cost_problems(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    *,
    max_cost: int,
    default_page_size: int,
    max_ids: int = MAX_IDS,
) -> list[GraphQLError]:
    """Refusals of the operations whose estimated cost is above `max_cost`."""
    problems: list[GraphQLError] = []
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        try:
            cost = estimate_cost(
                schema,
                document.definitions,
                operation,
                variables=variables,
                default_page_size=default_page_size,
                max_ids=max_ids,
            )
        except RecursionError:
            problems.append(GraphQLError("The document is nested too deeply.", operation))
            continue
        if cost > max_cost:
            name = f"'{operation.name.value}'" if operation.name else "The operation"
            problems.append(
                GraphQLError(
                    f"{name} could return up to {cost} objects (its estimated cost); "
                    f"the limit is {max_cost}. Ask for smaller pages (first/last) or "
                    "fewer nested lists.",
                    operation,
                    extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost},
                )
            )
    return problems


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    max_tokens: int  # per document, while parsing; also its largest fragment expansion
    rules: tuple[type[ASTValidationRule], ...]  # besides graphql-core's own
    max_cost: int
    default_page_size: int
    max_ids: int


@dataclass(slots=True)
class _Checked:
    document: DocumentNode
    verdict: list[GraphQLError] | None = None  # None: not validated yet


class CheckedDocuments:
    """Parsed documents and what validation said of them, by their text, most recently used
    last (the least recently used go first). A document's syntax tree takes about 100 bytes
    per character of its text, so the
    cache holds at most BUDGET characters of documents (about 50 MB) and none longer than
    MAX_LENGTH: whatever a client sends, it cannot grow past that."""

    BUDGET = 500_000
    MAX_LENGTH = 20_000

    def __init__(self) -> None:
        self._documents: OrderedDict[str, _Checked] = OrderedDict()
        self._size = 0

    def get(self, query: str) -> _Checked | None:
        found = self._documents.get(query)
        if found is not None:
            self._documents.move_to_end(query)
        return found

    def put(self, query: str, document: DocumentNode) -> None:
        if len(query) > self.MAX_LENGTH or query in self._documents:
            return
        self._documents[query] = _Checked(document)
        self._size += len(query)
        while self._size > self.BUDGET:
            oldest, _ = self._documents.popitem(last=False)
            self._size -= len(oldest)


class DocumentChecks(SchemaExtension):
    """Parses and checks a document before it runs, in place of Strawberry's steps.

    What depends on the text alone is done once per distinct document and remembered
    (CheckedDocuments): parsing, the fragments (unknown, circular or expanding too far,
    checked before any rule walks them, see fragment_problems) and every validation rule
    (graphql-core's, the depth, alias and introspection limits): rules are fixed per schema,
    so the text decides the verdict. The cost estimate reads the variables (page sizes) and
    runs for every request, as a direct walk of the operation rather than a validation rule
    (a rule costs a visitor pass)."""

    def __init__(self, limits: DocumentLimits, documents: CheckedDocuments) -> None:
        self.limits = limits
        self.documents = documents

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        # graphql-core stops reading a document at this many tokens (as MaxTokensLimiter)
        execution.parse_options["max_tokens"] = self.limits.max_tokens
        query = execution.query
        checked = self.documents.get(query) if query else None
        if checked is not None and execution.graphql_document is None:
            execution.graphql_document = checked.document
        yield
        if query and checked is None and execution.graphql_document is not None:
            self.documents.put(query, execution.graphql_document)

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is not None and execution.pre_execution_errors is None:
            checked = self.documents.get(execution.query) if execution.query else None
            if checked is not None and checked.document is not document:
                checked = None  # not the document this request parsed
            errors = checked.verdict if checked is not None else None
            if errors is None:
                errors = fragment_problems(document, self.limits.max_tokens) or validate_document(
                    execution.schema._schema,
                    document,
                    (*execution.validation_rules, *self.limits.rules),
                )
                if checked is not None:
                    checked.verdict = errors
            if not errors:
                errors = cost_problems(
                    execution.schema._schema,
                    document,
                    execution.variables,
                    max_cost=self.limits.max_cost,
                    default_page_size=self.limits.default_page_size,
                    max_ids=self.limits.max_ids,
                )
            # Strawberry skips its own validation when this is set (an empty list: valid)
            execution.pre_execution_errors = list(errors)
        yield


# Schema extensions ---------------------------------------------------------------------------


def hardening_extensions(settings: Settings, *, max_ids: int = MAX_IDS) -> list[ExtensionFactory]:
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


# HTTP ----------------------------------------------------------------------------------------


def lacks_preflight(content_type: str, headers: Mapping[str, str]) -> bool:
    """CSRF: a multipart POST is a "simple" request a browser sends cross-site without a CORS
    preflight; refuse it unless it carries a header only a preflighted request can have."""
    return content_type.strip().lower() == "multipart/form-data" and not any(
        (headers.get(name) or "").strip() for name in PREFLIGHT_HEADERS
    )


def cors_middleware(origins: tuple[str, ...]) -> list[Middleware]:
    """CORS for the allow-listed origins only; no CORS headers at all without any."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=["content-type", "authorization", *PREFLIGHT_HEADERS],
            allow_credentials=False,
            expose_headers=[REQUEST_ID_HEADER],
        )
    ]
