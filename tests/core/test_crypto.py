"""Field encryption: envelopes bound to their row, key rings, blind indexes and masking."""

from __future__ import annotations

import base64

import pytest

from crm_graphql.core.crypto import (
    BlindIndex,
    CryptoConfigError,
    DecryptionError,
    KeyRing,
    generate_key,
    mask,
    normalize_identifier,
)

KEY_1 = bytes(range(32))
KEY_2 = bytes(range(100, 132))
SPEC_1 = base64.b64encode(KEY_1).decode()
SPEC_2 = base64.urlsafe_b64encode(KEY_2).decode().rstrip("=")
SECRET = "AB123456C"


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing.parse(f"k2:{SPEC_2}, k1:{SPEC_1}")


def test_round_trip_and_envelope_shape(ring: KeyRing) -> None:
    envelope = ring.encrypt(SECRET, table="customers", column="national_id_enc", row_id=7)
    version, key_id, body = envelope.split(".")
    assert (version, key_id) == ("v1", "k2")
    assert "=" not in body
    assert SECRET not in envelope
    assert ring.decrypt(envelope, table="customers", column="national_id_enc", row_id=7) == SECRET
    assert ring.key_id(envelope) == "k2"
    assert ring.needs_rotation(envelope) is False


def test_unicode_and_empty_values_round_trip(ring: KeyRing) -> None:
    for value in ("", "Zoë Ångström 🗝", "x" * 1000):
        envelope = ring.encrypt(value, table="t", column="c", row_id=1)
        assert ring.decrypt(envelope, table="t", column="c", row_id=1) == value


def test_same_value_encrypts_differently_each_time(ring: KeyRing) -> None:
    first = ring.encrypt(SECRET, table="customers", column="national_id_enc", row_id=7)
    second = ring.encrypt(SECRET, table="customers", column="national_id_enc", row_id=7)
    assert first != second


@pytest.mark.parametrize(
    ("table", "column", "row_id"),
    [
        ("customers", "national_id_enc", 8),
        ("customers", "tax_id_enc", 7),
        ("companies", "national_id_enc", 7),
        ("customers", "national_id_enc", -7),
    ],
)
def test_value_moved_elsewhere_fails(ring: KeyRing, table: str, column: str, row_id: int) -> None:
    envelope = ring.encrypt(SECRET, table="customers", column="national_id_enc", row_id=7)
    with pytest.raises(DecryptionError, match="authentication failed"):
        ring.decrypt(envelope, table=table, column=column, row_id=row_id)


def test_part_boundaries_are_unambiguous(ring: KeyRing) -> None:
    envelope = ring.encrypt(SECRET, table="ab", column="c", row_id=1)
    with pytest.raises(DecryptionError):
        ring.decrypt(envelope, table="a", column="bc", row_id=1)


def _flip(envelope: str, index: int) -> str:
    prefix, body = envelope.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[index] ^= 0x01
    return prefix + "." + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")


@pytest.mark.parametrize("index", [0, 11, 12, -1])  # nonce start and end, ciphertext, tag
def test_tampered_envelope_fails(ring: KeyRing, index: int) -> None:
    envelope = ring.encrypt(SECRET, table="customers", column="national_id_enc", row_id=7)
    with pytest.raises(DecryptionError):
        ring.decrypt(_flip(envelope, index), table="customers", column="national_id_enc", row_id=7)


def test_relabelled_key_id_fails(ring: KeyRing) -> None:
    """The key id is authenticated: an envelope cannot be passed off as another key's."""
    both_same = KeyRing([("k2", KEY_2), ("k9", KEY_2)])
    envelope = both_same.encrypt(SECRET, table="customers", column="national_id_enc", row_id=7)
    relabelled = envelope.replace("v1.k2.", "v1.k9.", 1)
    with pytest.raises(DecryptionError, match="authentication failed"):
        both_same.decrypt(relabelled, table="customers", column="national_id_enc", row_id=7)


def test_unknown_key_id_fails(ring: KeyRing) -> None:
    envelope = ring.encrypt(SECRET, table="customers", column="national_id_enc", row_id=7)
    only_k1 = KeyRing.parse(f"k1:{SPEC_1}")
    with pytest.raises(DecryptionError, match="unknown key id 'k2'"):
        only_k1.decrypt(envelope, table="customers", column="national_id_enc", row_id=7)


