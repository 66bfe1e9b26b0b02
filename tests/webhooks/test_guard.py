"""The SSRF guard: one strict reading of a webhook URL, the addresses refused, the allow-list, and the
connection always going to the address the guard approved (at save time, at send time, through the
registry and the admin API, and in real deliveries to a receiver on 127.0.0.1).

DNS answers are simulated by replacing ``socket.getaddrinfo`` (``FakeDNS``): it stands in for the
resolver, not for the code under test. Names under ``.test`` are answered from its script; anything
else (the IP literals urllib3 connects to) goes to the real function. No test touches an address
other than 127.0.0.1: a connection to any other address is refused by the fake before it is made.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from typing import Any
from urllib.parse import urlsplit

import idna
import pytest
import requests
import urllib3
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from minikoa.errors import ValidationError
from minikoa.webhooks import check_url
from minikoa.webhooks.guard import Policy, approve, parse_url, refusal
from minikoa.webhooks.transport import UnpinnedConnection, new_session
from tests.receiver import wait_until


@pytest.fixture
def database_config(tmp_path):
    """What this module checks (the HTTP side of webhooks) does not depend on the database: SQLite only,
    where the rest of the webhook suite runs on PostgreSQL too."""
    return lambda name="data.db": {"connection": {"filename": str(tmp_path / name)}}

AUTH = {"Authorization": "Bearer t"}


class FakeDNS:
    """``socket.getaddrinfo`` with scripted answers for some names, and a log of every lookup.

    ``script(name, first, second, ...)``: each lookup of ``name`` takes the next answer (a string or a
    tuple of addresses); the last one then stays. Any other name does not resolve (no real DNS query is
    ever made); IP literals go to the real function. ``unreachable(address)``: a connection to that
    literal fails at once (the tests never leave 127.0.0.1).
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.real = socket.getaddrinfo
        self.scripts: dict[str, list[tuple[str, ...]]] = {}
        self.blocked: set[str] = set()
        self.lookups: list[str] = []
        self.lock = threading.Lock()
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)

    def script(self, name: str, *answers: str | tuple[str, ...]) -> None:
        with self.lock:
            self.scripts[name] = [(a,) if isinstance(a, str) else tuple(a) for a in answers]

    def unreachable(self, address: str) -> None:
        self.blocked.add(address)

    def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        with self.lock:
            self.lookups.append(host)
            answers = self.scripts.get(host)
            answer = None if answers is None else answers.pop(0) if len(answers) > 1 else answers[0]
        if host in self.blocked:
            raise ConnectionRefusedError(f"{host} is not reachable from the tests")
        if answer is None:
            try:
                ipaddress.ip_address(host)
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            return self.real(host, port, *args, **kwargs)
        return [(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, port, 0, 0)) if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, port)) for a in answer]

    def count(self, name: str, since: int = 0) -> int:
        with self.lock:
            return self.lookups[since:].count(name)


@pytest.fixture
def dns(monkeypatch):
    return FakeDNS(monkeypatch)


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as err:
        call(*args, **kwargs)
    assert err.value.status == 400
    return err.value.message


# -- reading a URL ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url,parts,canonical", [
    ("http://hooks.example.com/strapi", ("http", "hooks.example.com", 80, "/strapi"), "http://hooks.example.com/strapi"),
    ("HTTPS://Hooks.Example.COM./a?b=1&c", ("https", "hooks.example.com", 443, "/a?b=1&c"),
     "https://hooks.example.com/a?b=1&c"),
    ("https://hooks.example.com:443", ("https", "hooks.example.com", 443, "/"), "https://hooks.example.com/"),
    ("http://hooks.example.com:8080?x", ("http", "hooks.example.com", 8080, "/?x"), "http://hooks.example.com:8080/?x"),
    ("http://hooks.example.com:080/", ("http", "hooks.example.com", 80, "/"), "http://hooks.example.com/"),
    ("http://93.184.216.34:9/h", ("http", "93.184.216.34", 9, "/h"), "http://93.184.216.34:9/h"),
    ("http://[2606:4700:4700:0::1111]/h", ("http", "2606:4700:4700::1111", 80, "/h"),
     "http://[2606:4700:4700::1111]/h"),
    ("http://BÜCHER.de/x", ("http", "xn--bcher-kva.de", 80, "/x"), "http://xn--bcher-kva.de/x"),
    ("http://Bücher.Example/", ("http", "xn--bcher-kva.example", 80, "/"), "http://xn--bcher-kva.example/"),
    ("http://\u212aelvin.example/", ("http", "kelvin.example", 80, "/"), "http://kelvin.example/"),  # Kelvin sign
    ("http://hooks.example.com/café?q=ü", ("http", "hooks.example.com", 80, "/caf%C3%A9?q=%C3%BC"),
     "http://hooks.example.com/caf%C3%A9?q=%C3%BC"),
    ("http://hooks.example.com/a/@me/%2e%2e", ("http", "hooks.example.com", 80, "/a/@me/%2e%2e"),
     "http://hooks.example.com/a/@me/%2e%2e"),
])
def test_parse_url_reads_the_parts_and_gives_one_canonical_url(url, parts, canonical):
    parsed = parse_url(url)
    assert (parsed.scheme, parsed.host, parsed.port, parsed.path) == parts
    assert parsed.url == canonical
    assert parse_url(canonical) == parsed  # canonical is a fixed point


