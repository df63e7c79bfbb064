"""Fetching trust-bundle parts over HTTPS (not public API).

Only ever called when the user asked for the network (``--fetch``, ``--online``). Rules: https
for any host; plain http only to a loopback address (a local issuer under test); no redirects
(a redirect could lead from https to http); a timeout on connecting and on every read; a cap on
the body size; the answer must be one JSON object.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import skillpass
from skillpass.errors import MalformedValueError, RangeError, ResolutionError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "Fetched",
    "check_url",
    "did_web_url",
    "fetch_json",
]

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 4 * 1024 * 1024
_LOOPBACK_NAMES = {"localhost"}


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched JSON object and the cache lifetime its server gave (``max-age``, seconds)."""

    url: str
    document: dict[str, Any]
    max_age: int | None


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, loopback: bool = True) -> str:
    """``url`` if it may be fetched (https, or http on loopback), else ``url_not_allowed``.

    ``loopback=False`` refuses this machine's own addresses altogether: for URLs taken from the
    document being verified (``--online``), which must not make the verifier call its own
    local services."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        parts = None
    host = parts.hostname if parts is not None else None
    if parts is None or not host or parts.username or parts.password:
        raise MalformedValueError(f"{url!r} is not an http(s) URL", code="url_not_allowed")
    if not loopback and _is_loopback(host):
        raise MalformedValueError(
            f"{url!r}: a document's URLs may not point at this machine", code="url_not_allowed"
        )
    if parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host)):
        return url
    raise MalformedValueError(
        f"{url!r}: only https URLs are fetched (plain http only on this machine's loopback)",
        code="url_not_allowed",
    )


def did_web_url(did: str) -> str:
    """The URL of a did:web DID document (did:web:host%3Aport:path → https://host:port/path/did.json)."""
    if not did.startswith("did:web:"):
        raise MalformedValueError(f"{did} is not a did:web", code="invalid_did")
    host, *path = did[len("did:web:") :].split(":")
    host = urllib.parse.unquote(host)
    scheme = "http" if _is_loopback(host.rsplit(":", 1)[0]) else "https"
    tail = (
        "/".join(urllib.parse.unquote(p) for p in path) + "/did.json"
        if path
        else "/.well-known/did.json"
    )
    return f"{scheme}://{host}/{tail.lstrip('/')}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Deadline:
    """Shuts a connection's socket when the whole fetch has taken ``seconds``.

    The socket timeout bounds each read only: a server that sends a byte every few seconds
    (headers or body) would otherwise hold the fetch for ever.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._timers: list[threading.Timer] = []

    def arm(self, sock: socket.socket) -> None:
        def fire() -> None:
            self.expired = True
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(self.seconds, fire)
        timer.daemon = True
        timer.start()
        self._timers.append(timer)

    def cancel(self) -> None:
        for timer in self._timers:
            timer.cancel()

    def handlers(self) -> list[urllib.request.BaseHandler]:
        deadline = self

        class Http(http.client.HTTPConnection):
            def connect(self) -> None:
                super().connect()
                deadline.arm(self.sock)

        class Https(http.client.HTTPSConnection):
            def connect(self) -> None:
                super().connect()
                deadline.arm(self.sock)

        class HttpHandler(urllib.request.HTTPHandler):
            def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
                return self.do_open(Http, req)

        class HttpsHandler(urllib.request.HTTPSHandler):
            def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
                return self.do_open(Https, req)

        return [HttpHandler(), HttpsHandler()]


def _max_age(cache_control: str | None) -> int | None:
    for item in (cache_control or "").split(","):
        name, _, value = item.strip().partition("=")
        if name.lower() == "max-age" and value.isdigit():
            return int(value)
    return None


def fetch_json(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    total: float | None = None,
    loopback: bool = True,
) -> Fetched:
    """GET ``url`` and parse its JSON object; ``fetch_failed`` (unreachable, not 200, too slow:
    ``timeout`` per read, ``total`` for the whole fetch, by default three times ``timeout``),
    ``response_too_large`` or the JSON parser's codes otherwise. ``loopback``: as for
    :func:`check_url`."""
    check_url(url, loopback=loopback)
    deadline = _Deadline(total if total is not None else 3 * timeout)
    opener = urllib.request.build_opener(_NoRedirect, *deadline.handlers())
    request = urllib.request.Request(
        url, headers={"Accept": "application/json, application/did+json, application/vc+ld+json"}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            if response.status != 200:
                raise ResolutionError(f"{url} answered HTTP {response.status}", code="fetch_failed")
            declared = response.headers.get("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                raise RangeError(
                    f"{url} is larger than {max_bytes:,} bytes", code="response_too_large"
                )
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise RangeError(
                    f"{url} is larger than {max_bytes:,} bytes", code="response_too_large"
                )
            if declared is not None and declared.isdigit() and len(body) < int(declared):
                # The connection closed early: a cut JSON text may still parse.
                raise ResolutionError(f"{url} sent a truncated answer", code="fetch_failed")
            max_age = _max_age(response.headers.get("Cache-Control"))
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the connection
        raise ResolutionError(f"{url} answered HTTP {exc.code}", code="fetch_failed") from None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        # HTTPException: a broken chunked body, an over-long line, too many headers...
        if deadline.expired:
            raise ResolutionError(
                f"could not fetch {url}: it took longer than {deadline.seconds:g} s",
                code="fetch_failed",
            ) from None
        reason = getattr(exc, "reason", exc)
        raise ResolutionError(f"could not fetch {url}: {reason}", code="fetch_failed") from None
    finally:
        deadline.cancel()
    if deadline.expired:
        # The socket was shut mid-body: what was read is cut short.
        raise ResolutionError(
            f"could not fetch {url}: it took longer than {deadline.seconds:g} s",
            code="fetch_failed",
        )
    document = skillpass.parse_json(body, what=url)
    if not isinstance(document, dict):
        raise MalformedValueError(f"{url} did not answer a JSON object", code="not_an_object")
    return Fetched(url, document, max_age)
