"""One webhook attempt over HTTP: to the checked address, within a wall-clock deadline.

Two things plain ``requests`` does not give a webhook sender:

* **The address checked is the address connected to.** The SSRF guard
  resolves the host and checks every address; if ``requests`` then resolved
  it again, a DNS answer that changed in between (rebinding) could point
  the connection at a private address. Here the connection goes to the
  address the guard approved, while the ``Host`` header, TLS SNI and
  certificate checks keep using the host name.
* **The timeout bounds the whole attempt.** ``requests``' timeout applies to
  each socket operation, so a receiver that trickles its headers never
  trips it. A timer shuts the socket down at the deadline, which ends any
  read in progress.

Each attempt opens its own connection (``Connection: close``): a pooled one
could have been opened to an address checked long before.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["AttemptTimeout", "new_session", "post"]


class AttemptTimeout(Exception):
    """The attempt ran past its deadline and was cut off."""


class _Attempt:
    """What the connection of the current attempt needs, and what the watchdog shuts down."""

    __slots__ = ("address", "sock")

    def __init__(self, address: str | None) -> None:
        self.address = address
        self.sock: socket.socket | None = None


_current = threading.local()


class _Pinned:
    """Mixed into urllib3's connections: connect to the attempt's checked address, remember the socket."""

    _dns_host: str  # urllib3's: the name (or address) a new connection resolves and connects to

    def _new_conn(self) -> socket.socket:
        attempt: _Attempt | None = getattr(_current, "attempt", None)
        if attempt is not None and attempt.address is not None:
            self._dns_host = attempt.address
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        if attempt is not None:
            attempt.sock = sock
        return sock


class _PinnedHTTPConnection(_Pinned, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_Pinned, HTTPSConnection):
    pass


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _PinnedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PinnedHTTPPool, "https": _PinnedHTTPSPool}


def new_session() -> requests.Session:
    """A session for webhook attempts: pinned connections, no proxies or retries from the environment."""
    session = requests.Session()
    session.trust_env = False
    adapter = _PinnedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def post(session: requests.Session, url: str, body: bytes, headers: dict[str, str], timeout: float,
         address: str | None) -> requests.Response:
    """POST ``body`` to ``url`` through ``address`` (None: resolve the name), within ``timeout`` seconds.

    Returns the response with its body unread (closed); raises AttemptTimeout
    past the deadline, or ``requests``' errors.
    """
    attempt = _Attempt(address)
    fired = threading.Event()

    def cut() -> None:
        fired.set()
        sock = attempt.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(timeout, cut)
    timer.daemon = True
    _current.attempt = attempt
    timer.start()
    try:
        response = session.post(url, data=body, headers={**headers, "Connection": "close"}, timeout=timeout,
                                allow_redirects=False, stream=True)
        response.close()  # the body is never read: nothing of it is kept or shown
    except requests.RequestException:
        if fired.is_set():
            raise AttemptTimeout(f"timeout after {timeout:g} s") from None
        raise
    finally:
        timer.cancel()
        _current.attempt = None
    if fired.is_set():
        raise AttemptTimeout(f"timeout after {timeout:g} s")
    return response
