"""The SSRF guard: a webhook URL is read once, strictly, and may only lead to public addresses.

A webhook makes the server send requests to a URL someone typed in. Without
a guard that is a way into the loopback interface, the private network and
cloud metadata endpoints (169.254.169.254, 100.100.100.200). Two things
make a guard hard to get right, and this module answers both:

* **One reading of the URL.** URL parsers disagree at the edges (a
  backslash, userinfo, a tab, a port like ``:8o``): if the guard checks the
  host one parser sees while the HTTP client connects to the host another
  sees, the check is worthless. ``parse_url`` reads a URL by its own narrow
  rules, refuses whatever falls outside them with a 400 naming the problem,
  and gives a canonical URL (``WebhookURL.url``) that is the only thing the
  HTTP client is ever given.
* **The address checked is the address connected to.** ``approve``
  resolves the host once, checks every address, and returns the one to
  connect to; the transport connects there and never resolves the name
  itself, so DNS answers that change afterwards (rebinding) cannot redirect
  a delivery. This holds for allow-listed host names and with
  ``allowPrivate`` too: only the check is skipped then, never the pinning.

What is refused: every address that is not public, with explicit tables so
the verdict does not depend on the Python version's ``is_global`` (see
``_REFUSED``); IPv6 addresses that carry an IPv4 address (IPv4-mapped, 6to4,
NAT64, Teredo) are judged by that IPv4 address. ``server.webhooks.allowPrivate``
lets any address through; ``server.webhooks.allowList`` names the
exceptions, as host names (matched exactly against the URL's host) or CIDR
networks (matched against each address).

The registry calls ``check_url`` when a webhook is saved; the dispatcher
calls ``approve`` before every attempt.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import string
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..errors import ValidationError

__all__ = ["WebhookURL", "Approved", "Policy", "parse_url", "check_url", "approve", "refusal"]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_MAX_LENGTH = 2048
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_PORT = re.compile(r"[0-9]{1,5}")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
#: A last label that URL parsers (and ``inet_aton``) read as a number: the host is then an IPv4 address.
_NUMERIC = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)")
#: Printable ASCII but ``#`` and ``\``: what a path and query may hold as typed (anything else non-ASCII
#: is percent-encoded, the way requests would).
_PATH_SAFE = "".join(c for c in string.printable if c not in string.whitespace + "#\\")
_HINT = ("webhooks may only reach public addresses unless server.webhooks.allowPrivate is set or "
         "server.webhooks.allowList names the host or its network")


# -- reading a URL --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookURL:
    """A webhook URL as ``parse_url`` read it: the parts that are checked, and what is requested."""

    scheme: str  # "http" or "https"
    host: str  # lower-case ASCII: a DNS name (IDNA, no trailing dot), a dotted-quad IPv4 or an IPv6 address
    port: int
    path: str  # path and query, ASCII, at least "/"
    literal: Address | None  # the host as an address, when it is one

    @property
    def url(self) -> str:
        """The canonical URL: the only form the HTTP client sees (its ``Host`` header, TLS name)."""
        host = f"[{self.host}]" if isinstance(self.literal, ipaddress.IPv6Address) else self.host
        port = "" if self.port == _DEFAULT_PORTS[self.scheme] else f":{self.port}"
        return f"{self.scheme}://{host}{port}{self.path}"


def _invalid(problem: str, url: object) -> ValidationError:
    value = url[:200] if isinstance(url, str) else repr(url)[:200]
    return ValidationError(f"Invalid webhook url: {problem}", {"key": "url", "value": value})


def parse_url(url: object) -> WebhookURL:
    """Read ``url`` by these rules, or raise a 400 naming the first one it breaks.

    * a string of at most 2048 characters, with no control, format or space
      characters and no backslash anywhere;
    * the scheme ``http`` or ``https`` (any case), then ``//``;
    * an authority with no userinfo (no ``@``), a host and an optional port
      of 1 to 5 digits, 1..65535 (never empty);
    * the host: an IPv6 address in brackets (no zone), a dotted-quad IPv4
      address (four decimal numbers, no leading zeros: no ``127.1``,
      ``2130706433`` or ``0x7f.1``), or a DNS name of letters, digits and
      hyphens (upper case lowered, international labels encoded with IDNA
      2008, one trailing dot dropped);
    * no fragment (``#``: it is never sent); non-ASCII characters in the
      path and query are percent-encoded.

    Finally ``urllib.parse`` must read the same scheme, host and port.
    """
    if not isinstance(url, str):
        raise _invalid("it must be a string", url)
    if len(url) > _MAX_LENGTH:
        raise _invalid(f"it is longer than {_MAX_LENGTH} characters", url)
    for char in url:
        if char.isspace() or not char.isprintable():
            raise _invalid(f"it contains a space or control character ({char!r})", url)
    if "\\" in url:
        raise _invalid("it contains a backslash", url)
    match = _SCHEME.match(url)
    scheme = match.group(1).lower() if match else ""
    if scheme not in _DEFAULT_PORTS or not url[len(scheme) + 1:].startswith("//"):
        raise _invalid("it must start with http:// or https://", url)
    rest = url[len(scheme) + 3:]
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        raise _invalid("it may not carry a user name or password (@)", url)
    if "#" in tail:
        raise _invalid("it may not have a fragment (#), which is never sent", url)
    host_text, port = _split_authority(authority, scheme, url)
    host, literal = _host(host_text, url)
    path = quote(tail, safe=_PATH_SAFE) if tail else "/"
    parsed = WebhookURL(scheme, host, port, path if path.startswith("/") else "/" + path, literal)
    _same_for_urllib(url, parsed)
    return parsed


def _split_authority(authority: str, scheme: str, url: str) -> tuple[str, int]:
    """The host as written and the port, from ``host``, ``host:port``, ``[v6]`` or ``[v6]:port``."""
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise _invalid("an IPv6 address must be closed with ]", url)
        host, after = authority[:close + 1], authority[close + 1:]
        if after and not after.startswith(":"):
            raise _invalid("only a port may follow an IPv6 address", url)
        port_text = after[1:] if after else None
    else:
        host, colon, port_text_or_empty = authority.partition(":")
        port_text = port_text_or_empty if colon else None
    if not host:
        raise _invalid("it has no host", url)
    if port_text is None:
        return host, _DEFAULT_PORTS[scheme]
    if not port_text:
        raise _invalid("the port is empty", url)
    if not _PORT.fullmatch(port_text):
        raise _invalid(f"the port must be a number from 1 to 65535, not {port_text!r}", url)
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise _invalid(f"the port must be a number from 1 to 65535, not {port}", url)
    return host, port


def _host(text: str, url: str) -> tuple[str, Address | None]:
    """The host, normalised: an IPv6 address from ``[...]``, a dotted-quad IPv4 address or a DNS name."""
    if text.startswith("["):
        inner = text[1:-1]
        try:
            address = ipaddress.IPv6Address(inner)
        except ValueError:
            raise _invalid(f"{text} is not an IPv6 address (zones and IPvFuture are not accepted)", url) from None
        if address.scope_id is not None:
            raise _invalid(f"{text} is not an IPv6 address (zones and IPvFuture are not accepted)", url)
        return str(address), address
    name = _dns_name(text, url)
    if _NUMERIC.fullmatch(name.rsplit(".", 1)[-1]):
        try:
            address4 = ipaddress.IPv4Address(name)
        except ValueError:
            address4 = None
        if address4 is None or str(address4) != name:
            raise _invalid(f"the host {text!r} reads as an IPv4 address: write one as four decimal numbers "
                           "(a.b.c.d, no leading zeros)", url)
        return name, address4
    return name, None


def _dns_name(text: str, url: str) -> str:
    """``text`` as a lower-case ASCII DNS name, or a 400.

    International labels are encoded with IDNA 2008, label by label between
    ASCII dots, after lowering: the way urllib3 (and so requests) reads them.
    Look-alikes that other readings map (full-width letters and dots, the
    ideographic full stop) are not valid IDNA 2008 and are refused.
    """
    name = text[:-1] if text.endswith(".") else text
    labels = name.lower().split(".")
    if not name.isascii():
        # Imported here: only international names need it (a dependency of requests, which sends webhooks).
        import idna

        try:
            labels = [label if label.isascii() else idna.encode(label, strict=True, std3_rules=True).decode("ascii")
                      for label in labels]
        except (idna.IDNAError, UnicodeError, ValueError):
            raise _invalid(f"{text!r} is not a valid international domain name", url) from None
    name = ".".join(labels)
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise _invalid(f"{text!r} is not a host name (letters, digits and hyphens, labels of 1 to 63, "
                       "dots between them) nor an IP address", url)
    return name


def _same_for_urllib(url: str, parsed: WebhookURL) -> None:
    """A 400 unless ``urllib.parse`` reads the same scheme, host and port as ``parse_url``."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or _DEFAULT_PORTS.get(scheme)
        hostname = parts.hostname or ""
        if ":" in hostname:
            host = str(ipaddress.IPv6Address(hostname))
        else:
            host = _dns_name(hostname, url) if hostname else ""
    except (ValueError, ValidationError):
        scheme, host, port = "", "", None
    if (scheme, host, port) != (parsed.scheme, parsed.host, parsed.port):
        raise _invalid("URL parsers read it differently", url)


# -- judging addresses ----------------------------------------------------------------------------


def _ranges(*pairs: tuple[str, str]) -> tuple[tuple[Network, str], ...]:
    """The table, most specific network first (so the reason given is the narrowest that applies)."""
    networks = [(ipaddress.ip_network(network), why) for network, why in pairs]
    return tuple(sorted(networks, key=lambda item: -item[0].prefixlen))


#: Never public, whatever the Python version's ``ipaddress`` tables say (IANA's special-purpose registries).
_REFUSED = _ranges(
    ("0.0.0.0/8", "'this network' (0.0.0.0/8)"),
    ("10.0.0.0/8", "a private address (10.0.0.0/8)"),
    ("100.64.0.0/10", "shared address space: carrier-grade NAT and cloud metadata (100.64.0.0/10)"),
    ("127.0.0.0/8", "a loopback address (127.0.0.0/8)"),
    ("169.254.0.0/16", "a link-local address: cloud metadata (169.254.0.0/16)"),
    ("172.16.0.0/12", "a private address (172.16.0.0/12)"),
    ("192.0.0.0/24", "an IETF protocol assignment (192.0.0.0/24)"),
    ("192.0.2.0/24", "a documentation address (192.0.2.0/24)"),
    ("192.88.99.0/24", "the 6to4 relay anycast (192.88.99.0/24)"),
    ("192.168.0.0/16", "a private address (192.168.0.0/16)"),
    ("198.18.0.0/15", "a benchmarking address (198.18.0.0/15)"),
    ("198.51.100.0/24", "a documentation address (198.51.100.0/24)"),
    ("203.0.113.0/24", "a documentation address (203.0.113.0/24)"),
    ("224.0.0.0/4", "a multicast address (224.0.0.0/4)"),
    ("240.0.0.0/4", "a reserved address (240.0.0.0/4)"),
    ("::/128", "the unspecified address (::)"),
    ("::1/128", "the loopback address (::1)"),
    ("::/8", "a reserved address, IPv4-compatible ones included (::/8)"),
    ("64:ff9b:1::/48", "a local-use NAT64 address (64:ff9b:1::/48)"),
    ("100::/64", "a discard-only address (100::/64)"),
    ("2001::/23", "an IETF protocol assignment: Teredo, benchmarking, ORCHID (2001::/23)"),
    ("2001:db8::/32", "a documentation address (2001:db8::/32)"),
    ("3fff::/20", "a documentation address (3fff::/20)"),
    ("5f00::/16", "an SRv6 SID (5f00::/16)"),
    ("fc00::/7", "a unique local address (fc00::/7)"),
    ("fe80::/10", "a link-local address (fe80::/10)"),
    ("fec0::/10", "a site-local address (fec0::/10)"),
    ("ff00::/8", "a multicast address (ff00::/8)"),
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded(address: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address an IPv6 address stands for, and how it is carried, if it carries one."""
    if address.ipv4_mapped is not None:
        return "IPv4-mapped", address.ipv4_mapped
    if address.sixtofour is not None:
        return "6to4", address.sixtofour
    if address in _NAT64:
        return "NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.teredo is not None:
        return "Teredo", address.teredo[1]
    return None


def refusal(address: Address) -> str | None:
    """Why ``address`` is not a public address, or None when it is.

    An IPv6 address carrying an IPv4 address is judged by that IPv4 address
    (a Teredo address is refused whatever it carries: 2001::/32 is not
    public). Beyond the explicit table, anything ``ipaddress`` does not call
    global, or calls multicast, reserved, loopback, link-local or
    site-local, is refused.
    """
    if isinstance(address, ipaddress.IPv6Address):
        carried = _embedded(address)
        if carried is not None:
            kind, ipv4 = carried
            why = refusal(ipv4)
            if why is not None:
                return f"{kind} for {ipv4}, {why}"
            if kind != "Teredo":
                return None
    for network, why in _REFUSED:
        if address in network:
            return why
    if (not address.is_global or address.is_multicast or address.is_reserved or address.is_loopback
            or address.is_link_local or address.is_unspecified
            or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)):
        return "not a public address"
    return None


@dataclass(frozen=True)
class Policy:
    """What may be reached: ``server.webhooks.allowPrivate`` and ``allowList``, read once."""

    allow_private: bool = False
    hosts: frozenset[str] = frozenset()  # normalised like a URL's host
    networks: tuple[Network, ...] = ()

    @classmethod
    def of(cls, allow_private: bool = False, allow_list: Iterable[str] = ()) -> Policy:
        """The policy for these settings. An ``allowList`` entry is a CIDR network (or one address) or a
        host name; an entry that is neither (``*.example.com``, a URL) matches nothing."""
        hosts: set[str] = set()
        networks: list[Network] = []
        for entry in [allow_list] if isinstance(allow_list, str) else allow_list:
            if not isinstance(entry, str):
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip(), strict=False))
                continue
            except ValueError:
                pass
            try:
                hosts.add(_dns_name(entry.strip(), entry))
            except ValidationError:
                continue
        return cls(bool(allow_private), frozenset(hosts), tuple(networks))

    def exempt(self, url: WebhookURL) -> bool:
        """Whether the URL's addresses go unchecked: ``allowPrivate``, or its host named in ``allowList``."""
        return self.allow_private or url.host in self.hosts

    def allows(self, address: Address) -> bool:
        """Whether a connection may go to ``address`` (the host not being exempt)."""
        if refusal(address) is None:
            return True
        candidates: list[Address] = [address]
        if isinstance(address, ipaddress.IPv6Address) and (carried := _embedded(address)) is not None:
            candidates.append(carried[1])
        return any(candidate in network for candidate in candidates for network in self.networks
                   if candidate.version == network.version)


# -- the checks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Approved:
    """A URL approved for one attempt: what to request, and the address to connect to."""

    url: WebhookURL
    address: str  # an IP address (IPv6 with its zone, if the resolver gave one), never a name


def check_url(url: object, *, allow_private: bool = False, allow_list: Iterable[str] = ()) -> WebhookURL:
    """The check when a webhook is saved: ``url`` read by ``parse_url`` and, unless the policy exempts
    its host, every address it resolves to public (or in an allow-listed network); a 400 otherwise.

    Nothing is resolved for an exempt host: the addresses are resolved and
    pinned before each attempt (``approve``).
    """
    policy = Policy.of(allow_private, allow_list)
    parsed = parse_url(url)
    if not policy.exempt(parsed):
        _judge(parsed, policy)
    return parsed


def approve(url: object, *, allow_private: bool = False, allow_list: Iterable[str] = ()) -> Approved:
    """The check before each attempt: ``check_url``'s rules, on addresses resolved now, once.

    Returns the address to connect to: the first one the resolver gave,
    every one of them having passed. The host is resolved here even when the
    policy exempts it from the check, so that the connection never resolves
    the name again.
    """
    policy = Policy.of(allow_private, allow_list)
    parsed = parse_url(url)
    addresses = _resolve(parsed) if policy.exempt(parsed) else _judge(parsed, policy)
    return Approved(parsed, str(addresses[0]))


def _judge(url: WebhookURL, policy: Policy) -> list[Address]:
    """The addresses of ``url``'s host, every one allowed by ``policy``; a 400 naming the first that is not."""
    addresses = _resolve(url)
    for address in addresses:
        if not policy.allows(address):
            where = "is" if url.literal is not None else f"{url.host!r} resolves to"
            raise ValidationError(f"The webhook url's host {where} {address}, {refusal(address)}: {_HINT}",
                                  {"key": "url", "address": str(address)})
    return addresses


def _resolve(url: WebhookURL) -> list[Address]:
    """The host's addresses (an address host is its own), in the resolver's order, without repeats."""
    if url.literal is not None:
        return [url.literal]
    try:
        infos = socket.getaddrinfo(url.host, url.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        infos = []
    found: list[Address] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        try:
            address = ipaddress.ip_address(str(sockaddr[0]))
        except ValueError:
            continue
        if address not in found:
            found.append(address)
    if not found:
        raise ValidationError(f"The webhook url's host {url.host!r} does not resolve", {"key": "url"})
    return found
