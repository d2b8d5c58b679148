"""CRM_TRUSTED_PROXIES and the client address read from X-Forwarded-For."""

from __future__ import annotations

import ipaddress

import pytest

from crm_graphql.core.addresses import client_address
from crm_graphql.core.settings import Settings, SettingsError

PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1"))


def test_trusted_proxies_are_parsed_and_bad_ones_refused() -> None:
    settings = Settings.from_env({"CRM_TRUSTED_PROXIES": "10.0.0.0/8, ::1"})
    assert settings.trusted_proxies == PROXIES
    assert Settings.from_env({}).trusted_proxies == ()
    with pytest.raises(SettingsError, match="CRM_TRUSTED_PROXIES"):
        Settings.from_env({"CRM_TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal"})


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),  # untrusted peer: header ignored
        ("10.1.2.3", ["198.51.100.1"], "198.51.100.1"),
        ("10.1.2.3", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),  # forged left part ignored
        ("10.1.2.3", ["198.51.100.1, 10.9.9.9"], "198.51.100.1"),  # two trusted hops
        ("10.1.2.3", ["198.51.100.1", "10.9.9.9"], "198.51.100.1"),  # two header lines
        ("10.1.2.3", ["not-an-ip, 10.9.9.9"], "10.9.9.9"),  # garbage stops the walk
        ("10.1.2.3", [], "10.1.2.3"),
        ("::1", ["[2001:db8::5]"], "2001:db8::5"),
    ],
)
def test_client_address(peer: str, forwarded: list[str], expected: str) -> None:
    assert client_address(peer, forwarded, PROXIES) == expected


def test_without_trusted_proxies_the_header_counts_for_nothing() -> None:
    assert client_address("10.1.2.3", ["198.51.100.1"], ()) == "10.1.2.3"
