"""Encryption at rest for sensitive fields: AES-256-GCM envelopes, blind indexes, masking.

Nothing here touches GraphQL or the database. Values and keys never appear in exception
messages or reprs, so an error can be logged or shown without leaking what it is about.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENCRYPTION_KEYS_ENV = "CRM_ENCRYPTION_KEYS"
BLIND_INDEX_KEY_ENV = "CRM_BLIND_INDEX_KEY"

ENVELOPE_VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
MASK_BULLET = "\u2022"
MIN_MASK_BULLETS = 6
MIN_MASKED_LENGTH = 8

_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_AAD_LABEL = "crm-graphql/field/" + ENVELOPE_VERSION
_BLIND_INDEX_LABEL = "crm-graphql/blind-index/v1"


class CryptoConfigError(ValueError):
    """A key specification (CRM_ENCRYPTION_KEYS, CRM_BLIND_INDEX_KEY) cannot be used."""


class DecryptionError(ValueError):
    """An envelope is malformed, names an unknown key, or fails authentication."""


def generate_key() -> str:
    """A new random 32-byte key, urlsafe base64 (for docs, dev setup and key rotation)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _decode_base64(text: str) -> bytes:
    """Standard or urlsafe base64, padding optional; binascii.Error when invalid."""
    text = "".join(text.split()).rstrip("=")
    if not text:
        raise binascii.Error("empty")
    text = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _decode_key(encoded: str, *, what: str, minimum: int, exact: bool) -> bytes:
    """Decodes key material; messages name the key but never echo its value."""
    try:
        key = _decode_base64(encoded)
    except (binascii.Error, ValueError):
        raise CryptoConfigError(f"{what} is not valid base64") from None
    if exact and len(key) != minimum:
        raise CryptoConfigError(f"{what} must decode to {minimum} bytes, got {len(key)}")
    if len(key) < minimum:
        raise CryptoConfigError(f"{what} must decode to at least {minimum} bytes, got {len(key)}")
    return key


def _encode_parts(*parts: str) -> bytes:
    """Length-prefixed concatenation, so no two different part lists give the same bytes."""
    out = bytearray()
    for part in parts:
        raw = part.encode("utf-8")
        out += len(raw).to_bytes(4, "big") + raw
    return bytes(out)


def _check_location(table: str, column: str, row_id: int) -> None:
    if not table or not column:
        raise ValueError("table and column must be non-empty")
    if isinstance(row_id, bool) or not isinstance(row_id, int):
        raise TypeError("row_id must be an int")


def _associated_data(key_id: str, table: str, column: str, row_id: int) -> bytes:
    """What each ciphertext is bound to: moved to another row, column or table, it fails."""
    return _encode_parts(_AAD_LABEL, key_id, table, column, str(row_id))


def _split_envelope(envelope: str) -> tuple[str, bytes]:
    """(key id, nonce + ciphertext + tag) of a well-formed envelope, else DecryptionError."""
    if not isinstance(envelope, str):
        raise DecryptionError("envelope must be a string")
    parts = envelope.split(".")
    if len(parts) != 3 or parts[0] != ENVELOPE_VERSION:
        raise DecryptionError(f"not a {ENVELOPE_VERSION} envelope")
    key_id, body = parts[1], parts[2]
    if not _KEY_ID.fullmatch(key_id) or not _BASE64URL.fullmatch(body):
        raise DecryptionError("malformed envelope")
    try:
        blob = _decode_base64(body)
    except (binascii.Error, ValueError):
        raise DecryptionError("malformed envelope") from None
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("malformed envelope: too short")
    return key_id, blob


