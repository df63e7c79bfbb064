"""What the page verifies with, and how it reads what a visitor gives it (no web framework here).

The page never decides validity itself: it reads a document from an upload or pasted text and
hands it to a :class:`PageVerifier`, whose ``verify`` is the one place that would switch to
the verifier package's bundle-backed verification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import skillpass
import skillpass.qr
from skillpass.errors import ParsingError, RangeError

if TYPE_CHECKING:
    from verifier import TrustBundle

__all__ = ["MAX_UPLOAD_BYTES", "PageVerifier", "bundle_verifier", "read_pasted", "read_upload"]

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
"""The largest file the page reads (a phone photo or a certificate PDF)."""


def _no_bundle() -> datetime | None:
    return None


@dataclass(frozen=True)
class PageVerifier:
    """How the page verifies: a policy (trust, status lists, DID documents) made afresh for each
    visitor, so a bundle synced while the app runs counts at once; the time that bundle was
    made (``None``: no bundle loaded; the page says so next to the revocation status) and the
    end of its validity (past it, the page warns that the bundle needs a sync)."""

    policy: Callable[[], skillpass.VerificationPolicy] = skillpass.VerificationPolicy
    bundle_time: Callable[[], datetime | None] = field(default=_no_bundle)
    bundle_until: Callable[[], datetime | None] = field(default=_no_bundle)

    def verify(
        self, doc: dict[str, Any], *, framework: str | None, id_number: str | None
    ) -> skillpass.VerificationReport:
        """The report for a credential or presentation, with the comparison and identity
        check when asked."""
        frameworks = (framework,) if framework else ()
        policy = self.policy()
        if "VerifiablePresentation" in skillpass.types_of(doc):
            return skillpass.verify_presentation(
                doc, policy=policy, frameworks=frameworks, id_number=id_number
            )
        return skillpass.verify_credential(
            doc, policy=policy, frameworks=frameworks, id_number=id_number
        )


def bundle_verifier(
    bundle: TrustBundle | None, *, allow_test_contexts: bool = False
) -> PageVerifier:
    """The page's verifier for a trust bundle (``None``: no trust configured): its trust lists,
    DID documents and status snapshots, checked once here, serve every visitor."""
    from verifier import make_policy

    policy = make_policy(bundle=bundle, allow_test_contexts=allow_test_contexts)
    made = bundle.created if bundle is not None and bundle.anchors else None
    until = bundle.valid_until if made is not None and bundle is not None else None
    return PageVerifier(policy=lambda: policy, bundle_time=lambda: made, bundle_until=lambda: until)


def _json_object(text: str) -> dict[str, Any]:
    doc = skillpass.parse_json(text, what="the JSON")
    if not isinstance(doc, dict):
        raise ParsingError("the JSON is not an object", code="not_an_object")
    return doc


def read_pasted(text: str) -> dict[str, Any]:
    """A document from pasted text: JSON, or QR text (several lines: the parts of one code
    split over several QR symbols)."""
    stripped = text.strip().removeprefix("\ufeff")
    if stripped.startswith(("{", "[")):
        return _json_object(stripped)
    lines = [line.strip() for line in stripped.splitlines() if line.strip()]
    if len(lines) > 1 and all(skillpass.qr.is_qr_text(line) for line in lines):
        return skillpass.qr.decode(skillpass.qr.join(lines))
    if lines and skillpass.qr.is_qr_text(lines[0]):
        return skillpass.qr.decode(lines[0])
    raise ParsingError(
        "the text is neither QR text (SP2:…) nor a credential's JSON", code="input_unreadable"
    )


def read_upload(data: bytes) -> dict[str, Any]:
    """A document from an uploaded file: a QR photo (PNG, JPEG…), a certificate PDF, a JSON
    file or a text file of QR text. File names are not trusted; the first bytes decide."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise RangeError(
            f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
            code="input_too_large",
        )
    if not data.strip():
        raise ParsingError("the file is empty", code="input_unreadable")
    if skillpass.qr.image_kind(data) is not None:
        return skillpass.qr.read_document(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParsingError(
            "the file is neither an image, a PDF, JSON nor QR text", code="input_unreadable"
        ) from None
    return read_pasted(text)
