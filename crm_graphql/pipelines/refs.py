"""Lazy references to the GraphQL types of the pipeline domain, for annotations elsewhere: they
import nothing at run time, so any module may use them without an import circle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from crm_graphql.pipelines.types import PipelineType, StageType

PipelineRef = Annotated["PipelineType", strawberry.lazy("crm_graphql.pipelines.types")]
StageRef = Annotated["StageType", strawberry.lazy("crm_graphql.pipelines.types")]
