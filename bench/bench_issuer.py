#!/usr/bin/env python3
"""Issuer throughput and latency: batch issuance through the HTTP API, beside raw signing.

For each database (embedded SQLite; PostgreSQL when ``SKILLPASS_BENCH_POSTGRES_URL`` is set —
its ``public`` schema is WIPED), this starts ``skillpass issuer serve --workers 2`` on loopback,
issues ``--count`` reference qualifications with ``POST /credentials/issue/batch`` (batches of
200, 4 client threads), then single ``POST /credentials/issue`` calls from 8 concurrent
clients (p50/p99). Raw signing of the same credentials in this process is the reference; the
goal is a service throughput of at least 0.7x raw signing.

    .venv/bin/python bench/bench_issuer.py [--count 10000] [--singles 400]
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

import skillpass

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.7
ADMIN = "bench-admin-token"
SUITE = "eddsa-rdfc-2022"


def reference() -> dict[str, Any]:
    credential = json.loads((ROOT / "examples" / "reference-qualification.json").read_text())
    credential.pop("credentialStatus", None)
    credential.pop("id", None)
    credential["issuer"].pop("id", None)
    return dict(credential)


def raw_signing(count: int) -> float:
    """Credentials per second, signing in this one process (status entry included)."""
    key = skillpass.KeyPair.generate()
    base = reference()
    start = time.perf_counter()
    for n in range(count):
        doc = copy.deepcopy(base)
        doc["id"] = f"urn:uuid:00000000-0000-4000-8000-{n:012d}"
        doc["issuer"]["id"] = key.did
        doc["credentialStatus"] = {
            "id": f"https://x.example/status-lists/1#{n}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(n),
            "statusListCredential": "https://x.example/status-lists/1",
        }
        skillpass.sign_credential(doc, key, cryptosuite=SUITE)
    return count / (time.perf_counter() - start)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(db: str, data: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SKILLPASS_PUBLIC_URL": base,
        "SKILLPASS_ADMIN_TOKEN": ADMIN,
        "SKILLPASS_MASTER_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "SKILLPASS_DATA_DIR": str(data),
        "SKILLPASS_MAX_BODY_BYTES": str(32 * 1024 * 1024),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from issuer.cli import app; app()",
            "serve",
            "--db",
            db,
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("BENCH_LOG", os.devnull), "a"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the issuer did not start")


def run(db: str, label: str, count: int, singles: int, raw: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = serve(db, Path(tmp))
        try:
            admin = {"Authorization": f"Bearer {ADMIN}"}
            body = {"name": "Bench", "country": "PH", "slug": "bench", "did_method": "web"}
            httpx.post(base + "/institutes", json=body, headers=admin).raise_for_status()
            key = httpx.post(base + "/institutes/bench/api-keys", headers=admin).json()["api_key"]
            auth = {"Authorization": f"Bearer {key}"}
            item = {"credential": reference(), "options": {"cryptosuite": SUITE}}
            batches = [[item] * min(200, count - s) for s in range(0, count, 200)]

            def batch(items: list[dict[str, Any]]) -> int:
                r = httpx.post(
                    base + "/credentials/issue/batch", json=items, headers=auth, timeout=600
                )
                return r.status_code

            start = time.perf_counter()
            with ThreadPoolExecutor(4) as pool:
                codes = list(pool.map(batch, batches))
            elapsed = time.perf_counter() - start
            assert codes == [201] * len(batches), codes

            def single(_: int) -> tuple[int, float]:
                t = time.perf_counter()
                r = httpx.post(base + "/credentials/issue", json=item, headers=auth, timeout=120)
                return r.status_code, time.perf_counter() - t

            with ThreadPoolExecutor(8) as pool:
                results = list(pool.map(single, range(singles)))
            assert all(code == 201 for code, _ in results)
            latencies = sorted(t * 1000 for _, t in results)
            total = httpx.get(base + "/credentials?per_page=1", headers=auth).json()["total"]
            assert total == count + singles, total
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    rate = count / elapsed
    return {
        "db": label,
        "rate": rate,
        "ratio": rate / raw,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--singles", type=int, default=400)
    args = parser.parse_args()
    raw = raw_signing(min(args.count, 2000))
    print(f"raw signing ({SUITE}, one process): {raw:,.0f} credentials/s")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        runs.append(run(f"sqlite:///{tmp}/bench.db", "SQLite", args.count, args.singles, raw))
    pg = os.environ.get("SKILLPASS_BENCH_POSTGRES_URL")
    if pg:
        engine = create_engine(pg.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        runs.append(run(pg, "PostgreSQL", args.count, args.singles, raw))
    else:
        print("PostgreSQL: skipped (set SKILLPASS_BENCH_POSTGRES_URL; its schema is wiped)")
    print(
        f"\n{args.count:,} credentials in batches of 200 (4 clients), --workers 2; "
        f"{args.singles} single issues from 8 concurrent clients:\n"
    )
    print("| database | batch credentials/s | vs raw signing | single p50 ms | single p99 ms |")
    print("|---|---:|---:|---:|---:|")
    ok = True
    for r in runs:
        verdict = "PASS" if r["ratio"] >= GOAL else "below goal"
        ok &= r["ratio"] >= GOAL
        print(
            f"| {r['db']} | {r['rate']:,.0f} | **{r['ratio']:.2f}x** (goal >= {GOAL}x: "
            f"{verdict}) | {r['p50']:.0f} | {r['p99']:.0f} |"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
