"""Document checks: parsing and validation once per distinct document, the cost for every request.

The rules of Strawberry's limiters (QueryDepthLimiter, MaxAliasesLimiter, DisableIntrospection)
and graphql-core's MaxIntrospectionDepthRule and token limit do most of the work; the fragment
guard and the cost estimate add what they lack.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import ASTValidationRule, DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from crm_graphql.graphql.security.cost import cost_problems
from crm_graphql.graphql.security.fragment_guard import fragment_problems


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
