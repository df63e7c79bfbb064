"""Holder identifiers as Open Badges 3.0 ``IdentityObject`` hashes (not public API).

OB 3.0 defines an ``IdentityHash`` as ``<algorithm>$<hex digest of value + salt>`` with the
algorithms ``sha256`` and ``md5``. SkillPass issues ``sha256`` only, but checks either, since
credentials from other issuers may use ``md5``.

Note that a passport number has little entropy: anyone holding the credential can test
candidate numbers against the hash. The salt only stops precomputed tables and linking the same
person across credentials; it does not make the number secret.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from typing import Any

from ..errors import MalformedValueError

__all__ = ["check_identifier", "hash_identifier", "normalize_identifier"]

_INVALID_IDENTIFIER = "invalid_identifier"


def normalize_identifier(value: str) -> str:
    """The form that is hashed: NFKC, no whitespace anywhere, upper case (``"p 123 4567a"``
    → ``"P1234567A"``), so that how an officer types the number does not matter."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def hash_identifier(value: str, salt: str) -> str:
    """``sha256$<hex>`` of the normalized ``value`` followed by ``salt`` (an OB 3.0 IdentityHash).

    >>> hash_identifier("p1234567a", "k3V9qL2m") == hash_identifier(" P1234567A ", "k3V9qL2m")
    True
    """
    digest = hashlib.sha256((normalize_identifier(value) + salt).encode("utf-8")).hexdigest()
    return "sha256$" + digest


def check_identifier(identity_object: Mapping[str, Any], value: str) -> bool:
    """Whether ``value`` (e.g. the number read from a passport) matches an ``IdentityObject``.

    Hashed objects are recomputed with their salt; plain ones (``hashed: false``) are compared
    after the same normalization. The comparison takes constant time. A malformed object raises
    :class:`~skillpass.errors.MalformedValueError` (code ``invalid_identifier``).
    """
    hashed = identity_object.get("hashed")
    stored = identity_object.get("identityHash")
    salt = identity_object.get("salt", "")
    if not isinstance(hashed, bool) or not isinstance(stored, str) or not isinstance(salt, str):
        raise MalformedValueError(
            "IdentityObject needs a boolean 'hashed', a string 'identityHash' and a string 'salt'",
            code=_INVALID_IDENTIFIER,
        )
    if not hashed:
        return hmac.compare_digest(
            normalize_identifier(stored).encode("utf-8"),
            normalize_identifier(value).encode("utf-8"),
        )
    algorithm, sep, expected = stored.partition("$")
    if not sep or algorithm not in ("sha256", "md5"):
        raise MalformedValueError(
            "identityHash must be 'sha256$<hex>' or 'md5$<hex>'", code=_INVALID_IDENTIFIER
        )
    data = (normalize_identifier(value) + salt).encode("utf-8")
    # md5 is only ever recomputed to compare with what another issuer wrote.
    actual = hashlib.new(algorithm, data, usedforsecurity=algorithm == "sha256").hexdigest()
    return hmac.compare_digest(actual.encode("ascii"), expected.lower().encode("utf-8"))
