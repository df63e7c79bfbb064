"""Reading a PDF's QR code has one pixel budget over all pages and resolutions."""

from __future__ import annotations

import pytest

import skillpass
import skillpass.qr as qr


def _blank_pdf(pages: int, side: int) -> bytes:
    """A PDF of ``pages`` blank pages of ``side`` x ``side`` points (a few hundred bytes)."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [{}] /Count {} >>".format(
            " ".join(f"{3 + i} 0 R" for i in range(pages)), pages
        ),
        *(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side} {side}] >>" for _ in range(pages)),
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("ascii")


def test_ten_large_blank_pages_are_refused_before_all_are_rendered() -> None:
    """Each page is under the one-page cap (60 million pixels at 300 dpi), so before the
    budget all twenty renderings (ten pages, two resolutions) were made and scanned: about
    half a minute for a PDF of 1 KB."""
    data = _blank_pdf(10, 1850)
    assert len(data) < 2000
    with pytest.raises(skillpass.SkillpassError) as caught:
        qr.read_document(data)
    assert caught.value.code == "image_too_large"


def test_a_few_a4_pages_without_a_code_are_still_all_scanned() -> None:
    with pytest.raises(skillpass.SkillpassError) as caught:
        qr.read_document(_blank_pdf(3, 842))
    assert caught.value.code == "qr_not_found"
