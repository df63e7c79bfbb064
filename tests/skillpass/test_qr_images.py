"""QR images: render, degrade like a real photo, read back with zxing-cpp, verify."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image, ImageFilter

import skillpass
import skillpass.qr as qr
from skillpass.errors import ParsingError, RangeError

SCALE = 4  # pixels per module in the clean rendering


@pytest.fixture(scope="module")
def signed(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The reference qualification, signed eddsa-rdfc-2022 by a fresh did:key institute."""
    from tests.conftest import EXAMPLES, load_json

    doc: dict[str, Any] = load_json(EXAMPLES / "reference-qualification.json")
    key = skillpass.KeyPair.generate()
    doc["issuer"]["id"] = key.did
    result: dict[str, Any] = skillpass.sign_credential(doc, key)
    return result


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _degrade(png: bytes, how: str, modules: int) -> bytes:
    image = Image.open(io.BytesIO(png)).convert("L")
    if how == "2px":
        side = modules * 2
        return _png(image.resize((side, side), Image.Resampling.LANCZOS))
    if how == "blur":
        return _png(image.filter(ImageFilter.GaussianBlur(radius=SCALE / 4)))
    if how == "jpeg25":
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=25)
        return out.getvalue()
    if how == "rotate30":
        return _png(image.rotate(30, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255))
    if how == "all":
        side = modules * 3
        image = image.rotate(7, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        image = image.filter(ImageFilter.GaussianBlur(radius=1)).resize((side, side))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=40)
        return out.getvalue()
    return png


@pytest.mark.parametrize("ec", ["M", "Q"])
@pytest.mark.parametrize("how", ["clean", "2px", "blur", "jpeg25", "rotate30", "all"])
def test_degraded_photo_decodes_and_verifies(signed: dict[str, Any], how: str, ec: str) -> None:
    text = qr.encode(signed)
    png = qr.render_png(text, ec=ec, scale=SCALE)
    modules = Image.open(io.BytesIO(png)).width // SCALE
    photo = _degrade(png, how, modules)
    doc = qr.decode(qr.read_image(photo))
    assert doc == signed
    report = skillpass.verify_credential(doc)
    proof = {check.id: check for check in report.checks}["proof"]
    assert proof.status == "valid", proof.message


def test_reference_version_at_m_and_q(signed: dict[str, Any]) -> None:
    text = qr.encode(signed)
    assert qr.qr_version(text, "M") <= 20
    assert qr.qr_version(text, "Q") <= 25


def test_png_has_quiet_zone_and_scale(signed: dict[str, Any]) -> None:
    text = qr.encode(signed)
    version = qr.qr_version(text)
    image = Image.open(io.BytesIO(qr.render_png(text, scale=5)))
    assert image.width == image.height == (17 + 4 * version + 8) * 5
    # The 4-module quiet zone is white all round.
    gray = image.convert("L")
    border = [gray.getpixel((x, y)) for x in range(image.width) for y in range(20)]
    assert min(border) == 255
    with pytest.raises(ValueError):
        qr.render_png(text, scale=3)


def test_svg_renders_and_reads_back(signed: dict[str, Any]) -> None:
    text = qr.encode(signed)
    svg = qr.render_svg(text, ec="Q")
    assert svg.startswith("<?xml") and "<path" in svg
    # Rasterise the single path by hand: each "M x y h w" segment is one dark run.
    import re

    size = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))  # type: ignore[union-attr]
    image = Image.new("L", (size, size), 255)
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)", svg):
        for dx in range(int(w)):
            image.putpixel((int(x) + dx, int(y)), 0)
    image = image.resize((size * 4, size * 4), Image.Resampling.NEAREST)
    assert qr.read_image(_png(image)) == text


def test_terminal_rendering_reads_back(signed: dict[str, Any]) -> None:
    text = qr.encode(signed)
    art = qr.render_terminal(text)
    lines = art.splitlines()
    width = len(lines[0])
    image = Image.new("L", (width, len(lines) * 2), 255)
    for y, row in enumerate(lines):
        for x, ch in enumerate(row):
            # Light modules are drawn: a drawn half is light, an empty half is dark.
            top_light, bottom_light = ch in "█▀", ch in "█▄"
            image.putpixel((x, 2 * y), 255 if top_light else 0)
            image.putpixel((x, 2 * y + 1), 255 if bottom_light else 0)
    big = image.resize((width * 4, len(lines) * 8), Image.Resampling.NEAREST)
    assert qr.read_image(_png(big)) == text


