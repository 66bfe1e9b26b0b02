"""minikoa.http.proxy: which client address counts, from config/server.py's proxy (Strapi 4 and 5 forms)."""

import pytest

from minikoa import App
from minikoa.http.proxy import ProxyTrust

PEER = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.2,192.0.2.3"}


@pytest.mark.parametrize("config, expected", [
    (None, "10.0.0.1"), (False, "10.0.0.1"), ({}, "10.0.0.1"), ({"koa": False, "maxIpsCount": 1}, "10.0.0.1"),
    (True, "198.51.100.1"), ({"koa": True}, "198.51.100.1"),          # Koa: the first forwarded address
    ({"koa": True, "maxIpsCount": 1}, "192.0.2.3"),                   # only the last one, the proxy's own
    ({"koa": True, "maxIpsCount": 2}, "203.0.113.2"),
    ({"koa": True, "maxIpsCount": 9}, "198.51.100.1"),
    ({"koa": True, "global": "http://proxy:3128"}, "198.51.100.1"),   # Strapi 5's other proxy keys are not ours
])
def test_client_ip(config, expected):
    assert ProxyTrust.from_config(config).client_ip(PEER) == expected


def test_no_header_or_an_empty_entry_falls_back_to_the_peer():
    trust = ProxyTrust.from_config(True)
    assert trust.client_ip({"REMOTE_ADDR": "10.0.0.1"}) == "10.0.0.1"
    assert trust.client_ip({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": ""}) == "10.0.0.1"
    assert trust.client_ip({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": " , 1.2.3.4"}) == "10.0.0.1"
    assert trust.client_ip({}) == ""


def test_ip_header():
    trust = ProxyTrust.from_config({"koa": True, "ipHeader": "CF-Connecting-IP"})
    assert trust.client_ip({"REMOTE_ADDR": "10.0.0.1", "HTTP_CF_CONNECTING_IP": "203.0.113.9",
                            "HTTP_X_FORWARDED_FOR": "198.51.100.1"}) == "203.0.113.9"


def _ip_app(proxy: object) -> App:
    app = App(config={"server": {"proxy": proxy}} if proxy is not None else None)

    @app.get("/ip")
    def ip(ctx):
        return {"ip": ctx.ip}

    return app


@pytest.mark.parametrize("proxy, forwarded, expected", [
    (None, "203.0.113.7", "127.0.0.1"),            # no proxy trusted: a client's header is its own words
    (False, "203.0.113.7", "127.0.0.1"),
    (True, "203.0.113.7, 10.0.0.2", "203.0.113.7"),  # Strapi 4's form: the first forwarded address
    ({"koa": True, "maxIpsCount": 1}, "6.6.6.6, 198.51.100.4", "198.51.100.4"),  # only what our proxy appended
    ({"koa": True}, None, "127.0.0.1"),
])
def test_ctx_ip_follows_server_proxy(proxy, forwarded, expected):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    answer = _ip_app(proxy).test_client().get("/ip", headers=headers,
                                                environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.get_json() == {"ip": expected}


def test_a_bad_proxy_setting_fails_the_build():
    with pytest.raises(ValueError, match="config/server.py: proxy must be"):
        _ip_app("yes").build()
