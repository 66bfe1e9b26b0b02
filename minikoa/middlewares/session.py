"""``minikoa::session``: a session kept in a signed cookie (koa-session's cookie mode).

On the way in, ``ctx.session`` becomes a :class:`Session` (a dict) loaded from
the cookie, or an empty one. On the way out, a ``Set-Cookie`` is written only
when there is something to say: the session changed (or is new and non-empty),
``rolling`` is on, ``renew`` finds it half expired, or it was verified with an
old key and is re-signed with the current one. A session emptied (or set to
None) deletes the cookie; an untouched one sends nothing.

The cookie value is ``base64url(JSON payload) "." base64url(HMAC-SHA256)``.
The payload carries the data and its own expiry, so a copy replayed after
``maxAge`` is refused even though a client kept it. The MAC covers
``name=payload``, so a value cannot be moved to another cookie name. The first
key signs and every key verifies (Strapi's ``APP_KEYS`` rotation). Any cookie
that fails a check is simply ignored: the request gets a fresh session, never
an error.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from werkzeug.http import dump_cookie, parse_cookie

from ..http.context import Context
from ..http.jsoncodec import default as _json_default
from ..http.onion import Middleware
from ..http.proxy import ProxyTrust

if TYPE_CHECKING:
    from ..app import App

__all__ = ["middleware", "Session", "MAX_COOKIE_SIZE"]

log = logging.getLogger("minikoa.session")

NAME = "minikoa::session"
#: The largest ``Set-Cookie`` value browsers reliably keep (Werkzeug's limit too).
MAX_COOKIE_SIZE = 4093

_DEFAULTS: dict[str, Any] = {
    "key": "koa.sess", "maxAge": 86_400_000, "httpOnly": True, "sameSite": "lax",
    "secure": None, "proxy": None, "path": "/", "domain": None, "overwrite": True,
    "signed": True, "autoCommit": True, "rolling": False, "renew": False, "keys": None,
}
_COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# ASCII output, so lone surrogates and any text survive the base64 round trip.
_encode_json = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), default=_json_default).encode


class Session(dict):
    """``ctx.session``: a plain dict, saved to the cookie when it changes.

    ``is_new`` is True when the request brought no valid session cookie.
    ``save()`` sends the cookie with this response even if nothing changed.
    Changes are found by comparing JSON, so nested edits count too.
    """

    __slots__ = ("is_new", "_origin", "_expires", "_force")

    def __init__(self, data: Mapping[str, Any] | None = None, origin: str | None = None,
                 expires: int | None = None) -> None:
        super().__init__(data or {})
        self.is_new = origin is None
        self._origin = origin
        self._expires = expires
        self._force = False

    def save(self) -> None:
        self._force = True


def _fail(option: str, why: str) -> ValueError:
    return ValueError(f"{NAME}: option {option!r} {why}")


def _options(config: dict[str, Any], app: App) -> dict[str, Any]:
    unknown = sorted(set(config) - set(_DEFAULTS))
    if unknown:
        raise _fail(unknown[0], f"is unknown (known: {', '.join(sorted(_DEFAULTS))})")
    opts = {**_DEFAULTS, **config}
    if not isinstance(opts["key"], str) or not _COOKIE_NAME.fullmatch(opts["key"]):
        raise _fail("key", "must be a cookie name (letters, digits, !#$%&'*+-.^_`|~)")
    age = opts["maxAge"]
    if age != "session" and (isinstance(age, bool) or not isinstance(age, (int, float)) or age <= 0):
        raise _fail("maxAge", "must be a positive number of milliseconds or 'session'")
    for name in ("httpOnly", "overwrite", "rolling", "renew"):
        if not isinstance(opts[name], bool):
            raise _fail(name, "must be True or False")
    for name in ("secure", "proxy"):
        if opts[name] is not None and not isinstance(opts[name], bool):
            raise _fail(name, "must be True, False or None")
    for name in ("signed", "autoCommit"):
        if opts[name] is not True:
            raise _fail(name, "must be True: only signed, automatically committed sessions are supported")
    same = opts["sameSite"]
    if same is True:
        same = "strict"
    if same in (False, None):
        opts["sameSite"] = None
    elif isinstance(same, str) and same.lower() in ("lax", "strict", "none"):
        opts["sameSite"] = same.title()
    else:
        raise _fail("sameSite", "must be 'lax', 'strict', 'none' or False")
    if not isinstance(opts["path"], str) or not opts["path"].startswith("/"):
        raise _fail("path", "must be a string starting with '/'")
    if opts["domain"] is not None and (not isinstance(opts["domain"], str) or not opts["domain"]):
        raise _fail("domain", "must be a non-empty string or None")
    if opts["proxy"] is None:
        # server.proxy: Strapi 4's True or Strapi 5's {"koa": True, ...}
        opts["proxy"] = ProxyTrust.from_config(app.config.get("server.proxy")).trusted
    opts["keys"] = _keys(opts["keys"] if opts["keys"] is not None else app.config.get("server.app.keys"))
    return opts


def _keys(keys: Any) -> list[bytes]:
    if isinstance(keys, str):  # APP_KEYS read as a plain string: "keyA,keyB"
        keys = [k.strip() for k in keys.split(",")]
    if not keys:
        raise ValueError(f"{NAME}: no signing keys. Set server.app.keys (Strapi's APP_KEYS) in "
                         "config/server.py, e.g. 'app': {'keys': env.array('APP_KEYS')}, "
                         "or pass the 'keys' option")
    if not isinstance(keys, (list, tuple)) or not all(isinstance(k, str) and k for k in keys):
        raise _fail("keys", "must be a list of non-empty strings (server.app.keys)")
    return [k.encode() for k in keys]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class _Codec:
    """Signs and checks cookie values for one cookie name and key list."""

    def __init__(self, name: str, keys: list[bytes]) -> None:
        # One HMAC per key, already fed "name="; each use copies it.
        self._macs = [hmac.new(key, f"{name}=".encode(), hashlib.sha256) for key in keys]

    def _sign(self, mac: Any, payload: bytes) -> bytes:
        mac = mac.copy()
        mac.update(payload)
        return _b64(mac.digest()).encode("ascii")

    def dump(self, payload: str) -> str:
        body = _b64(payload.encode("ascii")).encode("ascii")
        return (body + b"." + self._sign(self._macs[0], body)).decode("ascii")

    def load(self, value: str, now_ms: int) -> tuple[dict[str, Any], int | None, int] | None:
        """``(data, expires_ms, key_index)`` for a valid, unexpired value, else None."""
        if len(value) > MAX_COOKIE_SIZE:
            return None
        try:
            raw = value.encode("ascii")
        except UnicodeEncodeError:
            return None
        body, dot, sig = raw.rpartition(b".")
        if not dot:
            return None
        index = next((i for i, mac in enumerate(self._macs)
                      if hmac.compare_digest(self._sign(mac, body), sig)), None)
        if index is None:
            return None
        try:
            payload = json.loads(base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4)))
        except (ValueError, RecursionError):  # binascii, JSON and UTF-8 errors are ValueErrors
            return None
        if not isinstance(payload, dict):
            return None
        data, expires = payload.get("d"), payload.get("e")
        if not isinstance(data, dict) or not (expires is None or type(expires) is int):
            return None
        if expires is not None and expires <= now_ms:
            return None
        return data, expires, index


def middleware(config: dict[str, Any], app: App) -> Middleware:
    """The session middleware for ``config`` (koa-session's option names)."""
    opts = _options(config, app)
    name: str = opts["key"]
    codec = _Codec(name, opts["keys"])
    session_cookie = opts["maxAge"] == "session"
    max_age_ms = None if session_cookie else int(opts["maxAge"])
    rolling, renew, overwrite, proxy = opts["rolling"], opts["renew"], opts["overwrite"], opts["proxy"]
    fixed_secure: bool | None = opts["secure"]
    cookie_args = {"path": opts["path"], "domain": opts["domain"], "httponly": opts["httpOnly"],
                   "samesite": opts["sameSite"], "max_size": 0}

    def load(header: str) -> Session | None:
        try:
            values = parse_cookie(header).getlist(name)
        except UnicodeError:  # a header that is not UTF-8
            return None
        now = int(time.time() * 1000)
        for value in values:  # the same name twice (two paths): the first valid one wins
            found = codec.load(value, now)
            if found is not None:
                data, expires, index = found
                sess = Session(data, _encode_json(data), expires)
                sess._force = index > 0  # verified with an old key: re-sign with the current one
                return sess
        return None

    def is_secure(ctx: Context) -> bool:
        if fixed_secure is not None:
            return fixed_secure
        if ctx.environ.get("wsgi.url_scheme") == "https":
            return True
        if proxy:
            forwarded = ctx.environ.get("HTTP_X_FORWARDED_PROTO", "")
            return forwarded.split(",", 1)[0].strip().lower() == "https"
        return False

    def send(ctx: Context, value: str, max_age: int | None, expires: float | None) -> None:
        cookie = dump_cookie(name, value, max_age=max_age, expires=expires,
                             secure=is_secure(ctx), **cookie_args)
        if len(cookie) > MAX_COOKIE_SIZE:
            log.warning("%s: session cookie %r is %d bytes (limit %d); not sent, the session "
                        "is not saved", NAME, name, len(cookie), MAX_COOKIE_SIZE)
            return
        if overwrite and ctx.response_header("Set-Cookie") is not None:
            others = [v for n, v in ctx.response_headers()
                      if n.lower() == "set-cookie" and not v.startswith(name + "=")]
            ctx.remove("Set-Cookie")
            for other in others:
                ctx.append("Set-Cookie", other)
        ctx.append("Set-Cookie", cookie)

    def commit(ctx: Context, loaded: Session) -> None:
        sess = ctx.session
        if not sess:  # None or emptied
            if not loaded.is_new:
                send(ctx, "", 0, 0)
            return
        if not isinstance(sess, Mapping):
            raise TypeError(f"{NAME}: ctx.session must be a dict or None, not {type(sess).__name__}")
        data = _encode_json(sess if isinstance(sess, dict) else dict(sess))
        now = int(time.time() * 1000)
        if not (data != loaded._origin or loaded._force or getattr(sess, "_force", False) or rolling
                or (renew and loaded._expires is not None and max_age_ms is not None
                    and loaded._expires - now < max_age_ms / 2)):
            return
        expires_ms = None if max_age_ms is None else now + max_age_ms
        payload = f'{{"d":{data},"e":{"null" if expires_ms is None else expires_ms}}}'
        send(ctx, codec.dump(payload),
             None if max_age_ms is None else -(-max_age_ms // 1000),  # rounded up: never Max-Age=0
             None if expires_ms is None else expires_ms / 1000)

    def session(ctx: Context) -> Any:
        header = ctx.environ.get("HTTP_COOKIE")
        loaded = load(header) if header and name in header else None
        if loaded is None:
            loaded = Session()
        ctx.session = loaded
        try:
            yield
        finally:  # as koa-session: committed even when downstream failed
            commit(ctx, loaded)

    session.name = NAME  # type: ignore[attr-defined]
    return session
