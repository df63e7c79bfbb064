"""Attacks on the verifier's robustness (not its verdicts): inputs that used to crash it with a
traceback, make it hang, or corrupt a trust list file. Each test failed before its fix.

Servers here are raw sockets on 127.0.0.1, in this process, closed in ``finally``.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import skillpass
import verifier
from skillpass.cli import app as cli
from skillpass.status import MIN_ENTRIES, Bitstring, build_status_list_credential, read_status
from tests.verifier.common import NOW, T0, World
from verifier import Accreditation, KeyRecord, ListedIssuer, TrustBundle, TrustList
from verifier._fetch import fetch_json

runner = CliRunner()


def _cli(*args: str) -> Any:
    return runner.invoke(cli, list(args), catch_exceptions=False)


# ------------------------------------------------------------------ levels of accreditations


@pytest.mark.parametrize(
    "levels",
    [
        "²-³",  # str.isdigit() says yes, int() says no
        "1-" + "9" * 5000,  # past Python's int digit limit
        ",".join(["1-99"] * 2000),  # 2000 parts of 99 labels each
        "1-5\udcff",  # a lone surrogate: read, but never written back
    ],
    ids=["superscript", "huge-number", "many-parts", "surrogate"],
)
def test_odd_levels_are_refused_not_crashed(levels: str) -> None:
    with pytest.raises(skillpass.SkillpassError) as caught:
        Accreditation.parse("XX-NEW", levels)
    assert caught.value.code == "invalid_trust_list"


def test_odd_levels_on_the_command_line_are_an_error_not_a_traceback(tmp_path: Path) -> None:
    target = tmp_path / "list.json"
    result = _cli(
        "trust", "list", "add-issuer", "--list", str(target), "--did", "did:web:a.example",
        "--name", "A", "--country", "PH", "--framework", "XX-NEW", "--levels", "²-³",
    )  # fmt: skip
    assert result.exit_code == 2 and "invalid_trust_list" in result.stderr
    assert not target.exists()


def test_a_signed_list_with_odd_levels_is_rejected_not_fatal(tmp_path: Path) -> None:
    """A trust list in a bundle is read with every check: one bad list is left out (and
    named), the service still starts and verifies."""
    world = World()
    text = json.dumps(
        {
            "type": "SkillPassTrustList",
            "version": 1,
            "name": "odd",
            "issuers": [
                {
                    "id": "did:web:rtc7.example.ph",
                    "name": "A",
                    "country": "PH",
                    "accreditations": [{"framework": "XX-NEW", "levels": "²-³"}],
                }
            ],
        }
    )
    signed = TrustList("x").sign(world.authority, now=T0 - timedelta(days=1))
    signed.pop("proof")
    signed["credentialSubject"]["endorsementComment"] = text
    signed = skillpass.sign_credential(signed, world.authority, now=T0 - timedelta(days=1))
    bundle = world.bundle(trust_lists=[signed])
    policy = verifier.make_policy(bundle=bundle, now=NOW)
    assert policy is not None
    summary = bundle.summary(NOW)
    assert summary["parts"][0]["problem"] == "invalid_trust_list"
    path = tmp_path / "bundle.json"
    bundle.save(path)
    client = TestClient(verifier.create_app(verifier.VerifierSettings(bundle=path)))
    response = client.post(
        "/credentials/verify", json={"verifiableCredential": world.credential(status=False)}
    )
    assert response.status_code == 200, response.text


# ------------------------------------------------------------------ dates at the edges


def test_years_before_1000_survive_a_save(tmp_path: Path) -> None:
    """strftime("%Y") writes year 999 as "999": the list was saved, then unreadable."""
    target = tmp_path / "list.json"
    result = _cli(
        "trust", "list", "add-issuer", "--list", str(target), "--did", "did:web:a.example",
        "--name", "A", "--country", "PH", "--framework", "PH-PQF", "--levels", "1-5",
        "--valid-from", "0999-01-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(target.read_text("utf-8"))["issuers"][0]["validFrom"] == (
        "0999-01-01T00:00:00Z"
    )
    again = _cli(
        "trust", "list", "add-issuer", "--list", str(target), "--did", "did:web:b.example",
        "--name", "B", "--country", "PH", "--framework", "PH-PQF", "--levels", "1-5",
    )  # fmt: skip
    assert again.exit_code == 0, again.stderr
    shown = _cli("trust", "list", "show", str(target), "--json")
    assert shown.exit_code == 0 and len(json.loads(shown.stdout)["issuers"]) == 2


@given(
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.just(UTC),
    )
)
@settings(max_examples=80, deadline=None)
def test_key_record_dates_round_trip(when: datetime) -> None:
    key = skillpass.KeyPair.generate()
    record = KeyRecord(
        key.did + "#" + key.did.removeprefix("did:key:"),
        key.public_key.multibase,
        when.replace(microsecond=0),
        None,
        when.replace(microsecond=0),
    )
    again = KeyRecord.from_json(json.loads(json.dumps(record.to_json())), "")
    assert again == record


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00", "9999-12-31T24:00:00Z"]
)
def test_dates_with_no_utc_form_are_refused_where_read(value: str, tmp_path: Path) -> None:
    key = skillpass.KeyPair.generate()
    vm = key.did + "#" + key.did.removeprefix("did:key:")
    with pytest.raises(skillpass.SkillpassError) as caught:
        KeyRecord.from_json(
            {"id": vm, "publicKeyMultibase": key.public_key.multibase, "compromised": value}, ""
        )
    assert caught.value.code == "invalid_trust_list"
    target = tmp_path / "list.json"
    result = _cli(
        "trust", "list", "add-issuer", "--list", str(target), "--did", "did:web:a.example",
        "--name", "A", "--country", "PH", "--framework", "PH-PQF", "--levels", "1-5",
        "--valid-until", value,
    )  # fmt: skip
    assert result.exit_code == 2 and "invalid_datetime" in result.stderr
    assert not target.exists()


def _bundle_json(world: World) -> dict[str, Any]:
    return world.bundle().to_json()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fetchedAt", "9999-12-31T00:00:00Z"),  # + ttl passes the year 9999
        ("fetchedAt", "0001-01-01T00:00:00+01:00"),  # no UTC form
    ],
)
def test_bundle_parts_dated_at_the_edge_are_refused(field: str, value: str, tmp_path: Path) -> None:
    data = _bundle_json(World())
    data["parts"][-1][field] = value
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(skillpass.SkillpassError) as caught:
        TrustBundle.load(path)
    assert caught.value.code == "invalid_trust_bundle"
    shown = _cli("trust", "bundle", "show", str(path))
    assert shown.exit_code == 2 and "invalid_trust_bundle" in shown.stderr


def test_bundle_show_now_at_the_edge_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    World().bundle().save(path)
    shown = _cli("trust", "bundle", "show", str(path), "--now", "0001-01-01T00:00:00+14:00")
    assert shown.exit_code == 2 and "invalid_datetime" in shown.stderr
    far = _cli("trust", "bundle", "show", str(path), "--now", "9999-12-31T23:59:59Z", "--json")
    assert far.exit_code == 2 and "invalid_datetime" in far.stderr
    late = _cli("trust", "bundle", "show", str(path), "--now", "9998-12-30T00:00:00Z", "--json")
    assert late.exit_code == 0 and json.loads(late.stdout)["expired"] is True


# ------------------------------------------------------------------ writing files


def test_writing_over_a_directory_is_an_error_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "bundle.json"
    out.mkdir()
    (out / "keep").write_text("x", "utf-8")
    with pytest.raises(skillpass.SkillpassError) as caught:
        World().bundle().save(out)
    assert caught.value.code == "output_unwritable"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.json"]
    assert (out / "keep").read_text("utf-8") == "x"
    result = _cli("trust", "bundle", "build", "--anchor", "did:key:z6MkTest", "--out", str(out))
    assert result.exit_code == 2 and "output_unwritable" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.json"]


def test_saving_into_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(skillpass.SkillpassError) as caught:
        World().bundle().save(tmp_path / "nowhere" / "bundle.json")
    assert caught.value.code == "output_unwritable"


def test_failed_edits_never_touch_the_list_file(tmp_path: Path) -> None:
    target = tmp_path / "list.json"
    ok = _cli(
        "trust", "list", "add-issuer", "--list", str(target), "--did", "did:web:a.example",
        "--name", "A", "--country", "PH", "--framework", "PH-PQF", "--levels", "1-5",
    )  # fmt: skip
    assert ok.exit_code == 0, ok.stderr
    before = target.read_bytes()
    mode = target.stat().st_mode
    attempts = [
        ("add-issuer", "--list", str(target), "--did", "did:web:b.example", "--name", "B",
         "--country", "PH", "--framework", "XX", "--levels", "²-³"),
        ("add-issuer", "--list", str(target), "--did", "did:web:b.example", "--name", "B",
         "--country", "PH", "--framework", "PH-PQF", "--levels", "1-5",
         "--valid-from", "0001-01-01T00:00:00+01:00"),
        ("key", "--list", str(target), "--did", "did:web:a.example", "--id",
         "did:web:a.example#k", "--public-key", "z6MkNotAKey"),
        ("key", "--list", str(target), "--did", "did:web:a.example", "--id",
         "did:web:a.example#k", "--compromised", "garbage"),
        ("remove-issuer", "--list", str(target), "--did", "did:web:zzz.example"),
    ]  # fmt: skip
    for args in attempts:
        result = _cli("trust", "list", *args)
        assert result.exit_code == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert target.read_bytes() == before
    assert target.stat().st_mode == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.json"]


# ------------------------------------------------------------------ the routes


def _asgi_post(
    app: Any, headers: list[tuple[bytes, bytes]], body: bytes, path: str = "/credentials/verify"
) -> int:
    """POST straight through the ASGI interface: HTTP clients (and h11) fix or refuse odd
    headers before they reach the app; other servers may pass them on."""
    sent: list[dict[str, Any]] = []
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    return int(next(m["status"] for m in sent if m["type"] == "http.response.start"))


@pytest.mark.parametrize(
    # Latin-1 superscript digits: str.isdigit() says yes, int() says no.
    "declared",
    [b"\xb2", b"\xb9\xb2", b"-1", b"1e3", b"9" * 40, b""],
)
def test_a_content_length_of_odd_digits_is_a_problem_not_a_500(declared: bytes) -> None:
    app = verifier.create_app()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", declared),
    ]
    assert _asgi_post(app, headers, b"{}") in (400, 413)


# ------------------------------------------------------------------ fetching from bad servers


@contextmanager
def _raw_server(reply: Callable[[socket.socket], None]) -> Iterator[str]:
    """A one-thread-per-connection server on 127.0.0.1 that answers with ``reply``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(65536)
                    reply(conn)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def _broken_chunks(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")


def _too_many_headers(conn: socket.socket) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n{}"
    )


