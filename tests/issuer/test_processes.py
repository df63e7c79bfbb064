"""Real uvicorn processes on loopback: two servers sharing one database issue concurrently,
the CLI's issue-batch drives one, and SIGTERM stops them cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

import skillpass
from issuer.cli import app as cli
from tests.conftest import ROOT
from tests.issuer.conftest import ADMIN, postgres_url, reset_postgres, unsigned_qualification
from tests.issuer.test_cohorts import cohort
from tests.issuer.test_issuer_api import assert_verified


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``issuer serve`` in a child process, stopped by its process id."""

    def __init__(self, db: str, port: int, public_url: str, data_dir: Path) -> None:
        env = {
            **os.environ,
            "SKILLPASS_PUBLIC_URL": public_url,
            "SKILLPASS_ADMIN_TOKEN": ADMIN,
            "SKILLPASS_DATA_DIR": str(data_dir),
        }
        env.pop("SKILLPASS_MASTER_KEY", None)
        self.base = f"http://127.0.0.1:{port}"
        self.log = data_dir / f"server-{port}.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        self._log_handle = self.log.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from issuer.cli import app; app()",
                "serve",
                "--db",
                db,
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self._log_handle,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.base + "/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the server did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> int:
        self._log_handle.close()
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                return self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return int(self.proc.returncode)


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def _setup(base: str) -> tuple[str, str]:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    body = {"name": "Cebu RTC", "country": "PH", "slug": "rtc7", "did_method": "web"}
    did = httpx.post(base + "/institutes", json=body, headers=admin).json()["did"]
    key = httpx.post(base + "/institutes/rtc7/api-keys", headers=admin).json()["api_key"]
    return did, key


def test_two_processes_share_one_postgresql(servers: list[Server], tmp_path: Path) -> None:
    url = postgres_url()
    reset_postgres(url)
    port_a, port_b = free_port(), free_port()
    public = f"http://127.0.0.1:{port_a}"
    servers.append(Server(url, port_a, public, tmp_path / "data"))
    servers.append(Server(url, port_b, public, tmp_path / "data"))
    did, key = _setup(servers[0].base)
    headers = {"Authorization": f"Bearer {key}"}
    total = 300

    def one(n: int) -> tuple[int, Any]:
        base = servers[n % 2].base
        credential = unsigned_qualification()
        del credential["id"]
        options = {"cryptosuite": "eddsa-jcs-2022" if n % 3 else "eddsa-rdfc-2022"}
        if n % 5 == 0:
            options["credentialStatus"] = {
                "type": "BitstringStatusList",
                "statusPurpose": "suspension",
            }
        if n == total // 2:  # a key rotation in the middle of it all, from the other server
            httpx.post(
                servers[1].base + "/institutes/rtc7/keys/rotate",
                headers={"Authorization": f"Bearer {ADMIN}"},
                timeout=60,
            )
        response = httpx.post(
            base + "/credentials/issue",
            json={"credential": credential, "options": options},
            headers=headers,
            timeout=120,
        )
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(one, range(total)))
    statuses = [status for status, _ in results]
    assert statuses == [201] * total, [b for s, b in results if s != 201][:3]
    vcs = [body["verifiableCredential"] for _, body in results]
    slots = [
        (vc["credentialStatus"]["statusListCredential"], vc["credentialStatus"]["statusListIndex"])
        for vc in vcs
    ]
    assert len(set(slots)) == total
    assert len({vc["id"] for vc in vcs}) == total
    doc = httpx.get(servers[1].base + "/institutes/rtc7/did.json").json()
    assert len(doc["verificationMethod"]) == 2
    resolver = skillpass.OfflineResolver({did: doc})
    for vc in vcs:
        assert_verified(skillpass.verify_credential(vc, resolver=resolver, trusted_issuers=[did]))
    methods = {vc["proof"]["verificationMethod"].rsplit("#", 1)[1] for vc in vcs}
    assert methods == {"key-1", "key-2"}
    listed = httpx.get(servers[0].base + "/credentials?per_page=1", headers=headers).json()
    assert listed["total"] == total
    for server in servers:
        # SIGTERM: a graceful stop (uvicorn finishes, then re-raises the signal).
        assert server.stop() in (0, -signal.SIGTERM)
        assert "Application shutdown complete" in server.log.read_text()
        lines = [
            json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")
        ]
        assert any(line.get("msg") == "request" and line.get("status") == 201 for line in lines)
        assert not any(str(line.get("status", "")).startswith("5") for line in lines)
        assert key.split("_")[-1] not in server.log.read_text()


def test_cli_issue_batch_and_migrate(servers: list[Server], tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'issuer.db'}"
    runner = CliRunner()
    migrated = runner.invoke(cli, ["migrate", "--db", db])
    assert migrated.exit_code == 0, migrated.output
    port = free_port()
    servers.append(Server(db, port, f"http://127.0.0.1:{port}", tmp_path / "data"))
    did, key = _setup(servers[0].base)
    (tmp_path / "cohort.csv").write_text(cohort(450), encoding="utf-8")
    out = tmp_path / "issued.jsonl"
    args = [
        "issue-batch",
        "--csv",
        str(tmp_path / "cohort.csv"),
        "--institute",
        "rtc7",
        "--out",
        str(out),
        "--url",
        servers[0].base,
        "--chunk",
        "200",
    ]
    result = runner.invoke(cli, args, env={"SKILLPASS_API_KEY": key})
    assert result.exit_code == 0, result.output
    vcs = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(vcs) == 450 and all(vc["issuer"]["id"] == did for vc in vcs)
    again = runner.invoke(cli, args, env={"SKILLPASS_API_KEY": key})
    assert again.exit_code == 2 and "output_exists" in again.output
    (tmp_path / "bad.csv").write_text(cohort(3).replace("Graduate 2,", ","), encoding="utf-8")
    bad = runner.invoke(
        cli,
        [
            *args[:2],
            str(tmp_path / "bad.csv"),
            *args[3:5],
            "--out",
            str(tmp_path / "bad.jsonl"),
            *args[7:],
        ],
        env={"SKILLPASS_API_KEY": key},
    )
    assert bad.exit_code == 2 and "row 4, column holder_name" in bad.output
    assert not (tmp_path / "bad.jsonl").exists()
