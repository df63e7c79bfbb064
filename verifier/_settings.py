"""Settings of the verification routes (a plain dataclass: no Pydantic, no FastAPI)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["VerifierSettings"]

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class VerifierSettings:
    """How the VC-API verify routes judge documents.

    * ``bundle``: a trust bundle file; without one, trust and status are reported ``unknown``.
    * ``require_trust``: with a bundle, a credential whose issuer the trust lists do not
      accredit (or whose status cannot be checked) is refused (422). Off by default: the W3C
      conformance suites send credentials of their own ``did:key`` issuers and expect 200.
    * ``max_body_bytes``: larger request bodies are refused (413) unread.
    * ``allow_test_contexts``: accept the W3C test-only contexts (conformance runs only).
    """

    bundle: Path | None = None
    require_trust: bool = False
    max_body_bytes: int = 2 * 1024 * 1024
    allow_test_contexts: bool = False

    @classmethod
    def from_env(cls) -> VerifierSettings:
        """``SKILLPASS_TRUST_BUNDLE``, ``SKILLPASS_REQUIRE_TRUST``,
        ``SKILLPASS_VERIFY_MAX_BODY_BYTES`` and ``SKILLPASS_ALLOW_TEST_CONTEXTS``."""
        bundle = os.environ.get("SKILLPASS_TRUST_BUNDLE")
        size = os.environ.get("SKILLPASS_VERIFY_MAX_BODY_BYTES", "")
        return cls(
            bundle=Path(bundle) if bundle else None,
            require_trust=os.environ.get("SKILLPASS_REQUIRE_TRUST", "").lower() in _TRUE,
            max_body_bytes=int(size) if size.isdigit() else 2 * 1024 * 1024,
            allow_test_contexts=os.environ.get("SKILLPASS_ALLOW_TEST_CONTEXTS", "").lower()
            in _TRUE,
        )