def test_read_image_from_path(tmp_path: Any, signed: dict[str, Any]) -> None:
    text = qr.encode(signed)
    path = tmp_path / "code.png"
    path.write_bytes(qr.render_png(text))
    assert qr.read_image(path) == text
    assert qr.read_image(str(path)) == text


def test_no_qr_in_image() -> None:
    blank = _png(Image.new("L", (200, 200), 255))
    with pytest.raises(ParsingError) as excinfo:
        qr.read_image(blank)
    assert excinfo.value.code == "qr_not_found"


def test_not_an_image() -> None:
    with pytest.raises(ParsingError) as excinfo:
        qr.read_image(b"\x89PNG\r\n\x1a\n garbage")
    assert excinfo.value.code == "image_unreadable"


def test_huge_image_is_refused_before_decoding() -> None:
    # A PNG header claiming 100k x 100k pixels: refused from the header, nothing allocated.
    import struct
    import zlib

    png = bytearray(_png(Image.new("L", (1, 1), 255)))
    png[16:24] = struct.pack(">II", 100_000, 100_000)  # IHDR width and height
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    with pytest.raises(RangeError) as excinfo:
        qr.read_image(bytes(png))
    assert excinfo.value.code == "image_too_large"


def test_other_qr_text_is_returned_but_not_decoded() -> None:
    png = qr.render_png("HELLO WORLD")
    assert qr.read_image(png) == "HELLO WORLD"
    with pytest.raises(ParsingError):
        qr.decode(qr.read_image(png))


def test_big_phone_photo_is_downscaled_and_read(signed: dict[str, Any]) -> None:
    # A 48-megapixel photo (8000x6000) with the code filling a fifth of its width.
    text = qr.encode(signed)
    code = Image.open(io.BytesIO(qr.render_png(text, scale=16))).convert("L")
    photo = Image.new("L", (8000, 6000), 200)
    photo.paste(code, (3000, 2000))
    out = io.BytesIO()
    photo.save(out, format="JPEG", quality=85)
    assert qr.decode(qr.read_image(out.getvalue())) == signed


def test_pillow_bomb_warning_never_escapes() -> None:
    # 10,000 x 10,000 pixels: above Pillow's default warning limit (89 MP), below the explicit
    # cap (120 MP). Pillow's DecompressionBombWarning is not raised (warnings are errors here);
    # the header-only file is then simply unreadable.
    import struct
    import zlib

    png = bytearray(_png(Image.new("L", (1, 1), 255)))
    png[16:24] = struct.pack(">II", 10_000, 10_000)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    with pytest.raises(ParsingError) as excinfo:
        qr.read_image(bytes(png))
    assert excinfo.value.code == "image_unreadable"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"II*\x00\x08\x00", "tiff"),
        (b"MM\x00*\x00\x00", "tiff"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "avif"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isomiso2", None),  # an MP4 video
        (b"  <svg xmlns='http://www.w3.org/2000/svg'/>", "svg"),
        (b"<?xml version='1.0'?><note/>", None),
        (b'{"a": 1}', None),
    ],
)
def test_image_kind(data: bytes, kind: str | None) -> None:
    from skillpass.qr import _images

    assert _images.image_kind(data) == kind


def test_svg_and_heic_are_unsupported(signed: dict[str, Any]) -> None:
    svg = qr.render_svg(qr.encode(signed)).encode()
    with pytest.raises(ParsingError) as excinfo:
        qr.read_image(svg)
    assert excinfo.value.code == "unsupported_image"
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100
    with pytest.raises(ParsingError) as excinfo:
        qr.read_image(heic)
    assert excinfo.value.code == "unsupported_image" and "HEIC" in excinfo.value.message


@pytest.mark.parametrize("fmt", ["TIFF", "AVIF"])
def test_tiff_and_avif_are_read(signed: dict[str, Any], fmt: str) -> None:
    from PIL import features

    if fmt == "AVIF" and not features.check("avif"):
        pytest.skip("this Pillow has no AVIF support")
    text = qr.encode(signed)
    out = io.BytesIO()
    Image.open(io.BytesIO(qr.render_png(text))).convert("RGB").save(out, format=fmt)
    assert qr.read_image(out.getvalue()) == text
