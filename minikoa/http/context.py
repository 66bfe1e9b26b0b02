"""``ctx``: one request and the response being built for it, Koa style.

A Context is created for every request, so it holds plain slots and builds
the expensive things only when asked: the Werkzeug ``Request`` and
``Response`` objects, the parsed query string, the request headers, the
parsed body and ``state``. A JSON handler that reads ``ctx.params`` and
returns a dict allocates none of them.

Response headers set through ``ctx.set`` live in a small dict until
``ctx.response`` is first used; from then on they live in (and are read from)
the Werkzeug ``Response``.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn, Protocol
from urllib.parse import quote

from werkzeug.datastructures import EnvironHeaders
from werkzeug.wrappers import Response

from ..errors import ValidationError, error_for_status, phrase
from .body import DEFAULT_LIMITS, BodyLimits, parse_body
from .proxy import ProxyTrust
from .querystring import QueryStringError, parse_qs
from .request import Request

__all__ = ["Context", "State", "HostApp", "RouteInfo", "Environ", "raw_path", "PreparedHeaders", "prepare_headers"]

#: A WSGI environ.
Environ = dict[str, Any]


class HostApp(Protocol):
    """What a Context needs of the app that made it: how to parse queries and bodies.

    ``minikoa.App`` is one; ``ctx.app`` is that app, for handlers that need more of it.
    """

    query_options: dict[str, Any]
    body_limits: BodyLimits


class RouteInfo(Protocol):
    """What a handler or policy can read of the route that matched (``ctx.route``, ``ctx.state.route``).

    ``info`` is Strapi's ``route.info``: ``apiName`` (or ``pluginName``) and
    ``type`` (``content-api``, ``admin`` or ``api``), read as keys or attributes.
    """

    method: str
    path: str
    name: str
    config: dict[str, Any]
    info: Mapping[str, Any]

_UNSET: Any = object()


class State(dict):
    """``ctx.state``: a dict whose keys also read and write as attributes (``ctx.state.user``)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None


def raw_path(environ: dict[str, Any]) -> str:
    """The request path as sent (percent-encoded), without the query or mount point.

    WSGI's PATH_INFO is already decoded, which would turn ``%2F`` into a
    separator; gunicorn and Werkzeug also pass the raw request target
    (``RAW_URI``/``REQUEST_URI``), which keeps segments intact.
    """
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        q = raw.find("?")
        if q >= 0:
            raw = raw[:q]
        if raw[:1] != "/":  # absolute-form target: http://host/path
            scheme_end = raw.find("://")
            slash = raw.find("/", scheme_end + 3) if scheme_end >= 0 else -1
            raw = raw[slash:] if slash >= 0 else "/"
        script = environ.get("SCRIPT_NAME")
        if script:
            script = quote(script)
            if raw.startswith(script):
                raw = raw[len(script):]
        return raw or "/"
    path = environ.get("PATH_INFO") or "/"
    return quote(path.encode("latin-1").decode("utf-8", "replace"), safe="/:@!$&'()*+,;=-._~")


def _mime(value: str) -> str:
    """``"json"`` -> ``application/json; charset=utf-8``; full types pass through."""
    if "/" not in value:
        guessed = mimetypes.types_map.get("." + value.lstrip("."))
        if guessed is None:
            raise ValueError(f"unknown content type {value!r}")
        value = guessed
    if "charset" not in value and (value.startswith("text/") or value in (
            "application/json", "application/javascript", "application/xml")):
        value += "; charset=utf-8"
    return value


class PreparedHeaders(dict):
    """Response headers checked once, for ``ctx.set_prepared``: lower-case name -> (name, value)."""

    __slots__ = ()


def prepare_headers(headers: Iterable[tuple[str, Any]]) -> PreparedHeaders:
    """Check ``(name, value)`` pairs once (no line breaks) for ``ctx.set_prepared``."""
    return PreparedHeaders((name.lower(), (name, _check_header(name, value))) for name, value in headers)


def _check_header(name: str, value: Any) -> str:
    value = str(value)
    if "\n" in value or "\r" in value or "\n" in name or "\r" in name:
        raise ValueError(f"header {name!r} must not contain a newline")
    return value


def _raiser(status: int) -> Callable[..., NoReturn]:
    """A ``ctx`` method raising the error for ``status``: ``ctx.not_found(message=None, details=None)``."""
    def helper(self: Context, message: str | None = None, details: Any = None) -> NoReturn:
        raise error_for_status(status, message, details)

    helper.__name__ = helper.__qualname__ = f"error_{status}"
    helper.__doc__ = f"Raise {status} {phrase(status)} with ``message`` (default: the phrase) and ``details``."
    return helper


