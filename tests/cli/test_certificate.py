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
    from tests.conftest import EXAMPLES, load_json

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
    pdf = qr.make_certificate(signed, font_dirs=[]).pdf
    assert "Nguyen Thi Lan Dela Cruz" in _text(pdf)
    assert qr.decode(qr.read_image(_png(_pages(pdf)[0]))) == signed
    assert _certificate._latin1("عائشة Đỗ") == "????? ?o"


def test_certificate_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, [str(tmp_path / "missing.json"), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "input_unreadable" in result.stderr
    result = runner.invoke(app, ["SP1:AB", "--out", str(tmp_path / "x.pdf"), "--ec", "X"])
    assert result.exit_code == 2 and "--ec" in result.output  # as for skillpass qr encode --ec


def _cred_file(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "cred.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _unsigned() -> dict[str, Any]:
    from tests.conftest import EXAMPLES, load_json

    doc: dict[str, Any] = load_json(EXAMPLES / "reference-qualification.json")
    doc.pop("proof", None)
    return doc


def _tampered(signed: dict[str, Any]) -> dict[str, Any]:
    doc = json.loads(json.dumps(signed))
    doc["credentialSubject"]["achievement"]["name"] = "Master Welder (forged)"
    return doc


@pytest.mark.parametrize(
    ("make", "check"),
    [
        (lambda signed: _unsigned(), "format check is invalid (no_proof"),
        (_tampered, "proof check is invalid (invalid_signature"),
        (lambda signed: {"a": 1}, "format check is invalid"),
    ],
)
def test_unverified_credential_is_refused(
    tmp_path: Path, signed: dict[str, Any], make: Any, check: str
) -> None:
    out = tmp_path / "cert.pdf"
    result = runner.invoke(app, [str(_cred_file(tmp_path, make(signed))), "--out", str(out)])
    assert result.exit_code == 2
    assert "error: certificate_unverified" in result.stderr
    assert check in " ".join(result.stderr.split())
    assert not out.exists()


def test_allow_unverified_prints_a_marked_draft(tmp_path: Path, signed: dict[str, Any]) -> None:
    out = tmp_path / "draft.pdf"
    cred = _cred_file(tmp_path, _tampered(signed))
    result = runner.invoke(app, [str(cred), "--out", str(out), "--allow-unverified"])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "invalid_signature" in result.stderr
    assert qr.DRAFT_MARK in _text(out.read_bytes())
    # A verified credential carries no such mark.
    good = tmp_path / "good.pdf"
    cred = _cred_file(tmp_path, signed)
    result = runner.invoke(app, [str(cred), "--out", str(good), "--allow-unverified"])
    assert result.exit_code == 0, result.output
    assert "NOT VERIFIED" not in _text(good.read_bytes())


def test_existing_pdf_is_kept_without_force(tmp_path: Path, signed: dict[str, Any]) -> None:
    out = tmp_path / "cert.pdf"
    out.write_bytes(b"the certificate printed last year")
    cred = _cred_file(tmp_path, signed)
    result = runner.invoke(app, [str(cred), "--out", str(out)])
    assert result.exit_code == 2 and "error: output_exists" in result.stderr
    assert "--force" in result.stderr
    assert out.read_bytes() == b"the certificate printed last year"
    result = runner.invoke(app, [str(cred), "--out", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


# --------------------------------------------------------------------------- names in any script


@pytest.fixture
def dejavu_only(tmp_path: Path) -> Path:
    """A font folder with DejaVu Sans alone (no CJK or Indic fonts, whatever is installed)."""
    fonts = _certificate._find_fonts(_certificate._FONT_DIRS)
    if fonts is None:
        pytest.skip("DejaVu Sans is not installed (Debian: fonts-dejavu-core)")
    folder = tmp_path / "fonts"
    folder.mkdir()
    for path in fonts.values():
        (folder / path.name).symlink_to(path)
    return folder


def _named(signed: dict[str, Any], name: str) -> dict[str, Any]:
    doc = json.loads(json.dumps(signed))
    doc["credentialSubject"]["identifier"][0]["identityHash"] = name
    doc.pop("proof")
    key = skillpass.KeyPair.generate()
    doc["issuer"]["id"] = key.did
    result: dict[str, Any] = skillpass.sign_credential(doc, key)
    return result


def test_arabic_name_is_shaped(signed: dict[str, Any], dejavu_only: Path) -> None:
    name = "عائشة محمد الحسن"
    cert = qr.make_certificate(_named(signed, name), font_dirs=[dejavu_only])
    assert cert.shaping  # HarfBuzz: letters joined, right to left
    assert cert.missing == "" and cert.packages == ()
    assert [p.name for p in cert.fonts] == ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"]
    # Text extraction gives the name back in logical order (it read backwards before shaping).
    assert name in _text(cert.pdf)


def test_cjk_name_without_a_cjk_font_is_marked_and_refused(
    tmp_path: Path, signed: dict[str, Any], dejavu_only: Path
) -> None:
    doc = _named(signed, "王小明 Wang Xiaoming")
    cert = qr.make_certificate(doc, font_dirs=[dejavu_only])
    assert cert.missing == "".join(sorted("王小明"))
    assert cert.packages == ("fonts-noto-cjk",)
    assert "??? Wang Xiaoming" in _text(cert.pdf)
    assert qr.decode(qr.read_image(_png(_pages(cert.pdf)[0]))) == doc  # the QR is exact

    # The command does not print "???" for a name: it says which script and which package.
    out = tmp_path / "cert.pdf"
    args = [str(_cred_file(tmp_path, doc)), "--out", str(out), "--font-dir", str(dejavu_only)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    stderr = " ".join(result.stderr.split())
    assert stderr.startswith("error: font_missing: no installed font can print")
    assert "小" in stderr and "Cjk script" in stderr and "apt-get install fonts-noto-cjk" in stderr
    assert not out.exists()


def test_cjk_name_with_an_installed_cjk_font(signed: dict[str, Any]) -> None:
    index = _certificate._index_fonts(_certificate._FONT_DIRS)
    if not any(regular in index for regular, _, _ in _certificate._CJK_FONTS):
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk or fonts-wqy-microhei)")
    cert = qr.make_certificate(_named(signed, "王小明"))
    assert cert.missing == ""
    assert len(cert.fonts) == 3
    assert "王小明" in _text(cert.pdf)


def test_without_unicode_fonts_replacements_are_reported(signed: dict[str, Any]) -> None:
    cert = qr.make_certificate(_named(signed, "Đỗ عائشة"), font_dirs=[])
    assert cert.fonts == () and not cert.shaping
    assert set(cert.missing) == set("Đỗعائشة")
    assert "fonts-dejavu-core" in cert.packages


def _png(image: Any) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_did_web_institute_prints_with_its_did_document(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLES, load_json

    key = skillpass.KeyPair.generate()
    did = "did:web:rtc7.example.ph"
    doc = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = did
    signed = skillpass.sign_credential(doc, key, verification_method=f"{did}#key-1")
    cred = tmp_path / "signed.json"
    cred.write_text(json.dumps(signed))
    did_doc = tmp_path / "did.json"
    did_doc.write_text(
        json.dumps(
            skillpass.did_web_document(
                did, [skillpass.WebKey(key.public_key.multibase, key_id="key-1")]
            )
        )
    )
    refused = runner.invoke(app, [str(cred), "--out", str(tmp_path / "a.pdf")])
    assert refused.exit_code == 2
    assert "certificate_unverified" in refused.stderr
    printed = runner.invoke(
        app, [str(cred), "--out", str(tmp_path / "b.pdf"), "--did-document", str(did_doc)]
    )
    assert printed.exit_code == 0, printed.output
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_oversized_credential_prints_a_row_of_codes_that_scans_together() -> None:
    from tests.skillpass import qr_samples

    doc = qr_samples.oversized()
    pdf = qr.render_certificate_pdf(doc)
    pages = _pages(pdf, dpi=200)
    assert len(pages) == 2  # forty skills push the codes onto a page of their own
    assert qr.decode(qr.read_image(_png(pages[-1]))) == doc
    document = pypdfium2.PdfDocument(pdf)
    try:
        last = str(document[1].get_textpage().get_text_range())
    finally:
        document.close()
    assert "2 QR codes (Structured Append)" in last


def test_ten_skills_fit_one_code_on_one_page() -> None:
    from tests.skillpass import qr_samples

    doc = qr_samples.ten_skills()
    pages = _pages(qr.render_certificate_pdf(doc))
    assert len(pages) == 1
    assert qr.decode(qr.read_image(_png(pages[0]))) == doc