def _trickle(conn: socket.socket) -> None:
    # Each byte comes well within the read timeout; the whole body takes far longer than the
    # fetch's total allowance (three read timeouts).
    body = b'{"a": "' + b"x" * 40 + b'"}'
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
    for byte in body:
        conn.sendall(bytes([byte]))
        time.sleep(0.1)


def _redirect(conn: socket.socket) -> None:
    conn.sendall(
        b"HTTP/1.1 302 Found\r\nLocation: https://example.org/\r\nContent-Length: 0\r\n\r\n"
    )


def _lying_length(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n{}")


def _endless(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
    chunk = b" " * 65536
    for _ in range(200):  # 13 MB, more than the cap
        conn.sendall(chunk)


def _server_error(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 500 Oops\r\nContent-Length: 2\r\n\r\n{}")


@pytest.mark.parametrize(
    ("reply", "codes"),
    [
        (_broken_chunks, {"fetch_failed"}),
        (_too_many_headers, {"fetch_failed"}),
        (_trickle, {"fetch_failed"}),
        (_redirect, {"fetch_failed"}),
        (_lying_length, {"fetch_failed", "not_json"}),
        (_endless, {"response_too_large", "fetch_failed"}),
        (_server_error, {"fetch_failed"}),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_bad_servers_give_a_fetch_error(
    reply: Callable[[socket.socket], None], codes: set[str]
) -> None:
    with _raw_server(reply) as base, pytest.raises(skillpass.SkillpassError) as caught:
        fetch_json(base + "/x", timeout=0.5, max_bytes=1024 * 1024)
    assert caught.value.code in codes, caught.value


def test_online_verification_survives_a_broken_server() -> None:
    """``verify --online`` fetched with only SkillpassError caught: a broken chunked answer
    escaped as http.client.IncompleteRead."""
    with _raw_server(_broken_chunks) as base:
        port = base.rsplit(":", 1)[1]
        key = skillpass.KeyPair.generate()
        world = World(keys=[key])
        credential = world.credential(status=True)
        credential_did = f"did:web:127.0.0.1%3A{port}"
        credential["issuer"]["id"] = credential_did
        credential["credentialStatus"]["statusListCredential"] = base + "/status/1"
        report = verifier.verify(credential, online=True, now=NOW, online_loopback=True)
    # Nothing raised: the DID document could not be fetched, so the proof is not checked.
    assert report.status == "unknown"
    assert {c.id: c.status for c in report.checks}["proof"] == "unknown"


def test_bundle_build_fetch_from_a_broken_server_is_an_error(tmp_path: Path) -> None:
    with _raw_server(_broken_chunks) as base:
        result = _cli(
            "trust", "bundle", "build", "--anchor", "did:key:z6MkTest", "--trust-list",
            base + "/list", "--fetch", "--timeout", "2", "--out", str(tmp_path / "b.json"),
        )  # fmt: skip
    assert result.exit_code == 2 and "fetch_failed" in result.stderr
    assert not (tmp_path / "b.json").exists()


# ------------------------------------------------------------------ status lists


@given(
    size=st.sampled_from([1, 2, 3, 8]),
    index=st.integers(min_value=0, max_value=MIN_ENTRIES - 1),
    value=st.integers(min_value=0, max_value=255),
    extra=st.integers(min_value=0, max_value=64),
)
@settings(max_examples=60, deadline=None)
def test_status_values_read_without_copying_the_list(
    size: int, index: int, value: int, extra: int
) -> None:
    """read_status reads a value straight from the decoded bytes (no 16 MB Bitstring per
    entry: a credential with 128 entries took 21 s); it must agree with Bitstring.get."""
    bits = Bitstring(MIN_ENTRIES + extra, status_size=size)
    bits.set(index, value % (1 << size))
    bits.set(MIN_ENTRIES + extra - 1, (1 << size) - 1)  # the last entry, at the edge
    url = "https://example.org/status/1"
    listed = build_status_list_credential(
        url, issuer="did:example:i", bitstring=bits, purpose="message", valid_from=T0
    )
    messages = [{"status": f"0x{v:x}", "message": f"m{v}"} for v in range(1 << size)]
    for at in (index, MIN_ENTRIES + extra - 1):
        entry = {
            "type": "BitstringStatusListEntry",
            "statusPurpose": "message",
            "statusListIndex": str(at),
            "statusListCredential": url,
            "statusSize": size,
            "statusMessage": messages,
        }
        assert read_status(entry, listed).value == bits.get(at)
    past = dict(entry, statusListIndex=str(len(bits.to_bytes()) * 8 // size))
    with pytest.raises(skillpass.SkillpassError) as caught:
        read_status(past, listed)
    assert caught.value.code == "status_index_out_of_range"


# ------------------------------------------------------------------ bundle size


def test_a_bundle_over_four_megabytes_is_read_back(tmp_path: Path) -> None:
    """The bundle reader allowed 64 MB but parsed with the 4 MB limit of one document: a
    bundle for many issuers was written by ``bundle build`` and refused by every verifier."""
    world = World()
    document = world.did_document()
    document["alsoKnownAs"] = [f"https://rtc7.example.ph/alias/{i:06d}" for i in range(150_000)]
    bundle = TrustBundle.build(
        anchors=[world.authority.did],
        trust_lists=[world.signed_list()],
        did_documents=[document],
        status_lists=[world.status_list()],
        now=T0,
        ttl=timedelta(days=30),
        status_ttl=timedelta(days=30),
    )
    path = tmp_path / "bundle.json"
    bundle.save(path)
    assert path.stat().st_size > 4_000_000
    again = TrustBundle.load(path)
    assert again.to_json() == bundle.to_json()
    assert verifier.verify(world.credential(), bundle=again, now=NOW).verified


# ------------------------------------------------------------------ damaged files (fuzz)

_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59Z", "did:web:x", "²-³"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*prefix, i))
    return out


def _damage(data: Any, draw: Any) -> Any:
    """``data`` with a few values replaced by junk, or removed."""
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            return data
        path = draw(st.sampled_from(paths))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(_JUNK)
    return data


_LIST_TEXT: dict[str, str] = {}


def _list_file_text() -> str:
    if not _LIST_TEXT:
        world = World()
        key = world.keys[0]
        record = KeyRecord(world.vm(0), key.public_key.multibase, T0, None, None)
        entry = ListedIssuer(
            "did:web:rtc7.example.ph",
            "RTC 7",
            "PH",
            (Accreditation.parse("PH-PQF", "1-5"),),
            T0,
            None,
            (record,),
        )
        _LIST_TEXT["list"] = json.dumps(TrustList("L").with_issuer(entry).to_json())
    return _LIST_TEXT["list"]


@given(st.data())
@settings(max_examples=40, deadline=None)
def test_damaged_list_files_give_errors_and_stay_as_they_were(data: st.DataObject) -> None:
    import tempfile

    damaged = _damage(json.loads(_list_file_text()), data.draw)
    text = json.dumps(damaged)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "list.json"
        target.write_text(text, "utf-8")
        commands = [
            ("show", str(target)),
            ("add-issuer", "--list", str(target), "--did", "did:web:b.example", "--name", "B",
             "--country", "PH", "--framework", "PH-PQF", "--levels", "1-3"),
            ("key", "--list", str(target), "--did", "did:web:rtc7.example.ph", "--id",
             "did:web:rtc7.example.ph#key-1", "--retired", "2026-06-01"),
            ("remove-issuer", "--list", str(target), "--did", "did:web:rtc7.example.ph"),
        ]  # fmt: skip
        for args in commands:
            before = target.read_bytes()
            result = _cli("trust", "list", *args)
            assert result.exit_code in (0, 2), (args, result.stderr)
            if result.exit_code == 2:
                assert result.stderr.startswith("error: "), result.stderr
                assert target.read_bytes() == before
            else:
                # What was written reads back.
                TrustList.from_json(json.loads(target.read_text("utf-8")))


_BUNDLE_TEXT: dict[str, str] = {}


@given(st.data())
@settings(max_examples=40, deadline=None)
def test_damaged_bundles_are_refused_or_used_never_crash(data: st.DataObject) -> None:
    import tempfile

    if not _BUNDLE_TEXT:
        world = World()
        _BUNDLE_TEXT["bundle"] = json.dumps(world.bundle().to_json())
        _BUNDLE_TEXT["credential"] = json.dumps(world.credential())
    damaged = _damage(json.loads(_BUNDLE_TEXT["bundle"]), data.draw)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bundle.json"
        path.write_text(json.dumps(damaged), "utf-8")
        shown = _cli("trust", "bundle", "show", str(path), "--now", "2026-03-20T00:00:00Z")
        assert shown.exit_code in (0, 2), shown.stderr
        try:
            bundle = TrustBundle.load(path)
        except skillpass.SkillpassError:
            assert shown.exit_code == 2
            return
        report = verifier.verify(_BUNDLE_TEXT["credential"], bundle=bundle, now=NOW)
        assert report.status in ("valid", "invalid", "unknown")


@pytest.mark.timeout(60)
def test_a_fifo_in_place_of_the_bundle_does_not_hang(tmp_path: Path) -> None:
    """The service re-reads its bundle when the file changes; opening a FIFO blocked for ever
    (until a writer came), and with it every request."""
    fifo = tmp_path / "bundle.json"
    os.mkfifo(fifo)
    with pytest.raises(skillpass.SkillpassError) as caught:
        TrustBundle.load(fifo)
    assert caught.value.code == "trust_bundle_unreadable"
    good = tmp_path / "good.json"
    World().bundle().save(good)
    app = verifier.create_app(verifier.VerifierSettings(bundle=good))
    client = TestClient(app)
    good.unlink()
    os.mkfifo(good)
    response = client.post("/credentials/verify", json={"verifiableCredential": {}})
    assert response.status_code == 400 and response.json()["code"] != "verification_error"


def test_bundle_build_stops_at_the_most_parts_a_verifier_loads(tmp_path: Path) -> None:
    from verifier._bundle import MAX_PARTS

    document = World().did_document()
    with pytest.raises(skillpass.SkillpassError) as caught:
        TrustBundle.build(anchors=["did:key:z6MkTest"], did_documents=[document] * (MAX_PARTS + 1))
    assert caught.value.code == "too_many_parts"
    built = TrustBundle.build(anchors=["did:key:z6MkTest"], did_documents=[document] * MAX_PARTS)
    built.save(tmp_path / "b.json")
    assert len(TrustBundle.load(tmp_path / "b.json").parts) == MAX_PARTS


@pytest.mark.timeout(30)
def test_online_fetches_share_one_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A credential names up to 64 URLs for --online; each fetch had 30 s, so slow servers
    could hold one verification for half an hour. Here eleven fetches of 4 s each (44 s
    before) stop when the budget (1 s here) is spent."""
    from verifier import _policy

    monkeypatch.setattr(_policy, "ONLINE_BUDGET_SECONDS", 1.0)
    with _raw_server(_trickle) as base:
        port = base.rsplit(":", 1)[1]
        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": f"did:web:127.0.0.1%3A{port}",
            "credentialSubject": {"id": "did:example:x"},
            "credentialStatus": [
                {"type": "BitstringStatusListEntry", "statusListCredential": f"{base}/s/{i}"}
                for i in range(10)
            ],
        }
        report = verifier.verify(document, online=True, now=NOW, online_loopback=True)
    assert report.status in ("invalid", "unknown")


def test_online_never_calls_this_machines_own_services() -> None:
    """``--online`` fetches URLs the verified document names: a hostile credential pointing
    them at a loopback service (an admin page, a local database's HTTP port) must not make the
    verifier send it requests. The server counts what reaches it."""
    hits: list[socket.socket] = []

    def counting(conn: socket.socket) -> None:
        hits.append(conn)
        conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")

    with _raw_server(counting) as base:
        port = base.rsplit(":", 1)[1]
        key = skillpass.KeyPair.generate()
        credential = World(keys=[key]).credential(status=True)
        credential["issuer"]["id"] = f"did:web:localhost%3A{port}:admin:reset"
        credential["credentialStatus"]["statusListCredential"] = base + "/admin/delete-all"
        report = verifier.verify(credential, online=True, now=NOW)
    assert hits == []
    assert report.status != "valid"


def test_fetched_status_list_index_cannot_name_local_files(tmp_path: Path) -> None:
    """``bundle build --fetch`` follows the status lists an issuer's index names; a name
    without "://" was read as a local file, so a hostile index could copy, say, the
    authority's key file into a bundle that is then handed out."""
    secret = tmp_path / "authority-key.json"
    secret.write_text(json.dumps({"secret": "do not ship"}), "utf-8")
    index = json.dumps({"statusLists": [str(secret)]}).encode()

    def answer(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(index) + index)

    with _raw_server(answer) as base:
        document = World().did_document()
        document["service"] = [
            {
                "id": document["id"] + "#status-lists",
                "type": "BitstringStatusListIndex",
                "serviceEndpoint": base + "/index",
            }
        ]
        with pytest.raises(skillpass.SkillpassError) as caught:
            TrustBundle.build(anchors=["did:key:z6MkTest"], did_documents=[document], fetch=True)
    assert caught.value.code == "invalid_status_list_index"


def test_a_lone_surrogate_echoed_in_the_report_still_renders() -> None:
    """The report echoes the credential's ``id``; a ``"\\ud800"`` escape there made the
    problem body fail to encode (caught as a 400 verification_error, with a logged traceback)."""
    key = skillpass.KeyPair.generate()
    document = World().credential(status=False)
    document["issuer"]["id"] = key.did
    document.pop("proof")
    signed = skillpass.sign_credential(document, key)
    raw = json.dumps({"verifiableCredential": signed}).replace(signed["id"], "urn:\\ud800")
    client = TestClient(verifier.create_app())
    response = client.post(
        "/credentials/verify", content=raw.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code in (400, 422)
    body = json.loads(response.content)
    assert body["code"] != "verification_error"
    assert body["report"]["id"] == "urn:\ud800"


def test_a_chunked_body_over_the_limit_is_413_unread() -> None:
    """No Content-Length (chunked): the limit is counted while reading, and reading stops."""

    def chunks() -> Iterator[bytes]:
        for _ in range(64):
            yield b" " * 65536

    client = TestClient(verifier.create_app(verifier.VerifierSettings(max_body_bytes=1_000_000)))
    response = client.post(
        "/credentials/verify", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"


_ROUTE: dict[str, Any] = {}


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_damaged_documents_with_a_bundle_never_hit_the_catch_all(data: st.DataObject) -> None:
    """With a bundle and require_trust every check runs (trust lists, key history, status
    snapshots); a damaged credential or presentation gets a verdict, never the catch-all
    ``verification_error`` that stands for a bug."""
    import tempfile

    if not _ROUTE:
        world = World()
        world.records = [KeyRecord(world.vm(0), world.keys[0].public_key.multibase, T0)]
        folder = tempfile.mkdtemp()
        path = Path(folder) / "bundle.json"
        world.bundle(ttl=timedelta(days=3650), status_ttl=timedelta(days=3650)).save(path)
        settings_ = verifier.VerifierSettings(bundle=path, require_trust=True)
        _ROUTE["client"] = TestClient(verifier.create_app(settings_))
        _ROUTE["credential"] = json.dumps(world.credential())
        holder = skillpass.KeyPair.generate()
        _ROUTE["presentation"] = json.dumps(
            skillpass.sign_presentation(
                {
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"],
                    "holder": holder.did,
                    "verifiableCredential": [json.loads(_ROUTE["credential"])],
                },
                holder,
                challenge="c",
            )
        )
    kind = data.draw(st.sampled_from(["credential", "presentation"]))
    document = _damage(json.loads(_ROUTE[kind]), data.draw)
    key = "verifiableCredential" if kind == "credential" else "verifiablePresentation"
    options = data.draw(st.one_of(st.just({"challenge": "c"}), _JUNK))
    response = _ROUTE["client"].post(f"/{kind}s/verify", json={key: document, "options": options})
    assert response.status_code in (200, 400, 422), response.text
    assert response.json().get("code") != "verification_error", response.text


def test_the_page_answers_documents_with_a_lone_surrogate() -> None:
    """The verification page embeds the document it verified; a lone surrogate anywhere in a
    pasted document made the HTML fail to encode: a 500."""
    from verifier.web import create_page_app

    client = TestClient(create_page_app())
    for text in ('{"name": "\\ud800"}', '{"@context": ["\\udcff"], "type": "x"}'):
        response = client.post("/", data={"text": text})
        assert response.status_code in (200, 400, 422), text
        assert response.headers["content-type"].startswith("text/html")
    headers = [
        (b"content-type", b"application/x-www-form-urlencoded"),
        (b"content-length", b"\xb2"),
    ]
    assert _asgi_post(create_page_app(), headers, b"text=x", path="/") == 413


def test_signing_a_list_onto_itself_is_refused(tmp_path: Path) -> None:
    """``list sign --out LIST --force`` replaced the list file (the one to edit next time) by
    the signed credential; a forced write now also replaces atomically."""
    target = tmp_path / "list.json"
    key = tmp_path / "authority.json"
    assert _cli("trust", "authority", "init", "--out", str(key)).exit_code == 0
    ok = _cli(
        "trust", "list", "add-issuer", "--list", str(target), "--did", "did:web:a.example",
        "--name", "A", "--country", "PH", "--framework", "PH-PQF", "--levels", "1-5",
    )  # fmt: skip
    assert ok.exit_code == 0, ok.stderr
    before = target.read_bytes()
    same = _cli(
        "trust", "list", "sign", "--list", str(target), "--key", str(key), "--out", str(target),
        "--force",
    )  # fmt: skip
    assert same.exit_code == 2 and "output_exists" in same.stderr
    assert target.read_bytes() == before
    out = tmp_path / "signed.json"
    for _ in range(2):
        signed = _cli(
            "trust", "list", "sign", "--list", str(target), "--key", str(key), "--out", str(out),
            "--force",
        )  # fmt: skip
        assert signed.exit_code == 0, signed.stderr
        assert TrustList.from_credential(json.loads(out.read_text("utf-8"))).issuers
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "authority.json",
        "list.json",
        "signed.json",
    ]


@pytest.mark.timeout(120)
def test_verify_reads_a_bounded_part_of_an_input_path(tmp_path: Path) -> None:
    """``verifier.verify(Path)`` read the whole file (``/dev/zero`` never ended). Here a pipe
    offers 200 MB; the reader must stop after its 32 MB limit (the writer then sees a broken
    pipe)."""
    fifo = tmp_path / "input"
    os.mkfifo(fifo)
    written = [0]

    def write() -> None:
        chunk = b" " * (1024 * 1024)
        try:
            with open(fifo, "wb") as handle:
                for _ in range(200):
                    handle.write(chunk)
                    written[0] += len(chunk)
        except OSError:
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    report = verifier.verify(fifo)
    writer.join(60)
    assert report.status == "invalid"
    assert report.checks[0].code == "input_too_large"
    assert written[0] < 64 * 1024 * 1024
