"""The SSRF guard: webhook URLs may only reach public addresses, unless configured otherwise.

A webhook makes the server send requests to a URL someone typed in; without
a guard that is a way to reach the loopback interface, the private network
and cloud metadata endpoints (169.254.169.254). ``check_url`` refuses URLs
that resolve to loopback, private, link-local, multicast or reserved
addresses, IPv4-mapped IPv6 included, unless ``allow_private`` is set or
the host is on the allow-list (host names or CIDR networks). The registry
calls it when a webhook is saved; the dispatcher again before every attempt,
and connects to the address it approved (``transport``), so DNS answers
that change in between (rebinding) cannot redirect a delivery.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..errors import ValidationError

__all__ = ["check_url"]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _blocked(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (address.is_loopback or address.is_private or address.is_link_local or address.is_multicast
            or address.is_reserved or address.is_unspecified)


def check_url(url: str, *, allow_private: bool = False, allow_list: Iterable[str] = ()) -> str | None:
    """400 unless ``url`` is http(s) to a public address (or one the allow-list names).

    Returns the address to connect to: the one checked here (so a DNS answer
    that changes afterwards cannot redirect the connection), or None when
    the host need not be checked (``allow_private``, or a host name on the
    allow-list).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("A webhook url must be an http or https URL with a host",
                              {"key": "url", "value": url[:200]})
    if allow_private:
        return None
    host = parts.hostname
    allowed = list(allow_list)
    if host in allowed:
        return None
    networks = []
    for item in allowed:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except OSError:
        raise ValidationError(f"The webhook host {host!r} does not resolve", {"key": "url"}) from None
    first = None
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if _blocked(address) and not any(address in network for network in networks):
            raise ValidationError(
                f"The webhook url resolves to a non-public address ({address}); set server.webhooks.allowPrivate "
                "or add it to server.webhooks.allowList to allow it", {"key": "url"})
        first = first or text
    return first
