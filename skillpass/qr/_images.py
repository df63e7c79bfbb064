"""QR symbols: version arithmetic, Structured Append, PNG/SVG/terminal rendering (segno) and
reading (zxing-cpp).

Why segno: it writes QR Structured Append sequences (ISO/IEC 18004 §8: up to 16 symbols, each
with its position, the count and a parity byte over the whole data), has no dependencies and is
actively maintained; qrcode cannot write Structured Append.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, cast

import segno
import segno.consts
import zxingcpp
from PIL import Image, features

from skillpass.errors import ParsingError, RangeError
from skillpass.qr._base45 import ALPHABET as _ALPHANUMERIC
from skillpass.qr._base45 import b45encode

ECLevel = Literal["L", "M", "Q", "H"]
MIN_SCALE = 4  # pixels per module: Denso Wave's guidance for reliable scanning
MAX_SYMBOLS = 4
"""A credential is split over at most this many Structured Append symbols."""
_TOO_LARGE = 41
_GAP = 2  # extra light modules between symbols printed side by side (besides quiet zones)


def _ec(ec: str) -> str:
    level = ec.upper() if isinstance(ec, str) else ""
    if level not in ("L", "M", "Q", "H"):
        raise ValueError(f"error correction must be one of L, M, Q, H, not {ec!r}")
    return level


def _mode(text: str) -> str | None:
    # One alphanumeric segment: 5.5 bits per character. SkillPass text is always in this set.
    return "alphanumeric" if text and all(c in _ALPHANUMERIC for c in text) else None


def _symbol(text: str, ec: str) -> segno.QRCode:
    return segno.make(text, error=_ec(ec), mode=_mode(text), micro=False, boost_error=False)


_EC_CONST = {
    "L": segno.consts.ERROR_LEVEL_L,
    "M": segno.consts.ERROR_LEVEL_M,
    "Q": segno.consts.ERROR_LEVEL_Q,
    "H": segno.consts.ERROR_LEVEL_H,
}
_SA_HEADER_BITS = 20  # mode, position, count, parity


def _alphanumeric_version(chars: int, ec: str, extra_bits: int = 0) -> int:
    # ISO/IEC 18004 arithmetic, without building a symbol (segno's mask search takes ~0.1 s):
    # mode indicator, character count indicator (9/11/13 bits), 11 bits per two characters.
    capacity = cast(dict[int, dict[int, int]], segno.consts.SYMBOL_CAPACITY)  # data bits
    payload = extra_bits + 4 + 11 * (chars // 2) + 6 * (chars % 2)
    level = _EC_CONST[_ec(ec)]
    for version in range(1, 41):
        count_bits = 9 if version < 10 else 11 if version < 27 else 13
        if payload + count_bits <= capacity[version][level]:
            return version
    return _TOO_LARGE


def qr_version(text: str, ec: str = "M") -> int:
    """The smallest QR version (1-40) that holds ``text`` at error correction ``ec``.

    Returns 41 when even version 40 is too small.
    """
    if _mode(text) == "alphanumeric":
        return _alphanumeric_version(len(text), ec)
    try:
        return int(_symbol(text, ec).version)
    except segno.DataOverflowError:
        return _TOO_LARGE


# --------------------------------------------------------------------------- structured append
#
# A text too large for one symbol of the allowed version is cut into n <= 4 parts of equal
# length, each "SP<v>/" + index + count + padding + 2 check characters + ":" + a piece of the
# base45 text (the last piece padded with "0"). The parts are the n symbols of a QR Structured
# Append sequence: a reader that merges sequences gets the parts concatenated, one that does not
# (zxing-cpp's Python binding exposes no sequence metadata) gets them one by one; join() takes
# either, in any order. Equal lengths make segno's own division of the content fall exactly
# on the part boundaries.

_PART_RE = re.compile(r"SP(\d{1,4})/([1-9])([1-9])([0-9])([0-9A-Z $%*+\-./:]{2}):")
_WHOLE_RE = re.compile(r"SP(\d{1,4}):")
_PAD = "0"


def _check(text: str) -> str:
    # Two base45 characters of SHA-256: parts of two different codes are not joined.
    return b45encode(hashlib.sha256(text.encode("ascii")).digest()[:1])


def _sequence(parts: list[str], ec: str) -> list[segno.QRCode]:
    return list(
        segno.make_sequence(
            "".join(parts),
            symbol_count=len(parts),
            error=_ec(ec),
            mode="alphanumeric",
            boost_error=False,
        )
    )


def _sequence_version(parts: list[str], ec: str) -> int:
    # Parts have equal lengths, so each symbol has the same version.
    return max(_alphanumeric_version(len(p), ec, _SA_HEADER_BITS) for p in parts)


def _cut(text: str, count: int) -> list[str]:
    match = _WHOLE_RE.match(text)
    if not match:
        raise ValueError("not SkillPass QR text")
    body = text[match.end() :]
    size = -(-len(body) // count)
    pad = size * count - len(body)
    if pad > 9 or size == 0:
        raise ValueError("text too short to split")
    body += _PAD * pad
    check = _check(text)
    return [
        f"SP{match.group(1)}/{i + 1}{count}{pad}{check}:{body[i * size : (i + 1) * size]}"
        for i in range(count)
    ]


def split(text: str, *, ec: str = "M", max_version: int = 22) -> list[str]:
    """``text`` as the fewest Structured Append parts whose symbols stay within ``max_version``
    at ``ec``: ``[text]`` when one symbol holds it. Raises ``qr_too_large`` beyond
    :data:`MAX_SYMBOLS` symbols."""
    if qr_version(text, ec) <= max_version:
        return [text]
    if _WHOLE_RE.match(text):
        for count in range(2, MAX_SYMBOLS + 1):
            try:
                parts = _cut(text, count)
            except ValueError:
                break
            if _sequence_version(parts, ec) <= max_version:
                return parts
    raise RangeError(
        f"the document needs {len(text)} QR characters: more than {MAX_SYMBOLS} QR codes of"
        f" version {max_version} at error correction {_ec(ec)}. Present it as a file or a link"
        " instead of a QR code, or leave long free text out of the credential.",
        code="qr_too_large",
    )


def symbol_versions(text: str, *, ec: str = "M", max_version: int = 22) -> list[int]:
    """The QR version of each symbol that carries ``text`` (see :func:`split`)."""
    parts = split(text, ec=ec, max_version=max_version)
    if len(parts) == 1:
        return [qr_version(text, ec)]
    return [_alphanumeric_version(len(p), ec, _SA_HEADER_BITS) for p in parts]


def is_part(text: str) -> bool:
    """Whether ``text`` is one part of a Structured Append sequence (``SP<v>/…``)."""
    return bool(_PART_RE.match(text.strip()))


def join(texts: Iterable[str]) -> str:
    """Whole QR text from Structured Append parts in any order (each may also be a merged
    concatenation of parts, as sequence-aware readers return). A whole text passes through.

    Raises :class:`ParsingError` ``qr_parts_missing`` (with the missing positions),
    ``qr_parts_mismatch`` (parts of different codes) or ``qr_too_many_parts`` (a sequence of more
    than :data:`MAX_SYMBOLS` symbols).
    """
    pieces: list[str] = []
    for text in texts:
        pieces += _pieces(text)
    wholes = [p for p in pieces if not _PART_RE.match(p)]
    if wholes and len(set(wholes)) == 1 and len(wholes) == len(pieces):
        return wholes[0]
    if wholes:
        raise ParsingError(
            "the QR codes do not belong together: one holds a whole credential, another part"
            " of one; scan one credential at a time",
            code="qr_parts_mismatch",
        )
    found: dict[int, str] = {}
    keys: set[tuple[str, str, str, str]] = set()
    for piece in pieces:
        match = _PART_RE.match(piece)
        if match is None:  # pragma: no cover - _pieces only yields matches or wholes
            raise ParsingError("not SkillPass QR text", code="qr_malformed")
        version, index, count, pad, check = match.groups()
        if int(count) > MAX_SYMBOLS:
            raise ParsingError(
                f"the code is split over {count} QR codes; SkillPass reads at most {MAX_SYMBOLS}",
                code="qr_too_many_parts",
            )
        if int(index) > int(count):
            raise ParsingError(f"QR part {index} of {count} is malformed", code="qr_malformed")
        keys.add((version, count, pad, check))
        body = piece[match.end() :]
        if found.get(int(index), body) != body:
            raise ParsingError(
                f"two different QR codes claim to be part {index}", code="qr_parts_mismatch"
            )
        found[int(index)] = body
    if len(keys) != 1:
        raise ParsingError(
            "the QR codes are parts of different credentials; scan one credential at a time",
            code="qr_parts_mismatch",
        )
    version, count, pad, check = keys.pop()
    missing = [str(i) for i in range(1, int(count) + 1) if i not in found]
    if missing:
        raise ParsingError(
            f"{len(found)} of the {count} QR codes of this credential were read; missing:"
            f" {', '.join(missing)}. Photograph all of them together, or give every image",
            code="qr_parts_missing",
        )
    # Pieces are equal in length; a reader or a text file may have dropped trailing spaces.
    size = max(len(body) for body in found.values())
    bodies = [found[i].ljust(size) for i in range(1, int(count) + 1)]
    joined = "".join(bodies)
    if int(pad):
        if not joined.endswith(_PAD * int(pad)):
            raise ParsingError("the last QR part has bad padding", code="qr_malformed")
        joined = joined[: -int(pad)]
    text = f"SP{version}:{joined}"
    if _check(text) != check:
        raise ParsingError(
            "the QR parts do not fit together (check characters differ): scan them again",
            code="qr_parts_mismatch",
        )
    return text


def _pieces(text: str) -> list[str]:
    """A text cut at each part header (a merged sequence), or the text itself."""
    text = text.strip("\r\n\t")
    starts = [m.start() for m in _PART_RE.finditer(text)]
    if not starts or starts[0] != 0:
        return [text.strip()]
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


# --------------------------------------------------------------------------- rendering


def qr_matrix(text: str, *, ec: str = "M", border: int = 4) -> list[list[bool]]:
    """The module matrix (``True`` = dark) of one symbol, quiet zone included."""
    return symbol_matrices(text, ec=ec, border=border, max_version=40)[0]


def symbol_matrices(
    text: str, *, ec: str = "M", border: int = 4, max_version: int = 40
) -> list[list[list[bool]]]:
    """The matrices of the symbols that carry ``text``: one, or a Structured Append sequence
    of up to :data:`MAX_SYMBOLS` when one symbol would exceed ``max_version``."""
    if border < 0:
        raise ValueError("border must not be negative")
    parts = split(text, ec=ec, max_version=max_version)
    if len(parts) == 1:
        if qr_version(text, ec) > 40:
            raise RangeError(
                f"{len(text)} characters do not fit in any QR code at error correction {ec}",
                code="qr_too_large",
            )
        symbols = [_symbol(text, ec)]
    else:
        symbols = _sequence(parts, ec)
    return [
        [[bool(cell) for cell in row] for row in symbol.matrix_iter(scale=1, border=border)]
        for symbol in symbols
    ]


def side_by_side(matrices: list[list[list[bool]]]) -> list[list[bool]]:
    """Symbols in one row, top-aligned, with a small gap: one image holds the whole sequence."""
    if len(matrices) == 1:
        return matrices[0]
    height = max(len(m) for m in matrices)
    rows: list[list[bool]] = [[] for _ in range(height)]
    for number, matrix in enumerate(matrices):
        width = len(matrix[0])
        for y in range(height):
            rows[y] += matrix[y] if y < len(matrix) else [False] * width
            if number < len(matrices) - 1:
                rows[y] += [False] * _GAP
    return rows


def render_png(
    text: str, *, ec: str = "M", scale: int = 8, border: int = 4, max_version: int = 40
) -> bytes:
    """A black-on-white PNG of the QR code, ``scale`` pixels per module (at least 4); the
    symbols of a Structured Append sequence side by side when one would exceed
    ``max_version``."""
    if scale < MIN_SCALE:
        raise ValueError(f"scale must be at least {MIN_SCALE} pixels per module")
    matrix = side_by_side(symbol_matrices(text, ec=ec, border=border, max_version=max_version))
    width, height = len(matrix[0]), len(matrix)
    image = Image.new("1", (width, height))
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((width * scale, height * scale), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_svg(
    text: str, *, ec: str = "M", scale: int = 8, border: int = 4, max_version: int = 40
) -> str:
    """An SVG of the QR code(s): one path, ``scale`` user units per module, crisp at any size."""
    if scale < MIN_SCALE:
        raise ValueError(f"scale must be at least {MIN_SCALE} units per module")
    matrix = side_by_side(symbol_matrices(text, ec=ec, border=border, max_version=max_version))
    width, height = len(matrix[0]), len(matrix)
    parts: list[str] = []
    for y, (x, run) in _dark_runs(matrix):
        parts.append(f"M{x} {y}h{run}v1h-{run}z")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * scale}"'
        f' height="{height * scale}" viewBox="0 0 {width} {height}"'
        ' shape-rendering="crispEdges">'
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
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


def render_terminal(text: str, *, ec: str = "M", max_version: int = 40) -> str:
    """The QR code as text with half-block characters, two module rows per line.

    Light modules are drawn in the foreground colour, so the code reads correctly on the usual
    light-on-dark terminal; readers that try inverted codes (zxing-cpp, most phone apps) also
    read it on a light terminal.
    """
    matrix = side_by_side(symbol_matrices(text, ec=ec, border=2, max_version=max_version))
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
    QR codes are found, a SkillPass one (``SP…:``) is preferred, and the parts of a Structured
    Append sequence are joined (:func:`join` errors when some are missing).
    """
    return read_images([data])


def read_images(images: Iterable[bytes | str | Path]) -> str:
    """The QR text carried by the codes of several images together (a sequence photographed
    part by part); like :func:`read_image` otherwise."""
    texts: list[str] = []
    for data in images:
        texts += scan_image(data)
    ours = [t for t in texts if t.startswith("SP")]
    if not ours:
        return texts[0]
    return join(ours)


def scan_image(data: bytes | str | Path) -> list[str]:
    """The texts of every QR code read in one image (``qr_not_found`` when there is none)."""
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
    return texts


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
        " with SP2: or SP1:)"
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