class KeyRing:
    """AES-256-GCM keys by id; the first one is current and encrypts, all of them decrypt."""

    __slots__ = ("_ciphers", "_current_id")

    def __init__(self, keys: Iterable[tuple[str, bytes]]) -> None:
        ciphers: dict[str, AESGCM] = {}
        folded: set[str] = set()
        for key_id, key in keys:
            if not _KEY_ID.fullmatch(key_id):
                raise CryptoConfigError(
                    f"key id {key_id!r} must be 1-32 characters of A-Z, a-z, 0-9, _ and -"
                )
            # Ids differing only in case are refused: too easy to confuse in an ops runbook.
            if key_id.casefold() in folded:
                raise CryptoConfigError(f"key id {key_id!r} appears more than once")
            if len(key) != KEY_BYTES:
                raise CryptoConfigError(
                    f"key {key_id!r} must be {KEY_BYTES} bytes (AES-256), got {len(key)}"
                )
            folded.add(key_id.casefold())
            ciphers[key_id] = AESGCM(key)
        if not ciphers:
            raise CryptoConfigError("a key ring needs at least one key")
        self._ciphers = ciphers
        self._current_id = next(iter(ciphers))

    @classmethod
    def parse(cls, spec: str) -> KeyRing:
        """Reads `keyid:base64key[,keyid:base64key...]`; the first entry is the current key."""
        if not spec or not spec.strip():
            raise CryptoConfigError(
                f"{ENCRYPTION_KEYS_ENV} is empty; expected keyid:base64key[,keyid:base64key...]"
            )
        keys: list[tuple[str, bytes]] = []
        for position, entry in enumerate(spec.split(","), start=1):
            keys.append(_parse_entry(entry.strip(), position))
        return cls(keys)

    @property
    def current_id(self) -> str:
        """The id of the key new values are encrypted with."""
        return self._current_id

    @property
    def key_ids(self) -> tuple[str, ...]:
        """All key ids, current first."""
        return tuple(self._ciphers)

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._ciphers

    def __repr__(self) -> str:
        return f"KeyRing(current={self._current_id!r}, ids={list(self._ciphers)!r})"

    def encrypt(self, plaintext: str, *, table: str, column: str, row_id: int) -> str:
        """`v1.<keyid>.<base64url(nonce + ciphertext + tag)>` under the current key."""
        _check_location(table, column, row_id)
        key_id = self._current_id
        nonce = secrets.token_bytes(NONCE_BYTES)
        aad = _associated_data(key_id, table, column, row_id)
        sealed = self._ciphers[key_id].encrypt(nonce, plaintext.encode("utf-8"), aad)
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"{ENVELOPE_VERSION}.{key_id}.{body}"

    def decrypt(self, envelope: str, *, table: str, column: str, row_id: int) -> str:
        """The plaintext of an envelope written for this table, column and row."""
        _check_location(table, column, row_id)
        key_id, blob = _split_envelope(envelope)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(f"unknown key id {key_id!r}")
        aad = _associated_data(key_id, table, column, row_id)
        try:
            raw = cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
        except InvalidTag:
            raise DecryptionError(
                "authentication failed (wrong key, tampered value, or another row/column)"
            ) from None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:  # pragma: no cover - only reachable with a forged key
            raise DecryptionError("decrypted value is not UTF-8") from None

    def key_id(self, envelope: str) -> str:
        """The id of the key an envelope was written with (DecryptionError if malformed)."""
        return _split_envelope(envelope)[0]

    def needs_rotation(self, envelope: str) -> bool:
        """Whether an envelope is under a key other than the current one."""
        return self.key_id(envelope) != self._current_id


def _parse_entry(entry: str, position: int) -> tuple[str, bytes]:
    """One `keyid:base64key` entry; messages give its position, never its key material."""
    where = f"{ENCRYPTION_KEYS_ENV} entry {position}"
    if not entry:
        raise CryptoConfigError(f"{where} is empty (stray comma?)")
    key_id, separator, encoded = entry.partition(":")
    key_id = key_id.strip()
    if not separator:
        raise CryptoConfigError(f"{where} must look like keyid:base64key")
    if not _KEY_ID.fullmatch(key_id):
        raise CryptoConfigError(
            f"{where}: key id must be 1-32 characters of A-Z, a-z, 0-9, _ and -"
        )
    key = _decode_key(encoded, what=f"{where} (key {key_id!r})", minimum=KEY_BYTES, exact=True)
    return key_id, key


def normalize_identifier(value: str) -> str:
    """Canonical form of an identifier: NFKC, no whitespace or dashes, upper case."""
    value = unicodedata.normalize("NFKC", value).strip()
    kept = (
        ch for ch in value if not ch.isspace() and ch != "-" and unicodedata.category(ch) != "Pd"
    )
    return "".join(kept).upper()


class BlindIndex:
    """Keyed HMAC-SHA256 of a normalised value, for exact-match lookups of encrypted fields.

    Its key (CRM_BLIND_INDEX_KEY) is deliberately separate from the encryption keys and is not
    rotated with them: every stored digest would have to be recomputed from the plaintext, and
    until that finished, lookups and unique constraints on the digest column would silently miss.
    The digest reveals only equality, and a leaked index key still requires guessing each value,
    so it is changed only on suspected compromise, as a planned re-indexing migration.
    """

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < KEY_BYTES:
            raise CryptoConfigError(f"a blind index key needs at least {KEY_BYTES} bytes")
        self._key = bytes(key)

    @classmethod
    def parse(cls, spec: str) -> BlindIndex:
        """Reads CRM_BLIND_INDEX_KEY: standard or urlsafe base64 of at least 32 bytes."""
        if not spec or not spec.strip():
            raise CryptoConfigError(f"{BLIND_INDEX_KEY_ENV} is empty")
        return cls(_decode_key(spec, what=BLIND_INDEX_KEY_ENV, minimum=KEY_BYTES, exact=False))

    def __repr__(self) -> str:
        return "BlindIndex(<key hidden>)"

    def digest(self, value: str, *, column: str) -> str:
        """Hex HMAC of the normalised value; the column is mixed in so columns don't correlate."""
        if not column:
            raise ValueError("column must be non-empty")
        normalized = normalize_identifier(value)
        if not normalized:
            # Blank values would all share one digest and collide in a unique index.
            raise ValueError("value is empty after normalisation")
        message = _encode_parts(_BLIND_INDEX_LABEL, column, normalized)
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


def mask(value: str, visible: int = 4) -> str:
    """`••••••1234`: at most `visible` trailing characters, nothing at all below 8 characters.

    Never more than half of the value is shown, whatever `visible` asks for, and the number of
    bullets is fixed so that the mask does not give the length away.
    """
    if visible < 0:
        raise ValueError("visible must be >= 0")
    value = value.strip()
    shown = min(visible, len(value) // 2) if len(value) >= MIN_MASKED_LENGTH else 0
    tail = value[len(value) - shown :] if shown else ""
    return MASK_BULLET * MIN_MASK_BULLETS + tail
