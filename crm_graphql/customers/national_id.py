"""National ID numbers: validated, stored only as an AES-GCM envelope plus a blind index, and
shown masked. The cipher binds each envelope to its table, column and customer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from crm_graphql.core.crypto import BlindIndex, KeyRing, mask, normalize_identifier
from crm_graphql.core.errors import DomainError

TABLE = "customers"
COLUMN = "national_id_enc"
INDEX_LABEL = "national_id"
_VALID = re.compile(r"^[A-Z0-9]{4,32}$")


def clean(value: str, field: Sequence[str]) -> str:
    normalized = normalize_identifier(value)
    if not _VALID.match(normalized):
        raise DomainError.single(
            field, "A national ID has 4 to 32 letters and digits (spaces and dashes are ignored)."
        )
    return normalized


@dataclass(frozen=True, slots=True)
class NationalIdCipher:
    keyring: KeyRing
    index: BlindIndex

    def seal(self, customer_id: int, value: str) -> tuple[str, str]:
        """The envelope and blind index to store for a cleaned value."""
        envelope = self.keyring.encrypt(value, table=TABLE, column=COLUMN, row_id=customer_id)
        return envelope, self.lookup(value)

    def open(self, customer_id: int, envelope: str) -> str:
        return self.keyring.decrypt(envelope, table=TABLE, column=COLUMN, row_id=customer_id)

    def masked(self, customer_id: int, envelope: str) -> str:
        return mask(self.open(customer_id, envelope))

    def lookup(self, value: str) -> str:
        return self.index.digest(value, column=INDEX_LABEL)
