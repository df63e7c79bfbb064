"""Allow-list JSON-LD document loader over the pinned contexts (not public API).

JSON-LD contexts are never fetched. Each allowed URL maps to a file in ``schemas/contexts/`` whose
SHA-256 is pinned here; any other URL raises :class:`~skillpass.errors.ContextError`.

pyld is imported only when needed (:func:`pyld_jsonld`): importing it costs more than a whole
verification on the fast engine (its package imports its network loaders, asyncio and lxml). The
first import through :func:`pyld_jsonld` also replaces pyld's process-wide default loader (which,
depending on what else is installed, may fetch over the network) with one that refuses
everything, so no code path of SkillPass can reach pyld's own loaders.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, NamedTuple

from ._resources import data_path
from .errors import ContextError

PYLD_LOCK = threading.RLock()
"""Held around every call into pyld: its processors and context resolvers keep shared caches
that are not safe under threads (concurrent calls raised KeyError). The GIL runs Python one
thread at a time anyway, so serialising pyld costs a threaded server little."""

__all__ = [
    "CREDENTIALS_V1",
    "CREDENTIALS_V2",
    "OB_V3",
    "context_resolver",
    "document_loader",
    "is_allowed_context",
    "pyld_jsonld",
]

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


class _Pinned(NamedTuple):  # not a dataclass: start-up time counts, and this is all it needs
    file: str
    sha256: str
    test_only: bool = False


# URL -> file and SHA-256, as listed in schemas/contexts/README.md.
_PINNED: Mapping[str, _Pinned] = {
    CREDENTIALS_V2: _Pinned(
        "credentials-v2.jsonld", "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    ),
    CREDENTIALS_V1: _Pinned(
        "credentials-v1.jsonld", "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc"
    ),
    "https://w3id.org/security/data-integrity/v2": _Pinned(
        "data-integrity-v2.jsonld",
        "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
    ),
    "https://w3id.org/security/multikey/v1": _Pinned(
        "multikey-v1.jsonld", "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597"
    ),
    "https://w3id.org/security/jwk/v1": _Pinned(
        "jwk-v1.jsonld", "0f14b62f6071aafe00df265770ea0c7508e118247d79b7d861a406d2aa00bece"
    ),
    "https://www.w3.org/ns/credentials/status/v1": _Pinned(
        "bitstring-status-list-v1.jsonld",
        "fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7",
    ),
    OB_V3: _Pinned(
        "ob-v3p0-context-3.0.3.jsonld",
        "3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84",
    ),
    # Test-only: both define @vocab, which would make every term "defined".
    "https://www.w3.org/ns/credentials/examples/v2": _Pinned(
        "credentials-examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
        test_only=True,
    ),
    "https://w3id.org/citizenship/v4rc1": _Pinned(
        "citizenship-v4rc1.jsonld",
        "5038c7383afd7ab2158f1b997913a8f60978a0abcf96e0b0d08e29f146d2db1e",
        test_only=True,
    ),
}

DocumentLoader = Callable[[str, Any], dict[str, Any]]


def is_allowed_context(url: object, *, allow_test_contexts: bool = False) -> bool:
    """Whether ``url`` is a pinned context usable under the given policy."""
    pinned = _PINNED.get(url) if isinstance(url, str) else None
    return pinned is not None and (allow_test_contexts or not pinned.test_only)


@cache
def _load_pinned(url: str) -> dict[str, Any]:
    pinned = _PINNED[url]
    raw = data_path("contexts", pinned.file).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != pinned.sha256:
        raise ContextError(
            f"pinned context {url} does not match its SHA-256 "
            f"(expected {pinned.sha256}, got {digest}); the installation is damaged",
            code="context_hash_mismatch",
        )
    document: dict[str, Any] = json.loads(raw)
    return document


def pinned_context_bytes(url: str) -> bytes | None:
    """The bytes of a pinned context file (hash-checked), or None for any other URL. Used to
    check a ``relatedResource`` digest, since the file is the resource that URL names."""
    pinned = _PINNED.get(url)
    if pinned is None:
        return None
    raw = data_path("contexts", pinned.file).read_bytes()
    if hashlib.sha256(raw).hexdigest() != pinned.sha256:
        raise ContextError(
            f"pinned context {url} does not match its SHA-256; the installation is damaged",
            code="context_hash_mismatch",
        )
    return raw


def _refuse(url: str) -> ContextError:
    return ContextError(
        f"JSON-LD context {url!r} is not on the allow-list; contexts are never fetched",
        code="context_not_allowed",
    )


def _make_loader(allow_test_contexts: bool) -> DocumentLoader:
    def load(url: str, options: Any = None) -> dict[str, Any]:
        if not is_allowed_context(url, allow_test_contexts=allow_test_contexts):
            raise _refuse(url)
        # The "static" tag lets pyld keep the processed context: pinned files never change.
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": _load_pinned(url),
            "tag": "static",
        }

    return load


_STRICT_LOADER = _make_loader(False)
_TEST_LOADER = _make_loader(True)


def document_loader(*, allow_test_contexts: bool = False) -> DocumentLoader:
    """The allow-list loader; test-only contexts are served only when asked for."""
    return _TEST_LOADER if allow_test_contexts else _STRICT_LOADER


# One resolved-context cache per policy: pyld's shared cache would let a context resolved under
# the permissive policy be reused later under the strict one without asking the loader again.
_CACHES: dict[bool, dict[str, Any]] = {False: {}, True: {}}


def context_resolver(*, allow_test_contexts: bool = False) -> Any:
    """A pyld ``ContextResolver`` bound to the loader and a cache for the given policy."""
    pyld_jsonld()
    from pyld.context_resolver import ContextResolver

    return ContextResolver(
        _CACHES[allow_test_contexts], document_loader(allow_test_contexts=allow_test_contexts)
    )


def _no_default_loader(url: str, options: Any = None) -> dict[str, Any]:
    raise _refuse(url)


_PYLD: list[Any] = []


def pyld_jsonld() -> Any:
    """pyld's ``jsonld`` module, imported on first use, with its default loader replaced.

    Every use of pyld in SkillPass goes through here, under :data:`PYLD_LOCK`.
    """
    if _PYLD:
        return _PYLD[0]
    with PYLD_LOCK:
        if not _PYLD:
            from pyld import jsonld

            # pyld picks a network loader at import time if `requests` or `aiohttp` is
            # importable. Every call in SkillPass passes its own loader, and this makes sure
            # nothing else can fall back to pyld's.
            jsonld.set_document_loader(_no_default_loader)
            _PYLD.append(jsonld)
    return _PYLD[0]
