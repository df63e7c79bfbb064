"""QR symbols: version arithmetic, PNG/SVG/terminal rendering (qrcode) and reading (zxing-cpp)."""

from __future__ import annotations

import io
import math
import warnings
from pathlib import Path
from typing import Any, Literal

import qrcode
import qrcode.constants
import qrcode.exceptions
import qrcode.util
import zxingcpp
from PIL import Image, features

from skillpass.errors import ParsingError, RangeError
from skillpass.qr._base45 import ALPHABET as _ALPHANUMERIC

ECLevel = Literal["L", "M", "Q", "H"]
_EC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
MIN_SCALE = 4  # pixels per module: Denso Wave's guidance for reliable scanning
_TOO_LARGE = 41


def _ec(ec: str) -> int:
    try:
        return int(_EC[ec.upper()])
    except KeyError:
        raise ValueError(f"error correction must be one of L, M, Q, H, not {ec!r}") from None


def _qr(text: str, ec: str, border: int = 4) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=_ec(ec), border=border)
    if text and all(c in _ALPHANUMERIC for c in text):
        # One alphanumeric segment: 5.5 bits per character. SP1 text is always in this set.
        qr.add_data(qrcode.util.QRData(text, mode=qrcode.util.MODE_ALPHA_NUM))
    else:
        qr.add_data(text)
    return qr


def qr_version(text: str, ec: str = "M") -> int:
    """The smallest QR version (1-40) that holds ``text`` at error correction ``ec``.

    Returns 41 when even version 40 is too small.
    """
    qr = _qr(text, ec)
    try:
        return int(qr.best_fit())
    except (qrcode.exceptions.DataOverflowError, ValueError):
        # qrcode signals "beyond version 40" either way, depending on the path taken.
        return _TOO_LARGE


def qr_matrix(text: str, *, ec: str = "M", border: int = 4) -> list[list[bool]]:
    """The module matrix (``True`` = dark), quiet zone included."""
    if border < 0:
        raise ValueError("border must not be negative")
    version = qr_version(text, ec)
    if version > 40:
        raise RangeError(
            f"{len(text)} characters do not fit in any QR code at error correction {ec}",
            code="qr_too_large",
        )
    qr = _qr(text, ec, border)
    qr.version = version
    qr.make(fit=False)
    return [[bool(cell) for cell in row] for row in qr.get_matrix()]


def render_png(text: str, *, ec: str = "M", scale: int = 8, border: int = 4) -> bytes:
    """A black-on-white PNG of the QR code, ``scale`` pixels per module (at least 4)."""
    if scale < MIN_SCALE:
        raise ValueError(f"scale must be at least {MIN_SCALE} pixels per module")
    matrix = qr_matrix(text, ec=ec, border=border)
    size = len(matrix)
    image = Image.new("1", (size, size))
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * scale, size * scale), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_svg(text: str, *, ec: str = "M", scale: int = 8, border: int = 4) -> str:
    """An SVG of the QR code: one path, ``scale`` user units per module, crisp at any size."""
    if scale < MIN_SCALE:
        raise ValueError(f"scale must be at least {MIN_SCALE} units per module")
    matrix = qr_matrix(text, ec=ec, border=border)
    size = len(matrix)
    parts: list[str] = []
    for y, (x, width) in _dark_runs(matrix):
        parts.append(f"M{x} {y}h{width}v1h-{width}z")
    px = size * scale
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{px}" height="{px}"'
        f' viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(parts)}"/></svg>\n'
    )


def _dark_runs(matrix: list[list[bool]]) -> list[tuple[int, tuple[int, int]]]:
    """Horizontal runs of dark modules as (row, (start column, length))."""
    runs: list[tuple[int, tuple[int, int]]] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append((y, (start, x - start)))
            else:
                x += 1
    return runs


