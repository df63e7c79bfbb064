"""``skillpass qr encode|decode`` and QR input for ``skillpass verify``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import skillpass
import skillpass.qr as qr
from skillpass.cli._common import MAX_INPUT_BYTES
from skillpass.cli._input import load_document
from skillpass.cli.qr import app
from skillpass.errors import ParsingError, RangeError
from tests.skillpass import qr_samples

runner = CliRunner()


@pytest.fixture(scope="module")
def signed() -> dict[str, Any]:
    from tests.conftest import EXAMPLES, load_json

    doc: dict[str, Any] = load_json(EXAMPLES / "reference-qualification.json")
    key = skillpass.KeyPair.generate()
    doc["issuer"]["id"] = key.did
    result: dict[str, Any] = skillpass.sign_credential(doc, key)
    return result


@pytest.fixture
def cred_file(tmp_path: Path, signed: dict[str, Any]) -> Path:
    path = tmp_path / "cred.json"
    path.write_text(json.dumps(signed, indent=2), encoding="utf-8")
    return path


def test_encode_text_then_decode(cred_file: Path, signed: dict[str, Any]) -> None:
    result = runner.invoke(app, ["encode", str(cred_file), "--text"])
    assert result.exit_code == 0, result.output
    text = result.stdout.strip()
    assert text.startswith("SP2:")
    assert "QR version" in result.stderr
    decoded = runner.invoke(app, ["decode", text])
    assert decoded.exit_code == 0, decoded.output
    assert json.loads(decoded.stdout) == signed


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_encode_to_image_file(tmp_path: Path, cred_file: Path, suffix: str) -> None:
    out = tmp_path / f"code{suffix}"
    result = runner.invoke(app, ["encode", str(cred_file), "--out", str(out), "--ec", "Q"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000
    assert "-Q" in result.stderr


def test_encode_json_output(cred_file: Path) -> None:
    result = runner.invoke(app, ["encode", str(cred_file), "--json"])
    info = json.loads(result.stdout)
    assert info["version"] <= 20 and info["ec"] == "M" and info["chars"] == len(info["text"])


def test_encode_draws_in_terminal_by_default(cred_file: Path) -> None:
    result = runner.invoke(app, ["encode", str(cred_file)])
    assert result.exit_code == 0
    assert "█" in result.stdout


def test_decode_image_and_text_file(tmp_path: Path, signed: dict[str, Any]) -> None:
    text = qr.encode(signed)
    png = tmp_path / "photo.png"
    png.write_bytes(qr.render_png(text))
    txt = tmp_path / "code.txt"
    txt.write_text(text + "\n", encoding="utf-8")
    for number, source in enumerate((str(png), str(txt))):
        out = tmp_path / f"back{number}.json"
        result = runner.invoke(app, ["decode", source, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert json.loads(out.read_text(encoding="utf-8")) == signed


@pytest.mark.parametrize(
    "args",
    [
        ["encode", "{cred}", "--out", "{out}.png"],
        ["encode", "{cred}", "--out", "{out}.svg"],
        ["decode", "{text}", "--out", "{out}.json"],
    ],
)
def test_out_file_is_never_overwritten_without_force(
    tmp_path: Path, cred_file: Path, signed: dict[str, Any], args: list[str]
) -> None:
    values = {"cred": str(cred_file), "out": str(tmp_path / "result"), "text": qr.encode(signed)}
    argv = [arg.format(**values) for arg in args]
    out = Path(argv[-1])
    out.write_bytes(b"precious \x00 bytes")
    result = runner.invoke(app, argv)
    assert result.exit_code == 2
    assert "error: output_exists" in result.stderr and "--force" in result.stderr
    assert out.read_bytes() == b"precious \x00 bytes"
    result = runner.invoke(app, [*argv, "--force"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() != b"precious \x00 bytes"
    if out.suffix == ".json":
        assert json.loads(out.read_text(encoding="utf-8")) == signed


def test_ec_is_case_insensitive(tmp_path: Path, cred_file: Path) -> None:
    result = runner.invoke(app, ["encode", str(cred_file), "--json", "--ec", "q"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ec"] == "Q"


def test_errors_exit_2_with_code(tmp_path: Path, cred_file: Path) -> None:
    result = runner.invoke(app, ["decode", "SP3:ABC"])
    assert result.exit_code == 2
    assert "error: qr_unsupported_version" in result.stderr
    result = runner.invoke(app, ["encode", str(cred_file), "--out", str(tmp_path / "x.gif")])
    assert result.exit_code == 2 and "output_format" in result.stderr
    result = runner.invoke(app, ["encode", str(cred_file), "--ec", "H"])
    assert result.exit_code == 2 and "--ec" in result.output  # the same message as certificate
    result = runner.invoke(app, ["decode", str(tmp_path / "missing.png")])
    assert result.exit_code == 2 and "input_unreadable" in result.stderr


def test_too_large_is_refused(tmp_path: Path, signed: dict[str, Any]) -> None:
    words = " ".join(f"word{i:04d}x{i * 7919 % 10007}" for i in range(1500))
    big = dict(signed, description=words)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(big), encoding="utf-8")
    result = runner.invoke(app, ["encode", str(path)])
    assert result.exit_code == 2
    assert "qr_too_large" in result.stderr and "file or a link" in result.stderr
    assert "more than 4 QR codes" in result.stderr


def test_split_codes_round_trip_through_the_cli(tmp_path: Path) -> None:
    from skillpass.cli import app as main_app

    doc = qr_samples.oversized()
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    png = tmp_path / "codes.png"
    result = runner.invoke(app, ["encode", str(path), "--out", str(png)])
    assert result.exit_code == 0, result.output
    assert "2 QR codes of version" in result.stderr
    decoded = runner.invoke(app, ["decode", str(png)])
    assert decoded.exit_code == 0, decoded.output
    assert json.loads(decoded.stdout) == doc
    # The codes photographed one by one, given in any order, as images or as texts.
    listing = runner.invoke(app, ["encode", str(path), "--json"])
    parts = json.loads(listing.stdout)["parts"]
    assert len(parts) == 2
    images = []
    for n, part in enumerate(parts):
        image = tmp_path / f"part{n}.png"
        image.write_bytes(qr.render_png(part))
        images.append(str(image))
    for sources in (images[::-1], parts[::-1], [images[0], parts[1]]):
        result = runner.invoke(app, ["decode", *sources])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == doc
    result = runner.invoke(main_app, ["verify", *images, "--json"])
    checks = {c["id"]: c["status"] for c in json.loads(result.stdout)["checks"]}
    assert checks["proof"] == "valid", result.output
    missing = runner.invoke(app, ["decode", images[1]])
    assert missing.exit_code == 2 and "qr_parts_missing" in missing.stderr
    assert "missing: 1" in missing.stderr


def test_verify_accepts_qr_inputs(tmp_path: Path, signed: dict[str, Any]) -> None:
    from skillpass.cli import app as main_app

    text = qr.encode(signed)
    png = tmp_path / "photo.png"
    png.write_bytes(qr.render_png(text))
    txt = tmp_path / "code.txt"
    txt.write_text(text, encoding="utf-8")
    for source in (text, str(png), str(txt)):
        result = runner.invoke(main_app, ["verify", source, "--json"])
        report = json.loads(result.stdout)
        checks = {c["id"]: c["status"] for c in report["checks"]}
        assert checks["proof"] == "valid", result.output


# --------------------------------------------------------------------------- load_document


def test_load_document_sources(tmp_path: Path, signed: dict[str, Any]) -> None:
    text = qr.encode(signed)
    jpeg = tmp_path / "photo.dat"  # recognised by content, not by name
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.open(BytesIO(qr.render_png(text))).convert("L").save(buffer, format="JPEG", quality=60)
    jpeg.write_bytes(buffer.getvalue())
    assert load_document(str(jpeg)) == signed
    assert load_document(text) == signed
    assert load_document("  " + text + "\n") == signed


def test_load_document_stdin(monkeypatch: pytest.MonkeyPatch, signed: dict[str, Any]) -> None:
    import io
    import sys

    raw = qr.encode(signed).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert load_document("-") == signed


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"hello", "not_json"),
        (b"[1, 2]", "not_an_object"),
        (b'{"a": 1, "a": 2}', "duplicate_key"),
        (b"\xff\xfe\x00", "input_unreadable"),
        (b"SP1:!!", "qr_malformed"),
    ],
)
def test_load_document_errors(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "input"
    path.write_bytes(content)
    with pytest.raises(ParsingError) as excinfo:
        load_document(str(path))
    assert excinfo.value.code == code


def test_load_document_size_bound(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as fh:
        fh.truncate(MAX_INPUT_BYTES + 1)  # sparse: no disk is used
    with pytest.raises(RangeError) as excinfo:
        load_document(str(path))
    assert excinfo.value.code == "input_too_large"


# --------------------------------------------------------------------------- image inputs


def test_svg_written_by_encode_is_refused_with_advice(tmp_path: Path, cred_file: Path) -> None:
    svg = tmp_path / "qr.svg"
    assert runner.invoke(app, ["encode", str(cred_file), "--out", str(svg)]).exit_code == 0
    result = runner.invoke(app, ["decode", str(svg)])
    assert result.exit_code == 2
    assert "error: unsupported_image" in result.stderr
    assert "--out code.png" in result.stderr and "--text" in result.stderr


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,  # iPhone photo
        b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heicmiaf" + b"\x00" * 64,
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
        b"<svg></svg>",
    ],
)
def test_unsupported_images_are_named(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "photo.bin"
    path.write_bytes(content)
    with pytest.raises(ParsingError) as excinfo:
        load_document(str(path))
    assert excinfo.value.code == "unsupported_image"
    assert "PNG or JPEG" in excinfo.value.message


def test_tiff_is_read(tmp_path: Path, signed: dict[str, Any]) -> None:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.open(BytesIO(qr.render_png(qr.encode(signed)))).save(buffer, format="TIFF")
    path = tmp_path / "scan.tif"
    path.write_bytes(buffer.getvalue())
    result = runner.invoke(app, ["decode", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == signed


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("https://example.org/" + "x" * 200, "holds a web address (https://example.org/xxx"),
        ("WIFI:S:home;T:WPA;P:secret;;", "holds Wi-Fi network settings"),
        ("HELLO WORLD", "holds other text (HELLO WORLD)"),
    ],
)
def test_foreign_qr_says_what_it_holds(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(qr.render_png(content))
    result = runner.invoke(app, ["decode", str(path)])
    assert result.exit_code == 2
    assert "error: qr_malformed" in result.stderr
    assert expected in result.stderr and "not a SkillPass credential" in result.stderr
    assert "secret" not in result.stderr and "x" * 100 not in result.stderr


def test_long_qr_text_argument_is_not_a_file_name(signed: dict[str, Any]) -> None:
    from skillpass.cli import app as main_app

    # Longer than a file name may be (255 bytes) and without "/": once an OSError traceback.
    garbage = "SP1:" + "A" * 600
    result = runner.invoke(main_app, ["verify", garbage])
    assert result.exit_code == 2 and "error: qr_malformed" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    text = qr.encode(signed)
    assert len(text) > 300
    damaged = text.replace("/", "-")  # one long "file name"; decodes to garbage
    result = runner.invoke(main_app, ["verify", damaged])
    assert result.exit_code in (1, 2), result.output
    assert isinstance(result.exception, SystemExit)
    result = runner.invoke(main_app, ["verify", text, "--json"])
    checks = {c["id"]: c["status"] for c in json.loads(result.stdout)["checks"]}
    assert checks["proof"] == "valid"
