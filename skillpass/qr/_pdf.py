"""Reading the QR code of a PDF (a SkillPass certificate): its pages are rendered and scanned.

The certificate draws its QR code as vector rectangles, so there is no embedded image to
extract: the page is rasterised with pdfium (pypdfium2) and scanned like a photo.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from skillpass.errors import ParsingError, RangeError

MAX_PAGES = 10
"""Only the first pages are scanned: a certificate has one."""
_SCALES = (150 / 72, 300 / 72)  # 150 dpi reads a 62 mm code; 300 dpi for small ones
MAX_TOTAL_PIXELS = 120_000_000
"""Pixels rendered and scanned for one PDF, over all pages and both resolutions: ten A4 pages
at 150 and 300 dpi take 109 million. Without it a 1 KB PDF of ten large blank pages cost
half a minute of rendering and scanning."""


def pdf_pages(data: bytes) -> Iterator[bytes]:
    """PNG images of the first :data:`MAX_PAGES` pages of a PDF, at 150 then 300 dpi (made
    one at a time: a caller stops at the first page whose QR code it reads).

    Raises :class:`ParsingError` ``pdf_unreadable`` for a damaged or encrypted PDF.
    """
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise ParsingError(f"the PDF cannot be read: {exc}", code="pdf_unreadable") from None
    try:
        spent = 0.0
        for scale in _SCALES:
            for index in range(min(len(document), MAX_PAGES)):
                page = document[index]
                width, height = page.get_size()
                if width * height * scale * scale > 60_000_000:
                    raise RangeError("a page of the PDF is too large", code="image_too_large")
                spent += width * height * scale * scale
                if spent > MAX_TOTAL_PIXELS:
                    raise RangeError(
                        "the PDF's pages are too large to scan them all", code="image_too_large"
                    )
                bitmap = page.render(scale=scale, grayscale=True)
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, format="PNG")
                yield buffer.getvalue()
    finally:
        document.close()
