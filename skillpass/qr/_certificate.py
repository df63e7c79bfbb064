"""A printable A4 certificate (PDF) whose QR code carries the whole signed credential."""

from __future__ import annotations

import dataclasses
import logging
import os
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # fpdf2's dependency
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.errors import FPDFException

from skillpass._canon import check_and_expand
from skillpass._contexts import CREDENTIALS_V1
from skillpass._dates import format_datetime
from skillpass._policy import VerificationPolicy
from skillpass._summary import pick_text
from skillpass._verify import credential_check_failed, verify_credential
from skillpass._view import CredentialView, credential_view
from skillpass._vocab import COMPETENCY
from skillpass.errors import CryptographicSecurityError
from skillpass.qr import DRAFT_MARK, Certificate, _codec, _images

QR_WIDTH_MM = 62.0  # V24 at 0.45 mm per module: comfortable for phone cameras on paper

"""Printed on certificates of credentials that did not verify (``draft=True``)."""

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

# Fallback fonts for scripts DejaVu lacks, tried only for characters DejaVu cannot print.
# (regular file, bold file or "", Debian package)
_CJK_FONTS = (
    ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "fonts-noto-cjk"),
    ("wqy-microhei.ttc", "", "fonts-wqy-microhei"),
    ("wqy-zenhei.ttc", "", "fonts-wqy-zenhei"),
    ("DroidSansFallbackFull.ttf", "", "fonts-droid-fallback"),
)
_CJK_WORDS = frozenset({"CJK", "HANGUL", "HIRAGANA", "KATAKANA", "BOPOMOFO", "IDEOGRAPHIC"})
_CJK_PACKAGE = "fonts-noto-cjk"
# Scripts of Debian's fonts-noto-core, by the first word of their Unicode character names.
_NOTO_SCRIPTS = frozenset(
    {
        "BENGALI", "DEVANAGARI", "ETHIOPIC", "GUJARATI", "GURMUKHI", "KANNADA", "KHMER", "LAO",
        "MALAYALAM", "MYANMAR", "ORIYA", "SINHALA", "TAMIL", "TELUGU", "THAI", "GEORGIAN",
        "ARMENIAN", "HEBREW", "SYRIAC", "THAANA", "TIFINAGH", "CHEROKEE", "JAVANESE", "BALINESE",
    }
)  # fmt: skip
_NOTO_PACKAGE = "fonts-noto-core"
_DEJAVU_PACKAGE = "fonts-dejavu-core"
# Characters that take no glyph of their own (joiners, direction marks, variation selectors).
_NO_GLYPH_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
_PUNCTUATION_ASCII = str.maketrans(
    {"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
)


def _index_fonts(dirs: Iterable[Path]) -> dict[str, Path]:
    """Font file name -> its first path in ``dirs`` (earlier folders win)."""
    index: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for root, subdirs, files in os.walk(folder):
            subdirs.sort()
            for name in sorted(files):
                if name.lower().endswith((".ttf", ".otf", ".ttc")):
                    index.setdefault(name, Path(root) / name)
    return index


def _find_fonts(dirs: Iterable[Path]) -> dict[str, Path] | None:
    """The DejaVu Sans regular and bold files, or None when either is missing."""
    index = _index_fonts(dirs)
    found = {style: index[name] for style, name in _FONT_FILES.items() if name in index}
    return found if len(found) == len(_FONT_FILES) else None


def _script(ch: str) -> str:
    return unicodedata.name(ch, "").split(" ", 1)[0]


def _package_for(ch: str, *, have_dejavu: bool) -> str:
    """The Debian package whose fonts print ``ch``."""
    script = _script(ch)
    wide_letter = unicodedata.category(ch)[0] in "LN" and unicodedata.east_asian_width(ch) in "WF"
    if script in _CJK_WORDS or wide_letter:
        return _CJK_PACKAGE
    if script in _NOTO_SCRIPTS or have_dejavu:
        return _NOTO_PACKAGE
    return _DEJAVU_PACKAGE


def _cmap(path: Path) -> set[int]:
    try:
        with TTFont(str(path), fontNumber=0, lazy=True) as font:
            return set(font.getBestCmap() or {})
    except Exception:  # an unreadable font file is simply not used
        return set()


def _fallback_candidates(
    missing: set[str], index: dict[str, Path]
) -> list[tuple[Path, Path | None]]:
    """Installed fonts that may print ``missing``: (regular, bold or None), best first."""
    candidates: list[tuple[Path, Path | None]] = []
    scripts = {_script(ch) for ch in missing}
    names: list[tuple[str, str]] = []
    if any(_package_for(ch, have_dejavu=True) == _CJK_PACKAGE for ch in missing):
        names += [(regular, bold) for regular, bold, _ in _CJK_FONTS]
    for script in sorted(scripts & _NOTO_SCRIPTS):
        title = script.title()
        names.append((f"NotoSans{title}-Regular.ttf", f"NotoSans{title}-Bold.ttf"))
        names.append((f"NotoSerif{title}-Regular.ttf", f"NotoSerif{title}-Bold.ttf"))
    names.append(("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"))
    for regular, bold in names:
        if regular in index:
            candidates.append((index[regular], index.get(bold) if bold else None))
    return candidates


@contextmanager
def _quiet_fpdf() -> Iterator[None]:
    """fpdf2 reports through warnings and logging; the caller reports what matters itself."""
    logger = logging.getLogger("fpdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _latin1(text: str) -> str:
    """Best effort for the core PDF fonts: strip accents, replace what Latin-1 lacks."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PUNCTUATION_ASCII))
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept).encode("latin-1", "replace").decode("latin-1")


def _level_lines(view: CredentialView) -> list[str]:
    lines: list[str] = []
    for subject in view.subjects:
        for achievement in subject.achievements:
            for alignment in achievement.alignments:
                level = alignment.level
                if level is None:
                    continue
                name = pick_text(alignment.name) or ""
                label = f"{level[0]} level {level[1]}"
                lines.append(f"{label}: {name}" if name and name != label else label)
    return list(dict.fromkeys(lines))


def _facts(view: CredentialView) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    levels = _level_lines(view)
    if levels:
        facts.append(("Level", "; ".join(levels)))
    achievements = [a for s in view.subjects for a in s.achievements]
    fields = [pick_text(a.field_of_study) for a in achievements]
    if any(fields):
        facts.append(("Field of study", "; ".join(dict.fromkeys(f for f in fields if f))))
    skills = [
        pick_text(a.name) or a.url or ""
        for achievement in achievements
        for a in achievement.alignments
        if a.target_type == COMPETENCY
    ]
    if any(skills):
        facts.append(("Skills (ESCO)", "; ".join(s for s in skills if s)))
    completed = sorted(s.completed for s in view.subjects if s.completed is not None)
    if completed:
        facts.append(("Completed", format_datetime(completed[-1])[:10]))
    if view.awarded is not None:
        facts.append(("Awarded", format_datetime(view.awarded)[:10]))
    if view.valid_from:
        facts.append(("Valid from", format_datetime(max(view.valid_from))[:10]))
    if view.valid_until:
        facts.append(("Valid until", format_datetime(min(view.valid_until))[:10]))
    facts.append(("Issued by", pick_text(view.issuer_name) or view.issuer))
    facts.append(("Issuer DID", view.issuer))
    if view.id is not None:
        facts.append(("Credential id", view.id))
    return facts


def holder_name(view: CredentialView) -> str:
    """The holder's name(s): the subject's ``name``, or unhashed ``name`` identifiers."""
    names = [n for s in view.subjects for n in s.holder_names]
    return ", ".join(dict.fromkeys(names))


_NOTES = (
    "The QR code holds this whole credential, digitally signed by the issuer.",
    "Verify it offline: photograph the code and run: skillpass verify PHOTO.jpg",
    "A printed copy proves nothing by itself: only the signature does.",
)
_DRAFT_NOTE = (
    f"{DRAFT_MARK}: this credential did not verify when it was printed. Do not hand it out."
)


class _Fonts:
    """Which fonts print the certificate's text, and which characters none of them has."""

    def __init__(self, pdf: FPDF, texts: Iterable[str], dirs: Iterable[Path]) -> None:
        chars = {
            ch
            for text in texts
            for ch in text
            if unicodedata.category(ch) not in _NO_GLYPH_CATEGORIES and not ch.isspace()
        }
        index = _index_fonts(dirs)
        main = {style: index.get(name) for style, name in _FONT_FILES.items()}
        self.files: list[Path] = []
        self.shaping = False
        if main[""] is None or main["B"] is None:
            self.family = "Helvetica"
            printable = {ch for ch in chars if ch.translate(_PUNCTUATION_ASCII) <= "\xff"}
            self.missing = chars - printable
            self.have_unicode = False
            return
        self.family, self.have_unicode = "DejaVu", True
        regular, bold = main[""], main["B"]
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        self.files += [regular, bold]
        both = _cmap(regular) & _cmap(bold)
        missing = {ch for ch in chars if ord(ch) not in both}
        fallbacks: list[str] = []
        # Glyphs only one DejaVu style has come first, then fonts for other scripts.
        candidates: list[tuple[Path, Path | None]] = [(regular, bold)] if missing else []
        candidates += _fallback_candidates(missing, index) if missing else []
        for number, (font, font_bold) in enumerate(candidates):
            if not missing:
                break
            cmap = _cmap(font) | (_cmap(font_bold) if font_bold else set())
            covered = {ch for ch in missing if ord(ch) in cmap}
            if not covered:
                continue
            family = f"Fallback{number}"
            pdf.add_font(family, "", str(font))
            if font_bold is not None:
                pdf.add_font(family, "B", str(font_bold))
            fallbacks.append(family)
            self.files += [p for p in (font, font_bold) if p is not None and p not in self.files]
            missing -= covered
        if fallbacks:
            pdf.set_fallback_fonts(fallbacks, exact_match=False)
        self.missing = missing
        try:
            pdf.set_text_shaping(True)  # uharfbuzz: Arabic joined right to left, Indic clusters
            self.shaping = True
        except FPDFException:
            self.shaping = False

    def clean(self, text: str) -> str:
        """``text`` as it can be printed: characters without a glyph become ``?``."""
        if not self.have_unicode:
            return _latin1(text)
        return "".join("?" if ch in self.missing else ch for ch in text)


def build_certificate(
    doc: dict[str, Any],
    *,
    ec: str | None = None,
    font_dirs: Iterable[Path] | None = None,
    policy: VerificationPolicy | None = None,
    allow_unverified: bool = False,
) -> Certificate:
    """See :func:`skillpass.qr.make_certificate`."""
    report = verify_credential(doc, policy=policy)
    reason = credential_check_failed(report)
    if reason is not None and not allow_unverified:
        raise CryptographicSecurityError(
            f"{reason}; its QR code would not verify. Sign it first (skillpass sign), or print "
            "a marked draft (allow_unverified, --allow-unverified)",
            code="certificate_unverified",
        )
    if report.checked is not None:
        view = report.checked.view
    else:
        # A draft still prints only what the signed data would say; a document that breaks
        # the safety rules has no such meaning and cannot be printed at all.
        unsecured = {k: value for k, value in doc.items() if k != "proof"}
        expanded = check_and_expand(unsecured, allow_test_contexts=False)
        context = doc.get("@context")
        first = context[0] if isinstance(context, list) and context else context
        view = credential_view(expanded, vcdm1=first == CREDENTIALS_V1)
    certificate = _render(doc, view, ec=ec, font_dirs=font_dirs, draft=reason is not None)
    return dataclasses.replace(certificate, unverified_reason=reason)


def _render(
    doc: dict[str, Any],
    view: CredentialView,
    *,
    ec: str | None,
    font_dirs: Iterable[Path] | None,
    draft: bool,
) -> Certificate:
    """Print ``view``'s facts with ``doc``'s QR code (vector, about 62 mm wide).

    ``ec`` defaults to Q (sturdier on paper) when the code stays within version 30 at Q, else M.
    The credential must fit the QR budget (:func:`skillpass.qr.encode` rules apply). Text is
    printed with DejaVu Sans, shaped (Arabic joined, right to left) with HarfBuzz; scripts it
    lacks (CJK, Indic…) use fonts found in ``font_dirs`` (Noto CJK, WenQuanYi, Droid Sans
    Fallback, Noto Sans <script>). A character no font has is printed as ``?`` and listed in
    :attr:`Certificate.missing`. Without DejaVu, accents are dropped and other characters
    replaced. The QR code always carries the exact credential.
    """
    from skillpass.qr import encode  # the public entry point applies the size budget

    text = encode(doc)
    if ec is None:
        ec = "Q" if _images.qr_version(text, "Q") <= 30 else "M"
    heading = pick_text(view.issuer_name) or "Certificate"
    holder = holder_name(view) or "(holder not named)"
    achievements = [a for s in view.subjects for a in s.achievements]
    qualification = "; ".join(
        dict.fromkeys(n for a in achievements if (n := pick_text(a.name)))
    ) or (pick_text(view.name) or "(unnamed qualification)")
    description = "; ".join(
        dict.fromkeys(d for a in achievements if (d := pick_text(a.description)))
    )
    facts = _facts(view)
    notes = (_DRAFT_NOTE, *_NOTES) if draft else _NOTES
    texts = [heading, holder, qualification, description, *notes, DRAFT_MARK]
    texts += [part for fact in facts for part in fact]

    with _quiet_fpdf():
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_margins(20, 18, 20)
        pdf.set_auto_page_break(auto=False)
        pdf.set_title(pick_text(view.name) or qualification)
        pdf.set_creator("SkillPass")
        fonts = _Fonts(pdf, texts, _FONT_DIRS if font_dirs is None else font_dirs)
        _draw(
            pdf,
            fonts,
            lines=(heading, holder, qualification, description),
            facts=facts,
            notes=notes,
            qr_text=text,
            ec=ec,
            draft=draft,
        )
        data = bytes(pdf.output())
    have_dejavu = fonts.have_unicode
    return Certificate(
        pdf=data,
        shaping=fonts.shaping,
        fonts=tuple(fonts.files),
        missing="".join(sorted(fonts.missing)),
        packages=tuple(sorted({_package_for(ch, have_dejavu=have_dejavu) for ch in fonts.missing})),
    )


def _draw(
    pdf: FPDF,
    fonts: _Fonts,
    *,
    lines: tuple[str, str, str, str],
    facts: list[tuple[str, str]],
    notes: tuple[str, ...],
    qr_text: str,
    ec: str,
    draft: bool,
) -> None:
    heading, holder, qualification, description = lines
    family, clean = fonts.family, fonts.clean
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(value: str, size: float, style: str = "", height: float = 7, align: str = "L") -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(
            width, height, clean(value), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    pdf.set_draw_color(40, 70, 120)
    pdf.set_line_width(0.8)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    if draft:
        pdf.set_xy(pdf.l_margin, 11.5)
        pdf.set_text_color(200, 0, 0)
        pdf.set_font(family, "B", 13)
        pdf.cell(width, 6, clean(DRAFT_MARK), align="C")
        pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.set_text_color(40, 70, 120)
    line(heading, 16, "B", 8, "C")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(6)
    line("This certifies that", 11, "", 6, "C")
    line(holder, 22, "B", 11, "C")
    line("has been awarded", 11, "", 6, "C")
    pdf.ln(1)
    line(qualification, 17, "B", 9, "C")
    pdf.ln(3)
    if description:
        line(description, 10, "", 5, "C")
    pdf.ln(4)

    for label, value in facts:
        pdf.set_font(family, "B", 9.5)
        pdf.cell(38, 5.5, clean(label))
        pdf.set_font(family, "", 9.5)
        pdf.multi_cell(
            width - 38, 5.5, clean(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(0.8)

    # The QR code, drawn as vector rectangles so that it prints sharp at any resolution.
    matrix = _images.qr_matrix(qr_text, ec=ec, border=4)
    module = QR_WIDTH_MM / len(matrix)
    x0 = pdf.w - pdf.r_margin - QR_WIDTH_MM
    y0 = pdf.h - 22 - QR_WIDTH_MM
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x0, y0, QR_WIDTH_MM, QR_WIDTH_MM, style="F")
    pdf.set_fill_color(0, 0, 0)
    for row, col, run in _images.dark_runs(matrix):
        pdf.rect(x0 + col * module, y0 + row * module, run * module, module, style="F")

    pdf.set_xy(pdf.l_margin, y0 + (0 if draft else 8))
    note_width = width - QR_WIDTH_MM - 6
    for number, note in enumerate(notes):
        is_draft_note = draft and number == 0
        pdf.set_text_color(*((200, 0, 0) if is_draft_note else (0, 0, 0)))
        pdf.set_font(family, "B" if is_draft_note else "", 8.5)
        pdf.multi_cell(note_width, 4.5, clean(note), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(family, "", 7)
    version = _images.qr_version(qr_text, ec)
    pdf.set_xy(x0, y0 + QR_WIDTH_MM + 1)
    pdf.cell(QR_WIDTH_MM, 4, f"{_codec.PREFIX} QR version {version}-{ec}", align="C")