#: URLs that URL parsers (urllib.parse, urllib3/requests, browsers) could read differently, or that are
#: not a plain http(s) URL to a host: refused whatever the settings, with the problem named.
MALFORMED = [
    ("http://127.0.0.1:19556\\@hooks.example.com/", "backslash"),
    ("http:\\\\hooks.example.com/", "backslash"),
    ("http://hooks.example.com\\@127.0.0.1/", "backslash"),
    ("http://user@hooks.example.com/", "user name or password"),
    ("http://user:pass@hooks.example.com/", "user name or password"),
    ("http://@hooks.example.com/", "user name or password"),
    ("http://hooks.example.com@127.0.0.1/", "user name or password"),
    ("http://hooks.example.com%40127.0.0.1/", "not a host name"),
    ("http://hooks.exa\tmple.com/", "space or control character"),
    ("http://hooks.example.com/\nX-Injected: 1", "space or control character"),
    ("http://hooks.example.com\r\n/", "space or control character"),
    (" http://hooks.example.com/", "space or control character"),
    ("http://hooks.example.com /", "space or control character"),
    ("http://hooks.example.com/\x00", "space or control character"),
    ("http://hooks\u200b.example.com/", "space or control character"),
    ("http://hooks.example.com\u3000/", "space or control character"),
    ("http://hooks.example.com:/", "port is empty"),
    ("http://hooks.example.com:0/", "port must be a number from 1 to 65535"),
    ("http://hooks.example.com:65536/", "port must be a number from 1 to 65535"),
    ("http://hooks.example.com:99999999/", "port must be a number from 1 to 65535"),
    ("http://hooks.example.com:8o/", "port must be a number from 1 to 65535"),
    ("http://hooks.example.com:+80/", "port must be a number from 1 to 65535"),
    ("http://hooks.example.com:-1/", "port must be a number from 1 to 65535"),
    ("http://hooks.example.com:\u0668\u0660/", "port must be a number from 1 to 65535"),  # Arabic-Indic 80
    ("http://hooks.example.com:80:80/", "port must be a number from 1 to 65535"),
    ("http://[::1]x/", "only a port may follow"),
    ("http://[::1/", "must be closed"),
    ("http://::1/", "no host"),
    ("http://[::1%25lo]/", "not an IPv6 address"),
    ("http://[v1.x]/", "not an IPv6 address"),
    ("http://[127.0.0.1]/", "not an IPv6 address"),
    ("http://2130706433/", "reads as an IPv4 address"),
    ("http://0x7f000001/", "reads as an IPv4 address"),
    ("http://0x7f.1/", "reads as an IPv4 address"),
    ("http://127.1/", "reads as an IPv4 address"),
    ("http://0177.0.0.1/", "reads as an IPv4 address"),
    ("http://127.0.0.1.5/", "reads as an IPv4 address"),
    ("http://%31%32%37.0.0.1/", "not a host name"),
    ("http://hooks_1.example.com/", "not a host name"),
    ("http://-hooks.example.com/", "not a host name"),
    ("http://hooks..example.com/", "not a host name"),
    ("http://*.example.com/", "not a host name"),
    (f"http://{'a' * 64}.example.com/", "not a host name"),
    ("http://a\uff0fb.example.com/", "not a valid international domain name"),
    ("http://exa\u3002mple.com/", "not a valid international domain name"),  # an ideographic full stop
    ("http://\uff45xample.com/", "not a valid international domain name"),  # a full-width e
    ("http://exa\uff0emple.com/", "not a valid international domain name"),  # a full-width full stop
    ("http://hooks.example.com/#frag", "fragment"),
    ("http:/hooks.example.com/", "must start with http:// or https://"),
    ("http:hooks.example.com", "must start with http:// or https://"),
    ("//hooks.example.com/", "must start with http:// or https://"),
    ("hooks.example.com/hook", "must start with http:// or https://"),
    ("ftp://hooks.example.com/", "must start with http:// or https://"),
    ("file:///etc/passwd", "must start with http:// or https://"),
    ("gopher://127.0.0.1/", "must start with http:// or https://"),
    ("javascript:alert(1)", "must start with http:// or https://"),
    ("http://", "no host"),
    ("http:///hook", "no host"),
    ("", "must start with http:// or https://"),
    ("http://hooks.example.com/" + "a" * 2048, "longer than 2048"),
]


