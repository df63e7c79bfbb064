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
    * ``anchors``: the trust anchors' DIDs; ``None`` uses the bundle's own (whoever wrote the
      bundle is then trusted whole). Pinned, the bundle's unsigned did:web documents give no
      key the trust lists do not pin (see :func:`verifier.make_policy`).
    """

    bundle: Path | None = None
    require_trust: bool = False
    max_body_bytes: int = 2 * 1024 * 1024
    allow_test_contexts: bool = False
    anchors: tuple[str, ...] | None = None

    @classmethod
    def from_env(cls) -> VerifierSettings:
        """``SKILLPASS_TRUST_BUNDLE``, ``SKILLPASS_REQUIRE_TRUST``,
        ``SKILLPASS_VERIFY_MAX_BODY_BYTES``, ``SKILLPASS_ALLOW_TEST_CONTEXTS`` and
        ``SKILLPASS_TRUST_ANCHORS`` (DIDs separated by spaces or commas)."""
        bundle = os.environ.get("SKILLPASS_TRUST_BUNDLE")
        anchors = os.environ.get("SKILLPASS_TRUST_ANCHORS", "").replace(",", " ").split()
        size = os.environ.get("SKILLPASS_VERIFY_MAX_BODY_BYTES", "")
        return cls(
            bundle=Path(bundle) if bundle else None,
            require_trust=os.environ.get("SKILLPASS_REQUIRE_TRUST", "").lower() in _TRUE,
            max_body_bytes=int(size) if size.isdigit() else 2 * 1024 * 1024,
            allow_test_contexts=os.environ.get("SKILLPASS_ALLOW_TEST_CONTEXTS", "").lower()
            in _TRUE,
            anchors=tuple(anchors) or None,
        )
