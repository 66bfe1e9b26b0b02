"""``minikoa::ip``: refuse requests by client address (Strapi's ``strapi::ip``, koa-ip's options).

```python
{"name": "strapi::ip", "config": {"whitelist": ["10.0.0.0/8", "203.0.113.7"], "blacklist": ["10.0.9.0/24"]}}
```

* ``whitelist`` (also ``allowlist``): when given, only these addresses get
  through. ``blacklist`` (also ``denylist``): these never do, whitelisted or
  not. A refused request is Strapi's 403 ``Forbidden`` (koa-ip's
  ``ctx.throw(403)``), unless ``handler``, a function of ``ctx``, answers it
  instead; nothing deeper runs.
* An entry is an address (``203.0.113.7``, ``::1``), a CIDR network
  (``10.0.0.0/8``, ``2001:db8::/32``), or koa-ip's IPv4 shorthand written in
  Strapi projects: ``*`` for any octet and ``[a-b]`` for a range of them
  (``192.168.0.*``, ``8.8.8.[0-3]``, ``144.144.*`` for the rest). koa-ip reads
  entries as regular expressions, so ``10.0.0.1`` there also matches
  ``10.0.0.10`` and ``10.0.0.1`` hides inside ``110.0.0.1``; here every entry
  means exactly the addresses it names, and anything else is an error at
  start-up, as is an empty whitelist (it would refuse every request: leave
  the key out to allow every address).
* An IPv4 address that reaches the server as IPv6 (``::ffff:10.0.0.1``) is
  matched as the IPv4 address it carries.
* The client address is the socket's peer (``REMOTE_ADDR``). Only when
  ``config/server.py`` says a proxy is in front (``proxy: {"koa": True,
  "maxIpsCount": 1}``, as in Strapi 5; see ``minikoa.http.proxy``) is it read
  from ``X-Forwarded-For``, as Koa's ``ctx.ip`` does. An address that cannot
  be read (a Unix socket's empty peer) matches no entry.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import ForbiddenError
from ..http.context import Context
from ..http.onion import Middleware
from ..http.proxy import ProxyTrust
from .options import check_options

if TYPE_CHECKING:
    from ..app import App

__all__ = ["middleware", "AddressList"]

NAME = "minikoa::ip"
_ALIASES = {"allowlist": "whitelist", "denylist": "blacklist"}
_KNOWN = ("whitelist", "blacklist", "allowlist", "denylist", "handler")
# One octet of koa-ip's shorthand: a number, ``*``, or ``[a-b]``.
_OCTET = re.compile(r"^(?:(\d{1,3})|\*|\[(\d{1,3})-(\d{1,3})\])$")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressList:
    """Addresses, networks and IPv4 octet patterns, checked once; ``in`` tells whether an address is listed."""

    __slots__ = ("networks", "patterns")

    def __init__(self, option: str, entries: Any) -> None:
        if not isinstance(entries, (list, tuple)) or not all(isinstance(e, str) for e in entries):
            raise ValueError(f"{NAME}: option {option!r} must be a list of addresses or networks, not {entries!r}")
        self.networks: list[Network] = []
        #: per octet, the (low, high) it must lie in
        self.patterns: list[tuple[tuple[int, int], ...]] = []
        for entry in entries:
            text = entry.strip()
            if "*" in text or "[" in text:
                self.patterns.append(_pattern(option, entry))
                continue
            try:
                network = ipaddress.ip_network(text, strict=False)
            except ValueError:
                raise ValueError(f"{NAME}: option {option!r} has {entry!r}, which is not an IP address, a CIDR "
                                 "network (10.0.0.0/8) or an IPv4 pattern (192.168.0.*, 8.8.8.[0-3])") from None
            self.networks.append(network)

    def __len__(self) -> int:
        return len(self.networks) + len(self.patterns)

    def __contains__(self, address: Address | None) -> bool:
        if address is None:
            return False
        if any(address in network for network in self.networks if network.version == address.version):
            return True
        if address.version == 4 and self.patterns:
            octets = address.packed
            return any(all(lo <= o <= hi for o, (lo, hi) in zip(octets, p)) for p in self.patterns)
        return False


def _pattern(option: str, entry: str) -> tuple[tuple[int, int], ...]:
    """koa-ip's ``192.168.0.*`` / ``8.8.8.[0-3]`` as four (low, high) octet ranges; a trailing ``*``
    stands for every octet left (``144.144.*``)."""
    parts = entry.strip().split(".")
    if parts[-1] == "*" and len(parts) < 4:
        parts += ["*"] * (4 - len(parts))
    ranges: list[tuple[int, int]] = []
    for part in parts:
        match = _OCTET.match(part)
        if match is None:
            break
        number, low, high = match.groups()
        bounds = (int(number), int(number)) if number else (int(low), int(high)) if low else (0, 255)
        if not 0 <= bounds[0] <= bounds[1] <= 255:
            break
        ranges.append(bounds)
    if len(parts) != 4 or len(ranges) != 4:
        raise ValueError(f"{NAME}: option {option!r} has {entry!r}, which is not an IPv4 pattern: four octets, "
                         "each a number, * or [low-high] (192.168.0.*, 8.8.8.[0-3])")
    return tuple(ranges)


def _address(text: str) -> Address | None:
    """``text`` as an address (an IPv4-mapped IPv6 one as its IPv4), or None."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6:
        mapped = address.ipv4_mapped
        if mapped is not None:
            return mapped
    return address


def _lists(config: dict[str, Any]) -> dict[str, AddressList]:
    """``whitelist`` and ``blacklist``, each from its own key or its alias (not both)."""
    out: dict[str, AddressList] = {}
    for alias, name in _ALIASES.items():
        if alias in config and name in config:
            raise ValueError(f"{NAME}: options {name!r} and {alias!r} are the same list; give one")
        key = alias if alias in config else name
        if config.get(key) is not None:
            out[name] = AddressList(key, config[key])
    if "whitelist" in out and not out["whitelist"]:
        raise ValueError(f"{NAME}: option 'whitelist' is empty, which would refuse every request; "
                         "leave it out to allow every address")
    return out


def middleware(config: dict[str, Any], app: App) -> Middleware | None:
    """The IP filter for ``config``; None (no layer) when it lists nothing."""
    options = check_options("ip", config, _KNOWN)
    lists = _lists(options)
    handler: Callable[[Context], Any] | None = options.get("handler")
    if handler is not None and not callable(handler):
        raise ValueError(f"{NAME}: option 'handler' must be a function of ctx, not {handler!r}")
    allow, deny = lists.get("whitelist"), lists.get("blacklist")
    if allow is None and not deny:
        return None
    client_ip = ProxyTrust.from_config(app.config.get("server.proxy")).client_ip

    def ip(ctx: Context) -> Any:
        address = _address(client_ip(ctx.environ))
        if (allow is None or address in allow) and not (deny and address in deny):
            yield
            return
        if handler is None:
            raise ForbiddenError("Forbidden")
        handler(ctx)

    return ip
