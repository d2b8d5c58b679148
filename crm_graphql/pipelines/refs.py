"""Lazy references to the pipeline domain's GraphQL types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from crm_graphql.pipelines.inputs import PipelineFilter, PipelineSort, StageFilter
    from crm_graphql.pipelines.types import PipelineType, StageType

PipelineRef = Annotated["PipelineType", strawberry.lazy("crm_graphql.pipelines.types")]
StageRef = Annotated["StageType", strawberry.lazy("crm_graphql.pipelines.types")]
PipelineFilterRef = Annotated["PipelineFilter", strawberry.lazy("crm_graphql.pipelines.inputs")]
StageFilterRef = Annotated["StageFilter", strawberry.lazy("crm_graphql.pipelines.inputs")]
PipelineSortRef = Annotated["PipelineSort", strawberry.lazy("crm_graphql.pipelines.inputs")]
