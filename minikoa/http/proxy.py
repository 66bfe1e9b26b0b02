"""Whether to trust a reverse proxy's ``X-Forwarded-*`` headers, as ``config/server.py``'s ``proxy`` says.

Strapi 5 groups it under ``server.proxy``: ``{"koa": True}`` makes Koa trust
the forwarded headers, ``maxIpsCount`` keeps only that many addresses from
the end of ``X-Forwarded-For`` (the ones the deployment's own proxies
appended), and ``ipHeader`` names another header (``CF-Connecting-IP``).
Strapi 4 wrote ``proxy: True``, which still means the same as
``{"koa": True}``. Anything else, or no ``proxy`` at all, trusts nothing: a
client can write any header it likes, so only the socket's peer
(``REMOTE_ADDR``) counts.

The client address follows Koa's ``ctx.ip``: the first address of the
(trimmed) forwarded list, else the peer. Without ``maxIpsCount`` that first
address is whatever the client sent, as in Koa; set it to the number of
proxies in front of the server when an address decides anything (the ``ip``
middleware).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ProxyTrust"]


@dataclass(frozen=True)
class ProxyTrust:
    """What ``server.proxy`` trusts: ``trusted`` forwarded headers at all, how many forwarded addresses
    (``max_ips``, 0: all), and the WSGI key of the header they come in (``HTTP_X_FORWARDED_FOR``)."""

    trusted: bool = False
    max_ips: int = 0
    header: str = "HTTP_X_FORWARDED_FOR"

    @classmethod
    def from_config(cls, value: Any) -> ProxyTrust:
        """The trust ``server.proxy`` sets (True, False, None or Strapi 5's dict); ValueError for a bad value."""
        if value is None or value is False:
            return cls()
        if value is True:
            return cls(trusted=True)
        if not isinstance(value, Mapping):
            raise ValueError(f"config/server.py: proxy must be True, False or a dict like "
                             f"{{'koa': True, 'maxIpsCount': 1}}, not {value!r}")
        koa = value.get("koa", False)
        count = value.get("maxIpsCount", 0)
        header = value.get("ipHeader", "X-Forwarded-For")
        if not isinstance(koa, bool):
            raise ValueError(f"config/server.py: proxy.koa must be True or False, not {koa!r}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"config/server.py: proxy.maxIpsCount must be a whole number >= 0, not {count!r}")
        if not isinstance(header, str) or not header or not header.replace("-", "").isalnum():
            raise ValueError(f"config/server.py: proxy.ipHeader must be a header name, not {header!r}")
        return cls(trusted=koa, max_ips=count, header="HTTP_" + header.upper().replace("-", "_"))

    def client_ip(self, environ: Mapping[str, Any]) -> str:
        """The request's client address: the peer's, or the first trusted forwarded one."""
        peer: str = environ.get("REMOTE_ADDR") or ""
        if not self.trusted:
            return peer
        forwarded = environ.get(self.header)
        if not forwarded:
            return peer
        ips = [part.strip() for part in forwarded.split(",")]
        if self.max_ips:
            ips = ips[-self.max_ips:]
        return ips[0] or peer
