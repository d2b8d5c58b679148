"""The client's network address, as far as it can be known: the TCP peer, or what trusted
reverse proxies say in X-Forwarded-For. Sign-in throttling and the audit trail key on it,
so a client must not be able to choose it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from crm_graphql.core.settings import Network


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(value: str, proxies: Sequence[Network]) -> bool:
    address = _parse(value)
    return address is not None and any(address in network for network in proxies)


def client_address(peer: str, forwarded_for: Iterable[str], proxies: Sequence[Network]) -> str:
    """The nearest address no trusted proxy stands for.

    X-Forwarded-For is read from the right: each trusted proxy appends the address it saw,
    so the rightmost entries are true as long as the peer that wrote them is trusted;
    anything further left was written by the client and may be forged. An entry that is not
    an address stops the walk (a trusted proxy writes addresses only). Without trusted
    proxies the header is ignored: anyone can send it."""
    current = peer
    if not proxies:
        return current
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(current, proxies):
            break
        address = _parse(hop)
        if address is None:
            break
        current = str(address)
    return current
