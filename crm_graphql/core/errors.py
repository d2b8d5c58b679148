"""Domain errors: plain Python, raised by services and mapped to UserError by the GraphQL layer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class ErrorCode(StrEnum):
    VALIDATION = "VALIDATION"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    DUPLICATE = "DUPLICATE"
    FORBIDDEN = "FORBIDDEN"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    RATE_LIMITED = "RATE_LIMITED"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where (a path into the input), what, and its code."""

    field: tuple[str, ...]
    message: str
    code: ErrorCode = ErrorCode.VALIDATION


class DomainError(Exception):
    """An expected failure; nothing has been written when it is raised out of a service."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = tuple(problems)

    @classmethod
    def single(
        cls, field: Sequence[str], message: str, code: ErrorCode = ErrorCode.VALIDATION
    ) -> DomainError:
        return cls([Problem(tuple(field), message, code)])


class Problems:
    """Collects every problem of an input before anything is written."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(
        self, field: Sequence[str], message: str, code: ErrorCode = ErrorCode.VALIDATION
    ) -> None:
        self.items.append(Problem(tuple(field), message, code))

    def extend(self, error: DomainError) -> None:
        self.items.extend(error.problems)

    def check(self, produce: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T | None:
        """What `produce(*args, **kwargs)` returns, or None after recording its DomainError."""
        try:
            return produce(*args, **kwargs)
        except DomainError as exc:
            self.extend(exc)
            return None

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise DomainError(self.items)


def not_found(field: Sequence[str], type_name: str) -> DomainError:
    return DomainError.single(field, f"No {type_name} with this ID exists.", ErrorCode.NOT_FOUND)


def stale_version(field: Sequence[str], type_name: str, current: int, expected: int) -> DomainError:
    return DomainError.single(
        field,
        f"This {type_name} was changed by someone else (version {current}, you sent {expected}); "
        "reload it and try again.",
        ErrorCode.CONFLICT,
    )


class BadRequestError(ValueError):
    """Query arguments that cannot be honoured (page sizes, cursors, filters): a top-level
    GraphQL error with code BAD_USER_INPUT (or a subclass's `code`) and this message."""

    code = "BAD_USER_INPUT"


class StatementTimeoutError(BadRequestError):
    """A statement ran longer than CRM_STATEMENT_TIMEOUT_MS and the database stopped it;
    the request asked for more work than the server allows (narrow the filter or the page)."""

    code = "STATEMENT_TIMEOUT"
