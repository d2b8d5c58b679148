"""Global object IDs: base64url("TypeName:primaryKey"), opaque to clients."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from crm_graphql.core.errors import DomainError, ErrorCode

MAX_KEY = 2**31 - 1  # primary keys are 32-bit integers


@dataclass(frozen=True, slots=True)
class GlobalId:
    type_name: str
    pk: int


def encode_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode_id(value: str) -> GlobalId | None:
    """The type and key an ID names, or None when it is not one of ours."""
    if not value or len(value) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, sep, pk = raw.partition(":")
    if not sep or not type_name.isalpha() or not (pk.isascii() and pk.isdigit()) or len(pk) > 10:
        return None
    key = int(pk)
    return GlobalId(type_name, key) if 0 < key <= MAX_KEY else None


def expect_id(value: str, type_name: str, field: Sequence[str]) -> int:
    """The primary key of an ID that must name a `type_name`, or a VALIDATION error."""
    decoded = decode_id(value)
    if decoded is None:
        raise DomainError.single(field, f"{value!r} is not a valid ID.", ErrorCode.VALIDATION)
    if decoded.type_name != type_name:
        raise DomainError.single(
            field,
            f"Expected the ID of a {type_name}, got the ID of a {decoded.type_name}.",
            ErrorCode.VALIDATION,
        )
    return decoded.pk
