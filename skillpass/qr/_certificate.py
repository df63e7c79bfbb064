"""A printable A4 certificate (PDF) whose QR code carries the whole signed credential."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from skillpass.qr import _codec, _images

QR_WIDTH_MM = 62.0  # V24 at 0.45 mm per module: comfortable for phone cameras on paper
_EQF_PREFIX = "http://data.europa.eu/snb/eqf/"

# DejaVu covers Latin (Vietnamese included), Greek, Cyrillic, Arabic and more. It is not a
# Python dependency: Debian ships it as fonts-dejavu-core, most Linux desktops have it.
_FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
    Path.home() / ".fonts",
    Path.home() / ".local" / "share" / "fonts",
)
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def _find_fonts(dirs: Iterable[Path]) -> dict[str, Path] | None:
    found: dict[str, Path] = {}
    for style, name in _FONT_FILES.items():
        for folder in dirs:
            if not folder.is_dir():
                continue
            match = next(iter(sorted(folder.rglob(name))), None)
            if match is not None:
                found[style] = match
                break
    return found if len(found) == len(_FONT_FILES) else None


def _latin1(text: str) -> str:
    """Best effort for the core PDF fonts: strip accents, replace what Latin-1 lacks."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept).encode("latin-1", "replace").decode("latin-1")


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def holder_name(doc: dict[str, Any]) -> str:
    """The holder's name: an unhashed ``name`` identifier, else ``credentialSubject.name``."""
    subject = _get(doc, "credentialSubject")
    for entry in _list(_get(subject, "identifier")):
        if (
            _get(entry, "identityType") == "name"
            and _get(entry, "hashed") is False
            and isinstance(_get(entry, "identityHash"), str)
        ):
            return str(entry["identityHash"])
    return _str(_get(subject, "name"))


def _levels(alignments: list[Any]) -> list[str]:
    levels: list[str] = []
    for a in alignments:
        url = _str(_get(a, "targetUrl"))
        framework = _str(_get(a, "targetFramework"))
        code = _str(_get(a, "targetCode"))
        name = _str(_get(a, "targetName"))
        if url.startswith(_EQF_PREFIX):
            levels.append(f"EQF level {url.removeprefix(_EQF_PREFIX)}")
        elif _get(a, "targetType") == "ext:QualificationLevel":
            label = f"{framework} level {code}".strip() if code else framework
            levels.append(f"{label}: {name}" if name and name != label else label)
    return levels


