#!/usr/bin/env python3
"""SkillPass end to end, offline: an institute issues, the worker carries a QR code, an officer
abroad verifies it and compares the level with their own framework.

    python3 dev.py demo [--out-dir DIR]

Writes its files (keys, signed credential, QR image, printable certificate) to
``.skillpass-demo/`` by default and prints each step. No network is used.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import socket
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

import skillpass
from skillpass import frameworks, qr
from skillpass.credentials import QualificationInput, build_qualification
from wallet import Wallet

console = Console(highlight=False, emoji=False)
STYLE = {"valid": "bold green", "invalid": "bold red", "unknown": "bold yellow"}


def step(number: int, title: str) -> None:
    console.rule(f"[bold]{number}. {title}")


def show_report(report: skillpass.VerificationReport) -> None:
    status, _, rest = report.headline.partition(" · ")
    console.print(f"[{STYLE[report.status]}]{status}[/]" + escape(f" · {rest}" if rest else ""))
    table = Table(box=None, header_style="bold")
    for column in ("check", "status", "code", "message"):
        table.add_column(column, overflow="fold")
    for check in report.checks:
        table.add_row(
            check.id,
            f"[{STYLE[check.status]}]{check.status}[/]",
            escape(check.code),
            escape(check.message),
        )
    console.print(table)


def main() -> int:
    parser = argparse.ArgumentParser(description="SkillPass end-to-end demo (offline).")
    parser.add_argument("--out-dir", type=Path, default=Path(".skillpass-demo"))
    args = parser.parse_args()
    out: Path = args.out_dir
    out.mkdir(parents=True, exist_ok=True)

    step(1, "A training institute in Cebu creates its signing key")
    institute = skillpass.KeyPair.generate()
    (out / "institute.key.json").write_text(json.dumps(institute.to_json(), indent=2))
    (out / "institute.key.json").chmod(0o600)
    console.print(f"institute DID: {institute.did}")

    step(2, "It issues a national certificate (Open Badges 3.0, VC Data Model 2.0)")
    credential = build_qualification(
        QualificationInput(
            issuer={"id": institute.did, "name": "Regional Training Center Central Visayas"},
            holder={"name": "Maria Luz Dela Cruz", "passport": {"number": "P1234567A"}},
            name="Shielded Metal Arc Welding (SMAW) NC II",
            achievement_type="Certificate",
            description=(
                "Competency-based national certificate: fillet and groove welding of carbon "
                "steel plates and pipes in all positions."
            ),
            criteria="Passed the national competency assessment.",
            levels=[{"framework": "PH-PQF", "level": "2"}],
            field_of_study={"code": "0715", "name": "Mechanics and metal trades"},
            skills=[
                {
                    "uri": "http://data.europa.eu/esco/skill/0a1c3e5b-7d9f-4b2e-8c6a-5f3d1b9e7a20",
                    "name": "weld in shielded metal arc welding",
                }
            ],
            completed_on="2026-02-27T00:00:00Z",
            valid_from="2026-03-14T00:00:00Z",
            valid_until="2031-03-13T23:59:59Z",
        ),
        credential_status={
            "id": "https://rtc7.example.ph/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://rtc7.example.ph/status/3",
        },
    )
    signed = skillpass.sign_credential(credential, institute)  # eddsa-rdfc-2022
    (out / "credential.json").write_text(json.dumps(signed, indent=2, ensure_ascii=False))
    console.print(f"signed {signed['id']} with {signed['proof']['cryptosuite']}")
    certificate = out / "certificate.pdf"
    certificate.write_bytes(qr.render_certificate_pdf(signed))
    console.print(f"printable certificate with QR: {certificate}")

    step(3, "The worker keeps it in an encrypted wallet and shows it as one QR code")
    # Demo only: a real wallet's passphrase comes from the worker, never from a program.
    wallet_file = out / "worker.wallet"
    wallet_file.unlink(missing_ok=True)
    with Wallet.create(wallet_file, "demo passphrase: choose your own") as worker:
        kept = worker.add(signed, label="welding certificate")
        console.print(
            f"encrypted wallet {wallet_file.name}: {len(worker.list())} credential, holder "
            f"{worker.holder_did[:28]}…; the credential is stored as received"
        )
        carried = worker.get(kept.id).credential
    if carried != signed:
        raise SystemExit("the wallet changed the credential")
    text = qr.encode(carried)
    png = out / "credential-qr.png"
    png.write_bytes(qr.render_png(text))
    console.print(
        f"{len(json.dumps(signed))} bytes of JSON -> {len(text)} QR characters -> "
        f"QR version {qr.qr_version(text)} at error correction M (limit 22): {png}"
    )

    step(4, "A border officer in Germany scans it, with no network")
    scanned = qr.decode(qr.read_image(png.read_bytes()))
    if scanned != signed:
        raise SystemExit("the QR round trip lost data")
    # Here the officer trusts the institute by its DID; step 8 uses an authority's trust list.
    # The officer types the number printed in the worker's passport: it is checked against the
    # credential's salted hash, read (like every fact in the report) from the signed data.
    report = skillpass.verify_credential(
        scanned,
        trusted_issuers={institute.did},
        now=datetime.now(UTC),
        id_number="P1234567A",
        frameworks=["DE-DQR"],
    )
    show_report(report)
    if report.status == "unknown":
        console.print(
            "[yellow]Unknown, not valid: the signature, issuer and dates check out, but the "
            "revocation list cannot be consulted offline yet.[/]"
        )
    console.print(f"passport number P1234567A: {report.extras['identity']}")

    step(5, "What is PH-PQF level 2 in the officer's and an employer's frameworks?")
    for target in ("DE-DQR", "EQF", "KE-KNQF"):
        comparison = frameworks.compare("PH-PQF", "2", target)
        for route in comparison.routes:
            console.print(
                f"PH-PQF 2 ≈ {target} {route.level}  ({route.confidence} confidence; "
                f"{' → '.join(route.path)})"
            )
        if not comparison.routes:
            console.print(f"PH-PQF 2 → {target}: {comparison.reason}")
    console.print(f"[dim]{frameworks.CAVEAT}[/]")

    step(6, "A forged copy is caught")
    forged = json.loads(json.dumps(signed))
    forged["credentialSubject"]["achievement"]["name"] = "Welding Inspector (EQF 6)"
    show_report(skillpass.verify_credential(forged, trusted_issuers={institute.did}))

    served = issuer_service_journey(out, credential)

    console.rule("[bold]done")
    console.print(f"files in {out}/")
    return 0 if report.check("proof").status == "valid" and served else 1


def issuer_service_journey(out: Path, credential: dict[str, Any]) -> bool:
    """Steps 7-9: the same certificate issued by the issuer service over HTTP, verified with a trust
    bundle (the authority's list, the institute's DID document and status list), then revoked."""
    import httpx
    import uvicorn

    import verifier
    from issuer import Settings, create_app

    step(7, "The institute runs the SkillPass issuer service (embedded SQLite)")
    data = out / "issuer"
    shutil.rmtree(data, ignore_errors=True)  # a fresh database (and master key) each run
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    admin = {"Authorization": f"Bearer {secrets.token_urlsafe(24)}"}
    settings = Settings(
        database_url=f"sqlite:///{data / 'issuer.db'}",
        public_url=base,
        admin_token=admin["Authorization"].split()[1],
        data_dir=data,
    )
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=base, timeout=60) as http:
            body = {
                "name": "Regional Training Center Central Visayas",
                "country": "PH",
                "slug": "rtc7",
                "did_method": "web",
            }
            institute = http.post("/institutes", json=body, headers=admin).json()
            key = http.post("/institutes/rtc7/api-keys", headers=admin).json()["api_key"]
            auth = {"Authorization": f"Bearer {key}"}
            console.print(f"service at {base}; institute DID {institute['did']}")
            unsigned = json.loads(json.dumps(credential))
            unsigned.pop("credentialStatus", None)
            unsigned.pop("id", None)
            unsigned["issuer"].pop("id", None)
            response = http.post("/credentials/issue", json={"credential": unsigned}, headers=auth)
            issued = response.json()["verifiableCredential"]
            (out / "credential-from-service.json").write_text(
                json.dumps(issued, indent=2, ensure_ascii=False)
            )
            entry = issued["credentialStatus"]
            console.print(
                f"POST /credentials/issue -> {response.status_code}: {issued['id']}, status list "
                f"index {entry['statusListIndex']} (of 131,072) in {entry['statusListCredential']}"
            )

            step(8, "The qualifications authority accredits it; the officer syncs a trust bundle")
            # The authority (in the Philippines, TESDA) lists the institute: its registered
            # name, the PH-PQF levels it may award, and its key, pinned from its DID document.
            authority = skillpass.KeyPair.generate()
            did_doc = http.get("/institutes/rtc7/did.json").json()
            keys = tuple(
                verifier.KeyRecord(method["id"], method["publicKeyMultibase"])
                for method in did_doc["verificationMethod"]
            )
            listed = verifier.ListedIssuer(
                id=institute["did"],
                name="Regional Training Center VII, Cebu (TESDA-accredited)",
                country="PH",
                accreditations=(verifier.Accreditation.parse("PH-PQF", "1-3"),),
                keys=keys,
            )
            trust_list = verifier.TrustList(name="TESDA accredited institutions (demo)")
            signed_list = trust_list.with_issuer(listed).sign(authority)
            console.print(
                f"trust list signed by the authority {authority.did[:32]}…: "
                f"{listed.name}, PH-PQF {listed.accreditations[0].text}, {len(keys)} key(s)"
            )

            def officer_checks(label: str) -> str:
                # While online, the officer's machine syncs a bundle (the trust list, the
                # institute's DID document and status lists, each with its fetch time); the
                # verification itself then uses only the bundle, with no network.
                bundle = verifier.TrustBundle.build(
                    anchors=[authority.did], trust_lists=[signed_list], fetch=True
                )
                bundle.save(out / "trust-bundle.json")
                report = verifier.verify(
                    issued, bundle=bundle, anchors=[authority.did], framework="DE-DQR"
                )
                console.print(f"[bold]{label}[/] ({len(bundle.parts)} parts in the bundle)")
                show_report(report)
                return report.status

            before = officer_checks("with today's trust bundle:")

            step(9, "The institute revokes it; the officer's next sync says so")
            change = {
                "credentialId": issued["id"],
                "credentialStatus": {"type": "BitstringStatusList", "statusPurpose": "revocation"},
                "status": True,
            }
            revoked = http.post("/credentials/status", json=change, headers=auth)
            console.print(f"POST /credentials/status -> {revoked.status_code}: {revoked.json()}")
            after = officer_checks("with the next day's trust bundle:")
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    return before == "valid" and after == "invalid"


if __name__ == "__main__":
    sys.exit(main())