@pytest.mark.parametrize(
    "envelope",
    [
        "",
        "plain text",
        "v1.k2",
        "v2.k2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "v1.k2.AAAA",
        "v1.k2.AAAA+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "v1.k2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.x",
        "v1.bad id.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_malformed_envelope_fails(ring: KeyRing, envelope: str) -> None:
    with pytest.raises(DecryptionError):
        ring.decrypt(envelope, table="customers", column="national_id_enc", row_id=7)


def test_errors_never_carry_the_plaintext(ring: KeyRing) -> None:
    envelope = ring.encrypt(SECRET, table="customers", column="national_id_enc", row_id=7)
    with pytest.raises(DecryptionError) as caught:
        ring.decrypt(envelope, table="customers", column="national_id_enc", row_id=8)
    assert SECRET not in str(caught.value)
    assert envelope not in str(caught.value)


def test_current_key_is_the_first_entry() -> None:
    assert KeyRing.parse(f"k1:{SPEC_1},k2:{SPEC_2}").current_id == "k1"
    ring = KeyRing.parse(f"k2:{SPEC_2},k1:{SPEC_1}")
    assert ring.current_id == "k2"
    assert ring.key_ids == ("k2", "k1")
    old = KeyRing.parse(f"k1:{SPEC_1}").encrypt(SECRET, table="t", column="c", row_id=1)
    assert ring.needs_rotation(old) is True
    assert ring.decrypt(old, table="t", column="c", row_id=1) == SECRET


def test_parse_accepts_standard_and_urlsafe_base64_with_or_without_padding() -> None:
    key = bytes([0xFB, 0xFF] * 16)  # encodes with + and / (or - and _)
    standard = base64.b64encode(key).decode()
    urlsafe = base64.urlsafe_b64encode(key).decode().rstrip("=")
    assert "+" in standard or "/" in standard
    for spec in (f"a:{standard}", f"a:{urlsafe}", f"  a : {standard} "):
        envelope = KeyRing.parse(spec).encrypt("x", table="t", column="c", row_id=1)
        assert KeyRing([("a", key)]).decrypt(envelope, table="t", column="c", row_id=1) == "x"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        (f"k1:{SPEC_1},", "entry 2 is empty"),
        (SPEC_1, "entry 1 must look like keyid:base64key"),
        (f":{SPEC_1}", "entry 1: key id"),
        (f"bad.id:{SPEC_1}", "entry 1: key id"),
        (f"{'k' * 33}:{SPEC_1}", "entry 1: key id"),
        ("k1:not*base64!", "not valid base64"),
        ("k1:", "not valid base64"),
        (f"k1:{base64.b64encode(bytes(16)).decode()}", "must decode to 32 bytes, got 16"),
        (f"k1:{base64.b64encode(bytes(33)).decode()}", "must decode to 32 bytes, got 33"),
        (f"k1:{SPEC_1},k1:{SPEC_2}", "'k1' appears more than once"),
        (f"k1:{SPEC_1},K1:{SPEC_2}", "'K1' appears more than once"),
    ],
)
def test_parse_errors_are_clear(spec: str, message: str) -> None:
    with pytest.raises(CryptoConfigError, match=message) as caught:
        KeyRing.parse(spec)
    assert isinstance(caught.value, ValueError)
    assert SPEC_1 not in str(caught.value)
    assert SPEC_2 not in str(caught.value)


def test_repr_hides_keys(ring: KeyRing) -> None:
    assert SPEC_1 not in repr(ring)
    assert repr(ring) == "KeyRing(current='k2', ids=['k2', 'k1'])"
    assert "k1" in ring
    assert "k3" not in ring


def test_generate_key_makes_distinct_usable_keys() -> None:
    first, second = generate_key(), generate_key()
    assert first != second
    assert len(base64.urlsafe_b64decode(first)) == 32
    ring = KeyRing.parse(f"new:{first}")
    envelope = ring.encrypt("x", table="t", column="c", row_id=1)
    assert ring.decrypt(envelope, table="t", column="c", row_id=1) == "x"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ab-12 34", "AB1234"),
        ("  AB1234\t", "AB1234"),
        ("ab\u201312\u00a034", "AB1234"),  # en dash and no-break space
        ("\uff21\uff22\uff11\uff12", "AB12"),  # full-width
        ("", ""),
    ],
)
def test_normalize_identifier(value: str, expected: str) -> None:
    assert normalize_identifier(value) == expected


def test_blind_index_matches_equivalent_inputs() -> None:
    index = BlindIndex(KEY_1)
    digest = index.digest("AB1234", column="national_id")
    assert index.digest("ab-12 34", column="national_id") == digest
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert index.digest("AB1235", column="national_id") != digest


def test_blind_index_differs_across_columns_and_keys() -> None:
    index = BlindIndex(KEY_1)
    digest = index.digest("AB1234", column="national_id")
    assert index.digest("AB1234", column="tax_id") != digest
    assert BlindIndex(KEY_2).digest("AB1234", column="national_id") != digest


def test_blind_index_parse_and_errors() -> None:
    assert BlindIndex.parse(SPEC_1).digest("x", column="c") == BlindIndex(KEY_1).digest(
        "x", column="c"
    )
    assert BlindIndex.parse(generate_key()).digest("x", column="c")
    for spec, message in [
        ("", "is empty"),
        ("***", "not valid base64"),
        (base64.b64encode(bytes(16)).decode(), "at least 32 bytes"),
    ]:
        with pytest.raises(CryptoConfigError, match=message):
            BlindIndex.parse(spec)
    with pytest.raises(ValueError, match="empty after normalisation"):
        BlindIndex(KEY_1).digest(" - ", column="c")
    assert SPEC_1 not in repr(BlindIndex(KEY_1))


@pytest.mark.parametrize(
    ("value", "visible", "expected"),
    [
        ("123456789012", 4, "••••••9012"),
        ("12345678", 4, "••••••5678"),
        ("1234567", 4, "••••••"),  # under 8 characters: nothing shown
        ("123", 4, "••••••"),  # always 6 bullets: the length is not given away
        ("", 4, "••••••"),
        ("123456789012", 0, "••••••"),
        ("123456789012", 2, "••••••12"),
        ("12345678", 8, "••••••5678"),  # never more than half
        ("  123456789012  ", 4, "••••••9012"),
    ],
)
def test_mask(value: str, visible: int, expected: str) -> None:
    assert mask(value, visible) == expected


def test_mask_default_and_negative() -> None:
    assert mask("AB1234567") == "••••••4567"
    with pytest.raises(ValueError, match="visible"):
        mask("123456789", -1)