class Context:
    """The request and its response under construction (``ctx`` in Koa and Strapi)."""

    __slots__ = (
        "app", "environ", "method", "params", "_route", "raw_path",
        "_path", "_query", "_state", "_req_headers", "_request", "_response",
        "_status", "_body", "_headers", "_multi", "_request_body", "_files", "session",
    )

    app: HostApp
    environ: Environ
    method: str
    params: dict[str, str]
    raw_path: str
    _route: RouteInfo | None
    _path: str | None
    _query: dict[str, Any] | None
    _state: State | None
    _req_headers: EnvironHeaders | None
    _request: Request | None
    _response: Response | None
    _status: int | None
    _body: Any
    _headers: dict[str, tuple[str, Any]] | None
    _multi: bool
    _request_body: Any
    _files: dict[str, Any] | None
    session: Any

    def __init__(self, app: HostApp, environ: Environ) -> None:
        #: The app serving the request (``minikoa.App``).
        self.app = app
        self.environ = environ
        self.method = environ["REQUEST_METHOD"]
        #: Route parameters, percent-decoded (``/users/:id`` -> ``{"id": "42"}``).
        self.params = {}
        self._route = None
        self.raw_path = raw_path(environ)
        self._path = None
        self._query = None
        self._state = None
        self._req_headers = None
        self._request = None
        self._response = None
        self._status = None
        self._body = None
        self._headers = None
        #: whether some header in _headers holds a list of values (rare: Set-Cookie, Link)
        self._multi = False
        self._request_body = _UNSET
        self._files = None
        #: The signed-cookie session (a dict) when ``minikoa::session`` is on, else None.
        self.session = None

    @property
    def route(self) -> RouteInfo | None:
        """The matched route (see ``App.routes``), None before routing or on 404."""
        return self._route

    @route.setter
    def route(self, route: RouteInfo | None) -> None:
        self._route = route
        if self._state is not None:
            self._state["route"] = route

    # -- request --------------------------------------------------------

    @property
    def path(self) -> str:
        """The decoded request path (``/café`` for ``/caf%C3%A9``)."""
        if self._path is None:
            self._path = (self.environ.get("PATH_INFO") or "/").encode("latin-1").decode("utf-8", "replace")
        return self._path

    @property
    def querystring(self) -> str:
        """The raw query string, without ``?``."""
        return self.environ.get("QUERY_STRING", "")

    @property
    def query(self) -> dict[str, Any]:
        """The query string parsed as Strapi parses it; 400 if it is malformed.

        Strapi's ``qs`` options: nesting depth 20, array indexes up to 100,
        ``strictNullHandling`` (``?a`` gives ``{"a": None}``).
        """
        query = self._query
        if query is None:
            try:
                query = parse_qs(self.environ.get("QUERY_STRING", ""), **self.app.query_options)
            except QueryStringError as exc:
                raise ValidationError(exc.message, exc.details) from None
            self._query = query
        return query

    @query.setter
    def query(self, value: dict[str, Any]) -> None:
        self._query = value

    @property
    def state(self) -> State:
        """Per-request scratch space shared by middlewares, policies and handlers.

        ``ctx.state.route`` is the matched route (None before routing), as in
        Strapi: a policy can tell which route and handler it guards.
        ``ctx.state.user`` and ``ctx.state.auth`` are who is calling, as the
        users-permissions plugin found out (None when nobody is logged in).
        """
        if self._state is None:
            self._state = State(route=self._route, user=None, auth=None)
        return self._state

    @property
    def headers(self) -> EnvironHeaders:
        """The request headers (case-insensitive, read-only)."""
        if self._req_headers is None:
            self._req_headers = EnvironHeaders(self.environ)
        return self._req_headers

    def get(self, name: str, default: str | None = None) -> str | None:
        """One request header, as Koa's ``ctx.get(field)``."""
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        value = self.environ.get(key)
        if value is None:
            return default
        return value.encode("latin-1").decode("utf-8", "replace")

    @property
    def request(self) -> Request:
        """The Werkzeug ``Request``, made on first use, with the app's body limits (``minikoa.http.request``)."""
        if self._request is None:
            self._request = Request(self.environ, getattr(self.app, "body_limits", DEFAULT_LIMITS))
        return self._request

    @property
    def host(self) -> str:
        return self.environ.get("HTTP_HOST") or self.environ.get("SERVER_NAME", "")

    @property
    def ip(self) -> str:
        """The client's address, as Koa's ``ctx.ip``: the peer's (``REMOTE_ADDR``), or the first trusted
        forwarded one when ``config/server.py``'s ``proxy`` trusts a proxy (``minikoa.http.proxy``)."""
        proxy: ProxyTrust | None = getattr(self.app, "proxy", None)
        if proxy is None or not proxy.trusted:
            return self.environ.get("REMOTE_ADDR", "")
        return proxy.client_ip(self.environ)

    @property
    def request_body(self) -> Any:
        """The parsed request body (Strapi's ``ctx.request.body``), parsed on first use."""
        if self._request_body is _UNSET:
            limits = getattr(self.app, "body_limits", DEFAULT_LIMITS)
            self._request_body, self._files = parse_body(self, limits)
        return self._request_body

    @request_body.setter
    def request_body(self, value: Any) -> None:
        self._request_body = value

    @property
    def files(self) -> dict[str, Any]:
        """Uploaded files of a multipart body (Werkzeug ``FileStorage`` objects)."""
        if self._request_body is _UNSET:
            self.request_body  # noqa: B018 - parses and fills _files
        return self._files or {}

    # -- response -------------------------------------------------------

    @property
    def status(self) -> int:
        """The response status: as set, else 200 with a body and 404 without (Koa's rule)."""
        if self._status is not None:
            return self._status
        if self._response is not None and self._response.status_code != 200:
            return self._response.status_code
        return 404 if self._body is None else 200

    @status.setter
    def status(self, value: int) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or not 100 <= value <= 999:
            raise ValueError(f"invalid status code {value!r}")
        self._status = value
        if self._response is not None:
            self._response.status_code = value

    @property
    def body(self) -> Any:
        """The response body: dict/list (JSON), str, bytes, a file, an iterator or a Response."""
        return self._body

    @body.setter
    def body(self, value: Any) -> None:
        self._body = value
        if value is None and self._status is None:
            self._status = 204

    @property
    def type(self) -> str | None:
        """The response Content-Type; set ``"json"``, ``"html"`` or a full type."""
        return self.response_header("Content-Type")

    @type.setter
    def type(self, value: str | None) -> None:
        if value is None:
            self.remove("Content-Type")
        else:
            self.set("Content-Type", _mime(value))

    @property
    def response(self) -> Response:
        """The Werkzeug ``Response`` that will be sent, made on first use.

        Headers set before are moved into it; ``ctx.body`` and ``ctx.status``
        still decide the body and status when the response is finished.
        """
        resp = self._response
        if resp is None:
            resp = Response(status=self._status or 200)
            del resp.headers["Content-Type"]
            if self._headers:
                for name, value in self._headers.values():
                    for item in (value if isinstance(value, list) else (value,)):
                        resp.headers.add(name, item)
            self._headers = None
            self._response = resp
        return resp

    def set(self, name: str | dict[str, Any], value: Any = None) -> None:
        """Set a response header (replacing it); a dict sets several, a list repeats one."""
        if type(value) is str and type(name) is str and self._response is None:
            # The common case, kept short: one header, a str value.
            if "\n" in value or "\r" in value or "\n" in name or "\r" in name:
                raise ValueError(f"header {name!r} must not contain a newline")
            if self._headers is None:
                self._headers = {}
            self._headers[name.lower()] = (name, value)
            return
        if isinstance(name, dict):
            for key, val in name.items():
                self.set(key, val)
            return
        if isinstance(value, (list, tuple)):
            value = [_check_header(name, v) for v in value]
        else:
            value = _check_header(name, value)
        if self._response is not None:
            headers = self._response.headers
            headers.remove(name)
            for item in (value if isinstance(value, list) else (value,)):
                headers.add(name, item)
            return
        if self._headers is None:
            self._headers = {}
        if isinstance(value, list):
            self._multi = True
        self._headers[name.lower()] = (name, value)

    def set_prepared(self, headers: PreparedHeaders) -> None:
        """Set headers checked once at start-up with ``prepare_headers``.

        For middlewares that send the same headers on every request (security,
        CORS): one dict update instead of a checked ``set`` per header.
        """
        if self._response is not None:
            for name, value in headers.values():
                self.set(name, value)
        elif self._headers is None:
            self._headers = dict(headers)
        else:
            self._headers.update(headers)

    def append(self, name: str, value: Any) -> None:
        """Add a value to a response header, keeping those already there (Set-Cookie, Link)."""
        value = _check_header(name, value)
        if self._response is not None:
            self._response.headers.add(name, value)
            return
        if self._headers is None:
            self._headers = {}
        old = self._headers.get(name.lower())
        if old is None:
            self._headers[name.lower()] = (name, value)
        else:
            prev = old[1] if isinstance(old[1], list) else [old[1]]
            self._headers[name.lower()] = (old[0], prev + [value])
            self._multi = True

    def remove(self, name: str) -> None:
        """Remove a response header."""
        if self._response is not None:
            self._response.headers.remove(name)
        elif self._headers:
            self._headers.pop(name.lower(), None)

    def response_header(self, name: str, default: str | None = None) -> str | None:
        """A response header set so far (the first value if repeated)."""
        if self._response is not None:
            return self._response.headers.get(name, default)
        if self._headers:
            found = self._headers.get(name.lower())
            if found is not None:
                value = found[1]
                return value[0] if isinstance(value, list) else value
        return default

    def response_headers(self) -> list[tuple[str, str]]:
        """The response headers set so far, as WSGI ``(name, value)`` pairs."""
        if self._response is not None:
            return self._response.headers.to_wsgi_list()
        if not self._headers:
            return []
        if not self._multi:
            return list(self._headers.values())
        out: list[tuple[str, str]] = []
        if self._headers:
            for name, value in self._headers.values():
                if isinstance(value, list):
                    out.extend((name, v) for v in value)
                else:
                    out.append((name, value))
        return out

    def redirect(self, url: str, status: int = 302) -> None:
        """Redirect to ``url`` (Koa's ``ctx.redirect``), with a short text body."""
        self.set("Location", quote(url, safe="/:?#[]@!$&'()*+,;=%-._~"))
        self.status = status
        self.type = "text/plain"
        self._body = f"Redirecting to {url}."

    def attachment(self, filename: str | None = None) -> None:
        """Mark the response as a download (``Content-Disposition: attachment``)."""
        if filename is None:
            self.set("Content-Disposition", "attachment")
            return
        safe = filename.encode("ascii", "replace").decode().replace('"', "")
        self.set("Content-Disposition",
                 f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(filename)}")

    # -- Strapi's response helpers -----------------------------------------

    def send(self, body: Any, status: int = 200) -> None:
        """Answer ``body`` with ``status`` (Strapi's ``ctx.send``); no body is a 204, as in Koa."""
        self.status = status
        self.body = body
        if body is None and status not in (204, 205, 304):
            self._status = 204

    def created(self, body: Any = None) -> None:
        """Answer ``body`` with 201 Created (Strapi's ``ctx.created``; no body is a 204, as there)."""
        self.send(body, 201)

    def deleted(self, body: Any = None) -> None:
        """Answer 200 with ``body``, or 204 with none (Strapi's ``ctx.deleted``)."""
        if body is None:
            self._body = None
            self.status = 204
        else:
            self.send(body, 200)

    # -- errors ---------------------------------------------------------

    def throw(self, status: int, message: str | None = None, details: Any = None) -> NoReturn:
        """Raise the HttpError for ``status`` (Koa's ``ctx.throw``)."""
        raise error_for_status(status, message, details)

    # Strapi's error helpers, one per 4xx and 5xx status (``ctx.badRequest(message, details)``), in
    # snake_case. Each raises the status's error, which the errors layer answers in Strapi's shape,
    # so the code after one never runs (Strapi's set the error body and return).
    bad_request = _raiser(400)
    unauthorized = _raiser(401)
    payment_required = _raiser(402)
    forbidden = _raiser(403)
    not_found = _raiser(404)
    method_not_allowed = _raiser(405)
    not_acceptable = _raiser(406)
    proxy_authentication_required = _raiser(407)
    request_timeout = _raiser(408)
    conflict = _raiser(409)
    gone = _raiser(410)
    length_required = _raiser(411)
    precondition_failed = _raiser(412)
    payload_too_large = _raiser(413)
    uri_too_long = _raiser(414)
    unsupported_media_type = _raiser(415)
    range_not_satisfiable = _raiser(416)
    expectation_failed = _raiser(417)
    im_a_teapot = _raiser(418)
    misdirected_request = _raiser(421)
    unprocessable_entity = _raiser(422)
    locked = _raiser(423)
    failed_dependency = _raiser(424)
    too_early = _raiser(425)
    upgrade_required = _raiser(426)
    precondition_required = _raiser(428)
    too_many_requests = _raiser(429)
    request_header_fields_too_large = _raiser(431)
    unavailable_for_legal_reasons = _raiser(451)
    internal_server_error = _raiser(500)
    not_implemented = _raiser(501)
    bad_gateway = _raiser(502)
    service_unavailable = _raiser(503)
    gateway_timeout = _raiser(504)
    http_version_not_supported = _raiser(505)
    variant_also_negotiates = _raiser(506)
    insufficient_storage = _raiser(507)
    loop_detected = _raiser(508)
    bandwidth_limit_exceeded = _raiser(509)
    not_extended = _raiser(510)
    network_authentication_required = _raiser(511)

    def __repr__(self) -> str:
        return f"<Context {self.method} {self.raw_path}>"

