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
import sys
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

import skillpass
from skillpass import frameworks, qr
from skillpass.credentials import QualificationInput, build_qualification

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

    step(3, "The worker carries the whole credential as one QR code")
    text = qr.encode(signed)
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
    # The officer's trust configuration (later: a signed trust list) names the institute.
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

    console.rule("[bold]done")
    console.print(f"files in {out}/")
    return 0 if report.check("proof").status == "valid" else 1


if __name__ == "__main__":
    sys.exit(main())
