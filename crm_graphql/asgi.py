"""ASGI entry point: `uvicorn --factory crm_graphql.asgi:create_app` (what `serve` runs)."""

from crm_graphql.app import create_app

__all__ = ["create_app"]
