"""ASGI entry point: `uvicorn --factory crm_graphql.app.asgi:create_app` (what `serve` runs)."""

from crm_graphql.app.factory import create_app

__all__ = ["create_app"]