@pytest.mark.parametrize("url,problem", MALFORMED, ids=[repr(u)[1:40] for u, _ in MALFORMED])
def test_parse_url_refuses_what_parsers_could_read_differently(url, problem):
    message = refused(parse_url, url)
    assert message.startswith("Invalid webhook url: ") and problem in message, message
    for settings_ in ({"allow_private": True}, {"allow_list": ["hooks.example.com", "127.0.0.0/8"]}):
        assert refused(check_url, url, **settings_) == message
        assert refused(approve, url, **settings_) == message


def test_a_url_that_is_not_a_string_is_a_400():
    for value in (None, 5, b"http://hooks.example.com/", ["http://hooks.example.com/"]):
        assert "must be a string" in refused(parse_url, value)


# Delimiters, look-alikes and digits: where URL parsers part ways.
_URL_ALPHABET = "ab.-:/@\\?#[]%!$&'()*+,;=~_0179fx \t\n\r\x00\u3002\uff0e\uff0f\uff20\u0660\u00e9\u00dc\u212a"
_NOISE = st.one_of(st.just(""), st.just(""), st.text(alphabet=_URL_ALPHABET, max_size=5))
#: URL-shaped strings: a scheme, a host, a port and a path, each perhaps written oddly, with noise between.
_URLS = st.tuples(
    st.sampled_from(["http://", "https://", "HTTP://", "hTTps://", "http:/", "http:\\\\", "http:", "ftp://"]),
    _NOISE,
    st.sampled_from(["hooks.example.com", "Hooks.Example.COM.", "127.0.0.1", "93.184.216.34", "[::1]",
                     "[::ffff:7f00:1]", "[2606:4700:4700::1111]", "bücher.de", "exa\u3002mple.com", "xn--bcher-kva.de",
                     "\u212aelvin.de", "a", "2130706433", "0x7f.1", ""]),
    _NOISE,
    st.sampled_from(["", ":", ":80", ":443", ":8080", ":65535", ":0", ":65536", ":080", ":8o"]),
    _NOISE,
    st.sampled_from(["", "/", "/hook", "/a?b=c", "?q", "/@me", "/%2e%2e/x", "/café"]),
    _NOISE,
).map("".join)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_URLS, st.tuples(st.sampled_from(["http://", "https://"]),
                                  st.text(alphabet=_URL_ALPHABET, max_size=24)).map("".join)))
@example("http://127.0.0.1:19556\\@hooks.example.com/")
@example("http://hooks.example.com:80/x?y")
@example("http://[::1]:8080/")
@example("https://a.b:443/")
def test_what_parse_url_accepts_every_parser_reads_alike(url):
    """Whenever ``parse_url`` accepts a URL, urllib.parse, urllib3 and requests read the same scheme, host
    and port from it, and from its canonical form (the one the transport sends)."""
    try:
        parsed = parse_url(url)
    except ValidationError:
        return
    expected = (parsed.scheme, parsed.host, parsed.port)

    def host_of(text: str | None) -> str:
        text = (text or "").strip("[]").rstrip(".").lower()
        try:
            return str(ipaddress.ip_address(text))
        except ValueError:
            return text if text.isascii() else idna.encode(text, uts46=True).decode("ascii")

    defaults = {"http": 80, "https": 443}
    for candidate in (url, parsed.url):
        split = urlsplit(candidate)
        assert (split.scheme.lower(), host_of(split.hostname), split.port or defaults[split.scheme.lower()]) \
            == expected, candidate
        u3 = urllib3.util.parse_url(candidate)
        assert (u3.scheme, host_of(u3.host), u3.port or defaults[str(u3.scheme)]) == expected, candidate
        sent = urllib3.util.parse_url(requests.Request("POST", candidate).prepare().url)
        assert (sent.scheme, host_of(sent.host), sent.port or defaults[str(sent.scheme)]) == expected, candidate


