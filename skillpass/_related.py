"""``relatedResource`` (VCDM 2.0 §5.3 Integrity of Related Resources; not public API).

Each related resource is an object with an ``id`` URL and at least one digest: ``digestSRI``
(Subresource Integrity hash expressions, ``sha384-<base64>``) or ``digestMultibase`` (a
multibase SHA-2 digest, raw or as a multihash). The shape is checked on issue and on verify,
from the signed view. A verifier must check the digest of a resource it can retrieve; offline,
the only resources SkillPass has are its pinned JSON-LD contexts, so those are checked (on
verify only: see the README's "Standards conformance" section for why not on issue).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

from ._contexts import pinned_context_bytes
from ._multibase import b58decode
from ._view import CredentialView, RelatedResource
from .errors import MalformedValueError, ParsingError

__all__ = ["check_related_resources"]

_SRI = re.compile(r"^(sha256|sha384|sha512)-([A-Za-z0-9+/_-]+={0,2})\Z")
# Multihash codes of the SHA-2 functions (multicodec table): code -> (name, digest length).
_MULTIHASH = {0x12: ("sha256", 32), 0x20: ("sha384", 48), 0x13: ("sha512", 64)}
_RAW_LENGTHS = {32: "sha256", 48: "sha384", 64: "sha512"}


def _bad(message: str) -> MalformedValueError:
    return MalformedValueError(message, code="invalid_related_resource", path="/relatedResource")


def _b64(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    try:
        if "-" in text or "_" in text:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        raise _bad(f"{text!r} is not base64") from None


def _sri_digests(value: str) -> list[tuple[str, bytes]]:
    """The (algorithm, digest) pairs of an SRI metadata string (space-separated expressions)."""
    out = []
    for expression in value.split():
        match = _SRI.match(expression)
        if match is None:
            raise _bad(f"digestSRI {expression!r} is not sha256-, sha384- or sha512- base64")
        algorithm, digest = match.group(1), _b64(match.group(2))
        if len(digest) != hashlib.new(algorithm).digest_size:
            raise _bad(f"digestSRI {expression!r} has the wrong length for {algorithm}")
        out.append((algorithm, digest))
    if not out:
        raise _bad("digestSRI is empty")
    return out


def _multibase_digest(value: str) -> tuple[str, bytes]:
    if value[:1] == "u":
        data = _b64(value[1:].replace("+", "-").replace("/", "_"))
    elif value[:1] == "z":
        try:
            data = b58decode(value[1:])
        except ParsingError:
            raise _bad(f"digestMultibase {value!r} is not base58btc") from None
    else:
        raise _bad("digestMultibase must be multibase base64url ('u…') or base58btc ('z…')")
    if len(data) >= 2 and data[0] in _MULTIHASH and data[1] == _MULTIHASH[data[0]][1]:
        name, length = _MULTIHASH[data[0]]
        if len(data) == 2 + length:
            return name, data[2:]
    if len(data) in _RAW_LENGTHS:
        return _RAW_LENGTHS[len(data)], data
    raise _bad(f"digestMultibase {value!r} is not a SHA-2 digest")


def _digests(resource: RelatedResource) -> list[tuple[str, bytes]]:
    found = [d for value in resource.digest_sri for d in _sri_digests(value)]
    found += [_multibase_digest(value) for value in resource.digest_multibase]
    return found


def check_related_resources(view: CredentialView, *, check_digests: bool) -> None:
    """Refuse malformed related resources; with ``check_digests``, also any whose digest does
    not match a resource SkillPass holds (a pinned context)."""
    seen: set[str] = set()
    for resource in view.related_resources:
        if resource.id is None:
            raise _bad("a related resource needs an id (the URL of the resource)")
        if resource.id in seen:
            raise _bad(f"related resource {resource.id} is listed twice")
        seen.add(resource.id)
        digests = _digests(resource)
        if not digests:
            raise _bad(f"related resource {resource.id} has no digestSRI or digestMultibase")
        if not check_digests:
            continue
        content = pinned_context_bytes(resource.id)
        if content is None:
            continue  # offline, nothing else can be retrieved to compare
        for algorithm, digest in digests:
            if not hmac.compare_digest(hashlib.new(algorithm, content).digest(), digest):
                raise MalformedValueError(
                    f"the {algorithm} digest of related resource {resource.id} does not match "
                    "the resource (the pinned copy of that context)",
                    code="related_resource_digest_mismatch",
                    path="/relatedResource",
                )
