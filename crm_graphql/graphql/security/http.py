"""HTTP checks: the multipart CSRF check and CORS."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from crm_graphql.graphql.security.request_ids import REQUEST_ID_HEADER

PREFLIGHT_HEADERS = ("graphql-require-preflight", "apollo-require-preflight")


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