# -- the addresses refused --------------------------------------------------------------------------

#: Every class of address that is not public, as (address, what the message names).
NOT_PUBLIC = [
    ("100.100.100.200", "100.64.0.0/10"),  # Alibaba Cloud metadata
    ("100.64.0.1", "100.64.0.0/10"),
    ("2002:7f00:1::", "6to4 for 127.0.0.1"),
    ("2002:a9fe:a9fe::1", "6to4 for 169.254.169.254"),
    ("fec0::1", "site-local"),
    ("::ffff:127.0.0.1", "IPv4-mapped for 127.0.0.1"),
    ("::ffff:169.254.169.254", "IPv4-mapped for 169.254.169.254"),
    ("::ffff:100.100.100.200", "IPv4-mapped for 100.100.100.200"),
    ("64:ff9b::7f00:1", "NAT64 for 127.0.0.1"),
    ("64:ff9b::a00:1", "NAT64 for 10.0.0.1"),
    ("64:ff9b:1::5db8:d822", "local-use NAT64"),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo for 127.0.0.1"),
    ("2001:0:4136:e378:8000:63bf:a247:27dd", "Teredo"),  # carrying the public 93.184.216.34: still refused
    ("0.0.0.0", "0.0.0.0/8"),
    ("0.1.2.3", "0.0.0.0/8"),
    ("169.254.169.254", "169.254.0.0/16"),
    ("192.0.2.1", "documentation"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.254", "benchmarking"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("127.0.0.1", "loopback"),
    ("127.255.0.1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.10", "private"),
    ("192.0.0.9", "IETF protocol assignment"),
    ("192.88.99.1", "6to4 relay"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("::127.0.0.1", "IPv4-compatible"),
    ("100::1", "discard"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("2001:2::1", "IETF protocol assignment"),
    ("5f00::1", "SRv6"),
    ("fc00::1", "unique local"),
    ("fd12:3456::1", "unique local"),
    ("fe80::1", "link-local"),
    ("ff02::1", "multicast"),
    ("ff0e::1", "multicast"),
]
PUBLIC = ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34", "2002:5db8:d822::1",
          "64:ff9b::5db8:d822", "100.63.255.255", "100.128.0.1", "172.32.0.1", "198.20.0.1", "223.255.255.254"]


def literal(address: str) -> str:
    return f"http://[{address}]:8080/hook" if ":" in address else f"http://{address}:8080/hook"


@pytest.mark.parametrize("address,why", NOT_PUBLIC)
def test_every_address_that_is_not_public_is_refused_as_a_literal(address, why):
    assert why in refusal(ipaddress.ip_address(address))
    message = refused(check_url, literal(address))
    assert why in message and str(ipaddress.ip_address(address)) in message and "allowPrivate" in message
    refused(approve, literal(address))
    assert check_url(literal(address), allow_private=True).port == 8080  # allowed on request
    assert approve(literal(address), allow_private=True).address == str(ipaddress.ip_address(address))


@pytest.mark.parametrize("address,why", NOT_PUBLIC)
def test_every_address_that_is_not_public_is_refused_behind_a_name(dns, address, why):
    dns.script("hooks.test", address)
    message = refused(check_url, "https://hooks.test/hook")
    assert "'hooks.test' resolves to" in message and why in message
    refused(approve, "https://hooks.test/hook")
    # One bad answer among good ones is enough.
    dns.script("mixed.test", ("93.184.216.34", address))
    assert why in refused(check_url, "https://mixed.test/hook")


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(dns, address):
    assert refusal(ipaddress.ip_address(address)) is None
    check_url(literal(address))
    dns.script("hooks.test", address)
    assert approve("https://hooks.test/hook").address == str(ipaddress.ip_address(address))


@pytest.mark.parametrize("url", ["http://localhost/hook", "http://LOCALHOST:3000/hook", "http://localhost./hook"])
def test_localhost_is_refused_unless_allowed(url):
    """The real resolver (the hosts file) this time: localhost is loopback."""
    assert "loopback" in refused(check_url, url)
    check_url(url, allow_list=["localhost"])
    check_url(url, allow_private=True)
    assert ipaddress.ip_address(approve(url, allow_list=["localhost"]).address).is_loopback


def test_a_name_that_does_not_resolve_is_a_400(dns):
    assert "does not resolve" in refused(check_url, "http://nowhere.invalid/hook")
    # Nothing to check with allowPrivate, so saving it is fine; an attempt needs an address all the same.
    check_url("http://nowhere.invalid/hook", allow_private=True)
    assert "does not resolve" in refused(approve, "http://nowhere.invalid/hook", allow_private=True)


# -- the allow-list --------------------------------------------------------------------------------


def test_allow_list_networks_admit_their_addresses_only(dns):
    check_url("http://10.1.2.3/hook", allow_list=["10.0.0.0/8"])
    check_url("http://[::1]/hook", allow_list=["::1/128"])
    check_url("http://127.0.0.1:9/hook", allow_list=["127.0.0.1"])  # one address is a /32
    check_url("http://[::ffff:10.1.2.3]/hook", allow_list=["10.0.0.0/8"])  # the IPv4 it stands for
    dns.script("lan.test", "10.9.9.9")
    assert approve("http://lan.test/hook", allow_list=["10.0.0.0/8"]).address == "10.9.9.9"
    refused(check_url, "http://127.0.0.1/hook", allow_list=["10.0.0.0/8", "not-a-network/99"])
    refused(check_url, "http://169.254.169.254/", allow_list=["127.0.0.0/8"])
    dns.script("mixed.test", ("10.9.9.9", "192.168.0.1"))
    refused(check_url, "http://mixed.test/hook", allow_list=["10.0.0.0/8"])


def test_allow_list_host_names_match_the_parsed_host_exactly(dns):
    dns.script("hooks.test", "127.0.0.1")
    for entry in ("hooks.test", "HOOKS.test", "hooks.test."):
        check_url("http://hooks.test/hook", allow_list=[entry])
        check_url("http://Hooks.Test./hook", allow_list=[entry])
        assert approve("http://hooks.test/hook", allow_list=[entry]).address == "127.0.0.1"
    for name in ("evil-hooks.test", "hooks.test.evil.test", "a.hooks.test"):
        dns.script(name, "127.0.0.1")
        refused(check_url, f"http://{name}/hook", allow_list=["hooks.test"])
    refused(check_url, "http://hooks.test/hook", allow_list=["*.test", "http://hooks.test/", "test"])
    dns.script("xn--bcher-kva.test", "127.0.0.1")
    check_url("http://bücher.test/", allow_list=["BÜCHER.test"])  # international names compared normalised
    check_url("http://xn--bcher-kva.test/", allow_list=["bücher.test"])


def test_an_allow_listed_name_is_not_resolved_when_saved_but_is_when_sent(dns):
    check_url("http://hooks.test/hook", allow_list=["hooks.test"])
    assert dns.count("hooks.test") == 0
    dns.script("hooks.test", "10.0.0.5")
    assert approve("http://hooks.test/hook", allow_list=["hooks.test"]).address == "10.0.0.5"
    assert dns.count("hooks.test") == 1


def test_policy_of_settings():
    policy = Policy.of(False, ["Hooks.Example.COM.", "10.0.0.0/8", "fd00::/8", "::1", "*.bad", "", 5])
    assert policy.hosts == frozenset({"hooks.example.com"})
    assert [str(n) for n in policy.networks] == ["10.0.0.0/8", "fd00::/8", "::1/128"]
    assert Policy.of(False, "10.0.0.0/8").networks == (ipaddress.ip_network("10.0.0.0/8"),)  # one string: one entry


# -- refused when saved: the registry and the admin API -------------------------------------------

STRICT = {"allowPrivate": False, "allowList": ["hooks.example.com"]}
SAVE_REFUSED = [u for u, _ in MALFORMED if u and len(u) < 300] + [
    "http://[::1]:80/", "http://[::ffff:127.0.0.1]/", "http://100.100.100.200/latest/meta-data/",
    "http://[2002:7f00:1::]/", "http://[fec0::1]/", "http://169.254.169.254/", "http://0.0.0.0:19556/",
    "http://metadata.test/", "http://sixtofour.test/",
]


@pytest.fixture
def strict_app(make_app, dns):
    dns.script("hooks.example.com", "93.184.216.34")
    dns.script("metadata.test", "100.100.100.200")
    dns.script("sixtofour.test", "2002:7f00:1::")
    return make_app(STRICT, admin=True)


@pytest.mark.parametrize("url", SAVE_REFUSED, ids=[repr(u)[1:40] for u in SAVE_REFUSED])
def test_refused_when_saved_through_the_registry(strict_app, url):
    app = strict_app
    refused(app.webhooks.create, name="x", url=url, events=["entry.create"])
    assert app.webhooks.list() == []
    hook = app.webhooks.create(name="ok", url="https://hooks.example.com/hook", events=["entry.create"])
    refused(app.webhooks.update, hook["id"], url=url)
    assert app.webhooks.get(hook["id"])["url"] == "https://hooks.example.com/hook"


@pytest.mark.parametrize("url", SAVE_REFUSED, ids=[repr(u)[1:40] for u in SAVE_REFUSED])
def test_refused_when_saved_through_the_admin_api(strict_app, url):
    client = strict_app.test_client()
    res = client.post("/admin/webhooks", json={"data": {"name": "x", "url": url, "events": ["entry.create"]}},
                      headers=AUTH)
    assert res.status_code == 400, res.get_data(as_text=True)
    error = res.get_json()["error"]
    assert error["name"] == "ValidationError" and error["details"]["key"] == "url"
    assert error["message"].startswith(("Invalid webhook url: ", "The webhook url's host"))
    assert strict_app.webhooks.list() == []
    created = client.post("/admin/webhooks", headers=AUTH, json={"data": {
        "name": "ok", "url": "https://hooks.example.com/hook", "events": ["entry.create"]}})
    assert created.status_code == 201
    hook_id = created.get_json()["data"]["id"]
    res = client.put(f"/admin/webhooks/{hook_id}", json={"data": {"url": url}}, headers=AUTH)
    assert res.status_code == 400 and res.get_json()["error"]["details"]["key"] == "url"


@pytest.mark.parametrize("url", [u for u, _ in MALFORMED][:20])
def test_malformed_urls_are_refused_with_allow_private_too(make_app, url):
    app = make_app({"allowPrivate": True})
    refused(app.webhooks.create, name="x", url=url, events=["entry.create"])
    assert app.webhooks.list() == []


def test_the_url_is_stored_as_given(strict_app):
    hook = strict_app.webhooks.create(name="ok", url="HTTPS://Hooks.Example.COM./a?b", events=["entry.create"])
    assert hook["url"] == "HTTPS://Hooks.Example.COM./a?b"


# -- pinning: the address approved is the address connected to --------------------------------------


def attempts(app, hook_id, count=1):
    return wait_until(lambda: len(app.webhooks.deliveries(hook_id)) >= count and app.webhooks.deliveries(hook_id),
                      10, message=lambda: f"{count} attempt(s), have {app.webhooks.deliveries(hook_id)}")


@pytest.mark.parametrize("webhooks", [
    {"allowPrivate": True},
    {"allowPrivate": False, "allowList": ["127.0.0.0/8"]},
    {"allowPrivate": False, "allowList": ["hooks.test"]},
], ids=["allowPrivate", "allowList-network", "allowList-name"])
def test_a_delivery_goes_to_the_address_checked_even_when_dns_changes(make_app, receiver, dns, webhooks):
    """The name resolves to 127.0.0.1 (the receiver) when checked, and to 127.0.0.2 (nobody listens there)
    on any later lookup: the attempt goes to the approved 127.0.0.1, resolving the name once, and still
    names the host in ``Host``."""
    app = make_app({**webhooks, "schedule": []})
    dns.script("hooks.test", "127.0.0.1")
    hook = app.webhooks.create(name="pinned", url=f"http://hooks.test:{receiver.port}/hook", events=["x.y"])
    dns.script("hooks.test", "127.0.0.1", "127.0.0.2")  # changes right after the next lookup
    before = len(dns.lookups)
    app.webhooks.trigger(hook["id"])
    (hit,) = receiver.wait_for(1)
    assert hit.event == "trigger-test" and hit.headers["host"] == f"hooks.test:{receiver.port}"
    (attempt,) = attempts(app, hook["id"])
    assert attempt["statusCode"] == 200 and attempt["error"] is None
    assert dns.count("hooks.test", before) == 1  # the guard's lookup; the connection resolved no name
    assert dns.lookups[before:] == ["hooks.test", "127.0.0.1"]  # then urllib3 opens the approved literal


def test_rebinding_after_the_check_cannot_reach_loopback(make_app, receiver, dns):
    """The other way round: public when checked, loopback afterwards. The connection goes to the public
    address approved (refused here by the fake, standing in for a host the tests may not reach), never to
    the receiver on 127.0.0.1."""
    dns.script("rebind.test", "93.184.216.34", "127.0.0.1")
    dns.unreachable("93.184.216.34")
    app = make_app({"allowPrivate": False, "timeout": 2, "schedule": []})
    hook = app.webhooks.create(name="rebind", url=f"http://rebind.test:{receiver.port}/hook", events=["x.y"])
    dns.script("rebind.test", "93.184.216.34", "127.0.0.1")
    before = len(dns.lookups)
    app.webhooks.trigger(hook["id"])
    (attempt,) = attempts(app, hook["id"])
    assert attempt["statusCode"] is None and "ConnectionError" in attempt["error"]
    assert dns.lookups[before:] == ["rebind.test", "93.184.216.34"]
    assert receiver.hits() == []


def test_a_name_that_now_resolves_to_a_private_address_is_refused_at_send_time(make_app, receiver, dns):
    dns.script("hooks.test", "93.184.216.34")
    app = make_app({"allowPrivate": False, "schedule": [0.05]})
    hook = app.webhooks.create(name="moved", url=f"http://hooks.test:{receiver.port}/hook", events=["x.y"])
    dns.script("hooks.test", "127.0.0.1")  # the DNS record changed after the webhook was saved
    app.webhooks.trigger(hook["id"])
    logged = attempts(app, hook["id"], 2)
    assert [a["attempt"] for a in logged] == [2, 1]
    for attempt in logged:
        assert attempt["statusCode"] is None
        assert attempt["error"].startswith("refused: The webhook url's host 'hooks.test' resolves to 127.0.0.1")
    wait_until(lambda: app.webhooks.queued(hook["id"])[0]["status"] == "failed")
    assert receiver.hits() == []
    assert dns.count("127.0.0.1") == 0  # no connection was even attempted


class ClientHelloCatcher:
    """A TCP server on 127.0.0.1 that keeps the first bytes of each connection (a TLS ClientHello) and
    hangs up."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(10)
        self.port = self.server.getsockname()[1]
        self.hellos: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.server.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            self.hellos.append(conn.recv(16384))

    def close(self) -> None:
        self.server.close()
        self.thread.join(10)


@pytest.mark.parametrize("allow", ["127.0.0.0/8", "hooks.test"])
def test_https_to_a_pinned_address_sends_the_host_name_for_tls(make_app, dns, allow):
    """SNI (and so the certificate check) uses the name from the URL, not the pinned address."""
    catcher = ClientHelloCatcher()
    try:
        dns.script("hooks.test", "127.0.0.1")
        app = make_app({"allowPrivate": False, "allowList": [allow], "schedule": []})
        hook = app.webhooks.create(name="tls", url=f"https://hooks.test:{catcher.port}/hook", events=["x.y"])
        app.webhooks.trigger(hook["id"])
        (attempt,) = attempts(app, hook["id"])
        assert attempt["statusCode"] is None and attempt["error"]  # the catcher hangs up mid-handshake
        (hello,) = catcher.hellos
        assert hello[:1] == b"\x16" and b"hooks.test" in hello  # a TLS handshake naming the host
    finally:
        catcher.close()


def test_no_connection_without_an_approved_address(receiver):
    """The delivery session connects only inside ``transport.post``, to the address given there."""
    session = new_session()
    with pytest.raises(UnpinnedConnection):
        session.post(receiver.url(), data=b"{}", timeout=5)
    session.close()
    assert receiver.hits() == []
