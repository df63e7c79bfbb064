"""``skillpass certificate``: the printed PDF's QR code decodes and verifies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
import typer
from typer.testing import CliRunner

import skillpass
import skillpass.qr as qr
from skillpass.cli.certificate import certificate
from skillpass.qr import _certificate

runner = CliRunner()
app = typer.Typer()
app.command()(certificate)


@pytest.fixture(scope="module")
def signed() -> dict[str, Any]:
    from conftest import EXAMPLES, load_json

    doc: dict[str, Any] = load_json(EXAMPLES / "reference-qualification.json")
    doc["credentialSubject"]["identifier"][0]["identityHash"] = "Nguyễn Thị Lan Dela Cruz"
    key = skillpass.KeyPair.generate()
    doc["issuer"]["id"] = key.did
    result: dict[str, Any] = skillpass.sign_credential(doc, key)
    return result


def _pages(pdf: bytes, dpi: int = 150) -> list[Any]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil() for page in document]
    finally:
        document.close()


def _text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        return str(page.get_textpage().get_text_range())
    finally:
        document.close()


def test_certificate_pdf_qr_decodes_and_verifies(tmp_path: Path, signed: dict[str, Any]) -> None:
    cred = tmp_path / "cred.json"
    cred.write_text(json.dumps(signed), encoding="utf-8")
    out = tmp_path / "cert.pdf"
    result = runner.invoke(app, [str(cred), "--out", str(out)])
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = _pages(pdf)
    assert len(pages) == 1
    width_mm = pages[0].width / 150 * 25.4
    assert 205 < width_mm < 215  # A4
    doc = qr.decode(qr.read_image(_png(pages[0])))
    assert doc == signed
    proof = {c.id: c for c in skillpass.verify_credential(doc).checks}["proof"]
    assert proof.status == "valid"


def test_certificate_shows_the_facts(signed: dict[str, Any]) -> None:
    text = _text(qr.render_certificate_pdf(signed))
    # Without DejaVu installed (Debian: fonts-dejavu-core) accents are dropped, not crashed on.
    unicode_fonts = _certificate._find_fonts(_certificate._FONT_DIRS) is not None
    name = "Nguyễn Thị Lan Dela Cruz" if unicode_fonts else "Nguyen Thi Lan Dela Cruz"
    for expected in (
        name,
        "Shielded Metal Arc Welding (SMAW) NC II",
        "PH-PQF level 2",
        "interpret welding symbols",
        "Regional Training Center Central Visayas",
        signed["issuer"]["id"],
        "2026-03-14",
        "2031-03-13",
        signed["id"],
    ):
        assert expected in text


def test_certificate_at_low_resolution_scan(signed: dict[str, Any]) -> None:
    # 100 dpi is a poor office scanner; the 62 mm code still reads.
    page = _pages(qr.render_certificate_pdf(signed, ec="M"), dpi=100)[0]
    assert qr.decode(qr.read_image(_png(page))) == signed


def test_certificate_without_unicode_fonts_degrades(signed: dict[str, Any]) -> None:
    pdf = _certificate.render_certificate_pdf(signed, font_dirs=[])
    assert "Nguyen Thi Lan Dela Cruz" in _text(pdf)
    assert qr.decode(qr.read_image(_png(_pages(pdf)[0]))) == signed
    assert _certificate._latin1("عائشة Đỗ") == "????? ?o"


def test_certificate_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, [str(tmp_path / "missing.json"), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "input_unreadable" in result.stderr
    result = runner.invoke(app, ["SP1:AB", "--out", str(tmp_path / "x.pdf"), "--ec", "X"])
    assert result.exit_code == 2


def _png(image: Any) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
