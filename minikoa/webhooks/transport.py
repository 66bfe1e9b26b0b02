"""One webhook attempt over HTTP: to the checked address, within a wall-clock deadline.

Two things plain ``requests`` does not give a webhook sender:

* **The address checked is the address connected to.** The SSRF guard
  (``guard.approve``) resolves the host once and checks every address; if
  ``requests`` then resolved it again, a DNS answer that changed in between
  (rebinding) could point the connection at a private address. Here a
  connection is only ever opened to the address the guard approved for the
  attempt, never to a name (a connection opened outside ``post`` is refused),
  while the ``Host`` header, TLS SNI and certificate checks keep using the
  host name.
* **The timeout bounds the whole attempt.** ``requests``' timeout applies to
  each socket operation, so a receiver that trickles its headers never
  trips it. A timer shuts the socket down at the deadline, which ends any
  read in progress.

Each attempt opens its own connection (``Connection: close``, and the body
is never read, which closes it): a pooled one could have been opened to an
address checked long before.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["AttemptTimeout", "UnpinnedConnection", "new_session", "post"]


class AttemptTimeout(Exception):
    """The attempt ran past its deadline and was cut off."""


class _Attempt:
    """What the connection of the current attempt needs, and what the watchdog shuts down."""

    __slots__ = ("address", "sock")

    def __init__(self, address: str) -> None:
        self.address = address
        self.sock: socket.socket | None = None


_current = threading.local()


class UnpinnedConnection(Exception):
    """A webhook connection was about to be opened outside ``post``, with no checked address to go to."""


class _Pinned:
    """Mixed into urllib3's connections: connect to the attempt's checked address, remember the socket.

    urllib3 connects to ``_dns_host``, and also reads it (as ``host``) for the
    ``Host`` header and the TLS server name. It is therefore swapped for the
    checked address only while the socket is opened, then set back to the name.
    """

    _dns_host: str  # urllib3's: the name (or address) a new connection resolves and connects to

    def _new_conn(self) -> socket.socket:
        attempt: _Attempt | None = getattr(_current, "attempt", None)
        if attempt is None:
            raise UnpinnedConnection("webhook connections go only to an address the SSRF guard approved")
        name, self._dns_host = self._dns_host, attempt.address
        try:
            sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        finally:
            self._dns_host = name
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
         address: str) -> requests.Response:
    """POST ``body`` to ``url`` (canonical: ``guard.WebhookURL.url``) over a connection to ``address`` (the
    approved IP address, never a name), within ``timeout`` seconds.

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