def render_certificate_pdf(
    doc: dict[str, Any], *, ec: str | None = None, font_dirs: Iterable[Path] | None = None
) -> bytes:
    """An A4 PDF certificate for ``doc`` with its QR code (vector, about 62 mm wide).

    ``ec`` defaults to Q (sturdier on paper) when the code stays within version 30 at Q, else M.
    The credential must fit the QR budget (:func:`skillpass.qr.encode` rules apply). Names in any
    script print correctly when the DejaVu fonts are installed; otherwise accents are dropped and
    other characters replaced, and the QR code still carries the exact credential.
    """
    from skillpass.qr import encode  # the public entry point applies the size budget

    text = encode(doc)
    if ec is None:
        ec = "Q" if _images.qr_version(text, "Q") <= 30 else "M"
    fonts = _find_fonts(_FONT_DIRS if font_dirs is None else font_dirs)
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(_str(doc.get("name")) or "Certificate")
    pdf.set_creator("SkillPass")
    clean: Callable[[str], str] = _latin1
    family = "Helvetica"
    if fonts:
        for style, path in fonts.items():
            pdf.add_font("DejaVu", style, str(path))
        family, clean = "DejaVu", str
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(value: str, size: float, style: str = "", height: float = 7, align: str = "L") -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(
            width, height, clean(value), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    subject = _get(doc, "credentialSubject")
    achievement = _get(subject, "achievement")
    issuer = doc.get("issuer")
    issuer_name = _str(_get(issuer, "name")) if isinstance(issuer, dict) else ""
    issuer_id = _str(_get(issuer, "id")) if isinstance(issuer, dict) else _str(issuer)
    qualification = _str(_get(achievement, "name")) or _str(doc.get("name"))
    alignments = _list(_get(achievement, "alignment"))

    pdf.set_draw_color(40, 70, 120)
    pdf.set_line_width(0.8)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_text_color(40, 70, 120)
    line(issuer_name or "Certificate", 16, "B", 8, "C")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(6)
    line("This certifies that", 11, "", 6, "C")
    line(holder_name(doc) or "(holder not named)", 22, "B", 11, "C")
    line("has been awarded", 11, "", 6, "C")
    pdf.ln(1)
    line(qualification or "(unnamed qualification)", 17, "B", 9, "C")
    pdf.ln(3)
    description = _str(_get(achievement, "description"))
    if description:
        line(description, 10, "", 5, "C")
    pdf.ln(4)

    facts: list[tuple[str, str]] = []
    levels = _levels(alignments)
    if levels:
        facts.append(("Level", "; ".join(levels)))
    field = _str(_get(achievement, "fieldOfStudy"))
    if field:
        facts.append(("Field of study", field))
    skills = [
        _str(_get(a, "targetName")) or _str(_get(a, "targetUrl"))
        for a in alignments
        if _get(a, "targetType") == "ceasn:Competency"
    ]
    if skills:
        facts.append(("Skills (ESCO)", "; ".join(s for s in skills if s)))
    awarded = _str(_get(subject, "activityEndDate")) or _str(_get(subject, "awardedDate"))
    if awarded:
        facts.append(("Completed", awarded[:10]))
    valid_from = _str(doc.get("validFrom")) or _str(doc.get("issuanceDate"))
    valid_until = _str(doc.get("validUntil")) or _str(doc.get("expirationDate"))
    if valid_from:
        facts.append(("Valid from", valid_from[:10]))
    if valid_until:
        facts.append(("Valid until", valid_until[:10]))
    facts.append(("Issued by", issuer_name or issuer_id))
    if issuer_id:
        facts.append(("Issuer DID", issuer_id))
    if isinstance(doc.get("id"), str):
        facts.append(("Credential id", doc["id"]))

    for label, value in facts:
        pdf.set_font(family, "B", 9.5)
        pdf.cell(38, 5.5, clean(label))
        pdf.set_font(family, "", 9.5)
        pdf.multi_cell(
            width - 38, 5.5, clean(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(0.8)

    # The QR code, drawn as vector rectangles so that it prints sharp at any resolution.
    matrix = _images.qr_matrix(text, ec=ec, border=4)
    module = QR_WIDTH_MM / len(matrix)
    x0 = pdf.w - pdf.r_margin - QR_WIDTH_MM
    y0 = pdf.h - 22 - QR_WIDTH_MM
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x0, y0, QR_WIDTH_MM, QR_WIDTH_MM, style="F")
    pdf.set_fill_color(0, 0, 0)
    for row, col, run in _images.dark_runs(matrix):
        pdf.rect(x0 + col * module, y0 + row * module, run * module, module, style="F")

    pdf.set_xy(pdf.l_margin, y0 + 8)
    note_width = width - QR_WIDTH_MM - 6
    notes = (
        "The QR code holds this whole credential, digitally signed by the issuer.",
        "Verify it offline: photograph the code and run: skillpass verify PHOTO.jpg",
        "A printed copy proves nothing by itself: only the signature does.",
    )
    for note in notes:
        pdf.set_font(family, "", 8.5)
        pdf.multi_cell(note_width, 4.5, clean(note), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
    pdf.set_font(family, "", 7)
    version = _images.qr_version(text, ec)
    pdf.set_xy(x0, y0 + QR_WIDTH_MM + 1)
    pdf.cell(QR_WIDTH_MM, 4, f"{_codec.PREFIX} QR version {version}-{ec}", align="C")
    return bytes(pdf.output())
