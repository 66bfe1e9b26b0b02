"""minikoa::ip: allow and deny lists by client address (Strapi's strapi::ip, koa-ip's options)."""

import pytest

from minikoa import App
from minikoa.middlewares.ip import middleware


def client_for(config, server=None):
    app = App(config={"server": server} if server is not None else None)
    app.use("strapi::ip", config)
    app.get("/")(lambda ctx: {"ok": True})
    return app.test_client()


def status(client, address, **headers):
    return client.get("/", environ_base={"REMOTE_ADDR": address}, headers=headers).status_code


@pytest.mark.parametrize("config, allowed, refused", [
    ({"whitelist": ["10.0.0.1"]}, ["10.0.0.1", "::ffff:10.0.0.1"], ["10.0.0.10", "110.0.0.1", "10.0.0.2", ""]),
    ({"allowlist": ["10.0.0.0/8", "::1"]}, ["10.9.8.7", "::1"], ["11.0.0.1", "::2", "127.0.0.1"]),
    ({"blacklist": ["127.0.0.1"]}, ["127.0.0.2", "::1", ""], ["127.0.0.1", "::ffff:127.0.0.1"]),
    ({"denylist": ["2001:db8::/32"]}, ["2001:db9::1", "192.0.2.1"], ["2001:db8::5"]),
    ({"whitelist": ["10.0.0.0/8"], "blacklist": ["10.0.9.0/24"]}, ["10.0.8.1"], ["10.0.9.1", "192.168.0.1"]),
    ({"whitelist": ["192.168.0.*", "8.8.8.[0-3]"]}, ["192.168.0.200", "8.8.8.3"], ["192.168.1.1", "8.8.8.4"]),
    ({"blacklist": ["144.144.*"]}, ["144.145.0.1"], ["144.144.7.9"]),
])
def test_lists(config, allowed, refused):
    client = client_for(config)
    for address in allowed:
        assert status(client, address) == 200, address
    for address in refused:
        assert status(client, address) == 403, address


def test_refusal_is_strapis_403_and_a_handler_may_answer_instead():
    client = client_for({"blacklist": ["127.0.0.1"]})
    res = client.get("/", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert res.json == {"data": None, "error": {"status": 403, "name": "ForbiddenError", "message": "Forbidden",
                                                "details": {}}}

    def teapot(ctx):
        ctx.status = 418
        ctx.body = {"go": "away"}

    client = client_for({"blacklist": ["127.0.0.1"], "handler": teapot})
    res = client.get("/", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert res.status_code == 418 and res.json == {"go": "away"}


def test_forwarded_for_counts_only_behind_a_trusted_proxy():
    refused = {"blacklist": ["203.0.113.9"]}
    # No proxy configured: the header is the client's to write, so it changes nothing.
    client = client_for(refused)
    assert status(client, "127.0.0.1", **{"X-Forwarded-For": "203.0.113.9"}) == 200
    assert status(client, "203.0.113.9", **{"X-Forwarded-For": "10.0.0.1"}) == 403
    # Strapi 4's proxy: true and Strapi 5's {koa: true}: Koa's ctx.ip, the first forwarded address.
    for proxy in (True, {"koa": True}):
        client = client_for(refused, {"proxy": proxy})
        assert status(client, "127.0.0.1", **{"X-Forwarded-For": "203.0.113.9, 10.0.0.2"}) == 403
        assert status(client, "127.0.0.1", **{"X-Forwarded-For": "10.0.0.2"}) == 200
        assert status(client, "203.0.113.9") == 403  # no header: the peer
    # maxIpsCount: only the addresses the deployment's own proxies appended count.
    client = client_for(refused, {"proxy": {"koa": True, "maxIpsCount": 1}})
    assert status(client, "127.0.0.1", **{"X-Forwarded-For": "10.0.0.2, 203.0.113.9"}) == 403
    assert status(client, "127.0.0.1", **{"X-Forwarded-For": "203.0.113.9, 10.0.0.2"}) == 200  # a spoof, ignored
    client = client_for(refused, {"proxy": {"koa": True, "ipHeader": "CF-Connecting-IP"}})
    assert status(client, "127.0.0.1", **{"CF-Connecting-IP": "203.0.113.9"}) == 403
    assert status(client, "127.0.0.1", **{"X-Forwarded-For": "203.0.113.9"}) == 200
    client = client_for(refused, {"proxy": {"koa": False}})
    assert status(client, "127.0.0.1", **{"X-Forwarded-For": "203.0.113.9"}) == 200


@pytest.mark.parametrize("config, message", [
    ({"whitelst": ["1.2.3.4"]}, r"unknown option\(s\) whitelst; did you mean 'whitelist'\?"),
    ({"whitelist": "1.2.3.4"}, r"'whitelist' must be a list"),
    ({"whitelist": []}, r"'whitelist' is empty, which would refuse every request"),
    ({"blacklist": ["1.2.3"]}, r"'1\.2\.3', which is not an IP address"),
    ({"blacklist": ["10.0.0.0/33"]}, r"not an IP address, a CIDR network"),
    ({"blacklist": ["10.*.[5-3].1"]}, r"not an IPv4 pattern"),
    ({"blacklist": ["10.0.0.*.1"]}, r"not an IPv4 pattern"),
    ({"blacklist": ["^10\\..*"]}, r"not an IPv4 pattern"),
    ({"whitelist": ["1.2.3.4"], "allowlist": ["1.2.3.4"]}, r"'whitelist' and 'allowlist' are the same list"),
    ({"blacklist": ["1.2.3.4"], "handler": 403}, r"'handler' must be a function"),
])
def test_bad_options_fail_at_start(config, message):
    with pytest.raises(ValueError, match=message):
        middleware(config, App())


@pytest.mark.parametrize("proxy, message", [
    ("yes", r"proxy must be True, False or a dict"),
    ({"koa": "true"}, r"proxy\.koa must be True or False"),
    ({"koa": True, "maxIpsCount": -1}, r"proxy\.maxIpsCount must be a whole number"),
    ({"koa": True, "ipHeader": "X Forwarded"}, r"proxy\.ipHeader must be a header name"),
])
def test_bad_proxy_config_fails_at_start(proxy, message):
    with pytest.raises(ValueError, match=message):
        middleware({"blacklist": ["1.2.3.4"]}, App(config={"server": {"proxy": proxy}}))


def test_nothing_listed_no_layer():
    assert middleware({}, App()) is None
