"""Fetching trust-bundle parts over HTTPS (not public API).

Only ever called when the user asked for the network (``--fetch``, ``--online``). Rules: https
for any host; plain http only to a loopback address (a local issuer under test); no redirects
(a redirect could lead from https to http); a timeout on connecting and on every read; a cap on
the body size; the answer must be one JSON object.
"""

from __future__ import annotations

import ipaddress
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


def check_url(url: str) -> str:
    """``url`` if it may be fetched (https, or http on loopback), else ``url_not_allowed``."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        parts = None
    host = parts.hostname if parts is not None else None
    if parts is None or not host or parts.username or parts.password:
        raise MalformedValueError(f"{url!r} is not an http(s) URL", code="url_not_allowed")
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


def _max_age(cache_control: str | None) -> int | None:
    for item in (cache_control or "").split(","):
        name, _, value = item.strip().partition("=")
        if name.lower() == "max-age" and value.isdigit():
            return int(value)
    return None


def fetch_json(
    url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES
) -> Fetched:
    """GET ``url`` and parse its JSON object; ``fetch_failed`` (unreachable, not 200, too slow),
    ``response_too_large`` or the JSON parser's codes otherwise."""
    check_url(url)
    opener = urllib.request.build_opener(_NoRedirect)
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
            max_age = _max_age(response.headers.get("Cache-Control"))
    except urllib.error.HTTPError as exc:
        raise ResolutionError(f"{url} answered HTTP {exc.code}", code="fetch_failed") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ResolutionError(f"could not fetch {url}: {reason}", code="fetch_failed") from None
    document = skillpass.parse_json(body, what=url)
    if not isinstance(document, dict):
        raise MalformedValueError(f"{url} did not answer a JSON object", code="not_an_object")
    return Fetched(url, document, max_age)