def dark_runs(matrix: list[list[bool]]) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as ``(row, column, length)`` (for vector drawing)."""
    return [(y, x, w) for y, (x, w) in _dark_runs(matrix)]


def render_terminal(text: str, *, ec: str = "M") -> str:
    """The QR code as text with half-block characters, two module rows per line.

    Light modules are drawn in the foreground colour, so the code reads correctly on the usual
    light-on-dark terminal; readers that try inverted codes (zxing-cpp, most phone apps) also
    read it on a light terminal.
    """
    matrix = qr_matrix(text, ec=ec, border=2)
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    glyphs = {(False, False): "█", (True, False): "▄", (False, True): "▀", (True, True): " "}
    lines = [
        "".join(glyphs[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(matrix[::2], matrix[1::2], strict=True)
    ]
    return "\n".join(lines) + "\n"


def read_image(data: bytes | str | Path) -> str:
    """The text of the QR code in a PNG, JPEG, TIFF, WebP, GIF, BMP (or AVIF) image.

    ``data`` is the image's bytes or a path to it. Large photos are downscaled before scanning;
    more than :data:`MAX_IMAGE_PIXELS` pixels is refused (``image_too_large``). Raises
    :class:`ParsingError` ``qr_not_found`` when no QR code can be read, ``unsupported_image``
    for SVG and HEIC/HEIF, ``image_unreadable`` when the bytes are not an image. When several
    QR codes are found, a SkillPass one (``SP…:``) is preferred.
    """
    if not isinstance(data, bytes):
        path = Path(data)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ParsingError(f"no such image file: {path}", code="input_unreadable") from None
        except OSError as exc:
            raise ParsingError(
                f"cannot read image {path}: {exc.strerror}", code="input_unreadable"
            ) from None
    kind = image_kind(data)
    if kind is not None:
        refuse_unsupported(kind)
    image = _open_image(data)
    try:
        barcodes: list[Any] = zxingcpp.read_barcodes(
            image,
            formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
            text_mode=zxingcpp.TextMode.Plain,
        )
    except (ValueError, RuntimeError) as exc:
        raise ParsingError(f"the image cannot be scanned: {exc}", code="image_unreadable") from None
    texts = [str(b.text) for b in barcodes if b.valid]
    if not texts:
        raise ParsingError(
            "no QR code could be read in the image: retake the photo closer, flat and in focus",
            code="qr_not_found",
        )
    for candidate in texts:
        if candidate.startswith("SP"):
            return candidate
    return texts[0]


# ----------------------------------------------------------------------- recognising images

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})


def image_kind(data: bytes) -> str | None:
    """The image format from the first bytes: ``png``, ``jpeg``, ``gif``, ``bmp``, ``webp``,
    ``tiff``, ``avif``, ``heif`` or ``svg``; None when ``data`` is not a known image."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp":  # ISO base media file: the major brand, then compatible brands
        size = int.from_bytes(data[:4], "big")
        end = min(size if size >= 16 else 16, 256, len(data))
        brands = {data[8:12]} | {data[i : i + 4] for i in range(16, end - 3, 4)}
        if brands & _AVIF_BRANDS:
            return "avif"
        if brands & _HEIF_BRANDS:
            return "heif"
        return None
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096]):
        return "svg"
    return None


_EXPORT = "export the QR code as PNG or JPEG, or photograph it"


def refuse_unsupported(kind: str) -> None:
    """Raise ``unsupported_image`` for an image kind that cannot be scanned here."""
    if kind == "svg":
        raise ParsingError(
            "the image is an SVG drawing, which SkillPass cannot scan: if skillpass qr encode"
            " wrote it, write a PNG instead (--out code.png) or take the QR text (--text);"
            f" otherwise {_EXPORT}",
            code="unsupported_image",
        )
    if kind == "heif":
        raise ParsingError(
            f"the image is a HEIC/HEIF photo, which SkillPass cannot read: {_EXPORT} (on an"
            " iPhone: Settings > Camera > Formats > Most Compatible)",
            code="unsupported_image",
        )
    if kind == "avif" and not features.check("avif"):
        raise ParsingError(
            f"the image is AVIF, which this installation cannot read: {_EXPORT}",
            code="unsupported_image",
        )


def describe_foreign_qr(text: str) -> str:
    """Why QR text that is not SkillPass's is refused, saying what the code holds."""
    lower = text.lstrip().lower()
    if lower.startswith(("http://", "https://", "www.")):
        holds = f"a web address ({_shorten(text)})"
    elif lower.startswith("wifi:"):
        holds = "Wi-Fi network settings"
    elif lower.startswith("begin:vcard"):
        holds = "a contact card (vCard)"
    elif lower.startswith(("mailto:", "matmsg:")):
        holds = "an email address"
    elif lower.startswith(("tel:", "smsto:", "sms:")):
        holds = "a phone number"
    elif lower.startswith("hc1:"):
        holds = "an EU Digital COVID Certificate"
    elif not text.strip():
        holds = "no text"
    else:
        holds = f"other text ({_shorten(text)})"
    return (
        f"this QR code holds {holds}, not a SkillPass credential (SkillPass QR text starts"
        " with SP1:)"
    )


def _shorten(text: str, limit: int = 60) -> str:
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# ------------------------------------------------------------------------- decoding images

MAX_IMAGE_PIXELS = 120_000_000
"""The hard cap on decoded pixels (decompression bombs): a 108-megapixel phone photo fits."""
SCAN_PIXELS = 16_000_000
"""Larger images are downscaled to about this many pixels before scanning (48 MP photos)."""


def _open_image(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow warns on images above its own default limit; the cap here is explicit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            pixels = width * height
            if pixels > MAX_IMAGE_PIXELS:
                raise RangeError(
                    f"the image has {width}x{height} pixels; the limit is"
                    f" {MAX_IMAGE_PIXELS // 1_000_000} megapixels",
                    code="image_too_large",
                )
            if pixels <= SCAN_PIXELS:
                return image.convert("L")
            factor = math.sqrt(SCAN_PIXELS / pixels)
            size = (max(1, int(width * factor)), max(1, int(height * factor)))
            image.draft("L", size)  # JPEG decodes at 1/2, 1/4 or 1/8 scale: less memory
            return image.convert("L").resize(size, Image.Resampling.BOX)
    except Image.DecompressionBombError:
        raise RangeError("the image is too large to read", code="image_too_large") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ParsingError(f"not a readable image: {exc}", code="image_unreadable") from None
