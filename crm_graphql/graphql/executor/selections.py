"""Collecting a selection the way graphql-core does: fields merged by response key, through
fragments that apply to the object's type, minus what @skip/@include leave out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.execution.values import VariableValues

Fields = dict[str, list[FieldNode]]  # response key -> the field nodes merged under it


class NotBatchable(Exception):
    """This operation (or this part of it) is left to graphql-core."""


class Selections:
    """The selection sets of one operation's document, under its variables."""

    def __init__(self, schema: GraphQLSchema, document: Any, variables: VariableValues) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = variables

    def collect(
        self, runtime: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode]
    ) -> Fields:
        fields: Fields = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._collect(runtime, selection_set, fields, visited)
        return fields

    def _collect(
        self,
        runtime: GraphQLObjectType,
        selection_set: SelectionSetNode,
        fields: Fields,
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection.directives or ()):
                continue
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, runtime):
                    self._collect(runtime, selection.selection_set, fields, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition.name.value, runtime):
                    self._collect(runtime, fragment.selection_set, fields, visited)

    def _applies(self, type_name: str, runtime: GraphQLObjectType) -> bool:
        if type_name == runtime.name:
            return True
        condition = self.schema.get_type(type_name)
        if isinstance(condition, GraphQLAbstractType):  # type: ignore[misc,arg-type]
            return self.schema.is_sub_type(condition, runtime)  # type: ignore[arg-type]
        return False

    def _included(self, directives: Sequence[DirectiveNode]) -> bool:
        included = True
        for directive in directives:
            name = directive.name.value
            if name not in {"skip", "include"}:
                raise NotBatchable(f"directive @{name}")
            (argument,) = directive.arguments or ()
            value = argument.value
            if isinstance(value, VariableNode):
                flag = self.variables.coerced.get(value.name.value)
            elif isinstance(value, BooleanValueNode):
                flag = value.value
            else:
                raise NotBatchable("directive argument")
            included = included and (not flag if name == "skip" else bool(flag))
        return included
