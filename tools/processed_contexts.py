"""Write schemas/contexts/processed-contexts.json: the pinned contexts as pyld processes them.

Run from the repository root:

    .venv/bin/python tools/processed_contexts.py            # says whether the file is current
    .venv/bin/python tools/processed_contexts.py --write    # rewrites it, and its SHA-256 pin

The fast JSON-LD engine (skillpass/_fastld.py) starts from this file, so the common path of a
verification never imports pyld. Every active context in it is pyld's own result for the
documents below: the reference qualification (VCDM 2.0 and 1.1), credentials of every kind the
builders make (the QR dictionary's synthetic corpus), a presentation, and the proof
configurations of both cryptosuites. A context a document reaches that is not in the file is
processed by pyld on first use, so the corpus decides start-up time, never a result.
tests/skillpass/test_processed_contexts.py regenerates the file and requires it to be unchanged.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "schemas" / "contexts" / "processed-contexts.json"
PIN = ROOT / "skillpass" / "_fastld.py"
V1 = "https://www.w3.org/2018/credentials/v1"
DATA_INTEGRITY = "https://w3id.org/security/data-integrity/v2"
CREATED = datetime(2026, 3, 14, tzinfo=UTC)


def _builder_credentials(count: int) -> list[dict[str, Any]]:
    """Signed credentials of every kind, from the QR dictionary's deterministic corpus."""
    spec = importlib.util.spec_from_file_location(
        "train_qr_dictionary", ROOT / "tools" / "train_qr_dictionary.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from skillpass import SkillpassError

    corpus = module.Corpus(module.SEED)
    out = []
    for _ in range(count):
        try:
            out.append(corpus.credential())
        except SkillpassError:
            continue  # a sample the signer refuses (the corpus is tuned for QR codes)
    return out


def _parts(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """What verifying ``doc`` expands: the document, without its proofs, and each proof's
    configuration under the document's context."""
    yield doc
    yield {k: v for k, v in doc.items() if k != "proof"}
    proofs = doc.get("proof", [])
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        config = {k: v for k, v in proof.items() if k != "proofValue"}
        config["@context"] = doc["@context"]
        yield config


def documents() -> Iterator[dict[str, Any]]:
    from skillpass import KeyPair, sign_credential, sign_presentation

    key = KeyPair.from_seed(bytes([7]) * 32)
    reference = json.loads((ROOT / "examples" / "reference-qualification.json").read_text("utf-8"))
    reference["issuer"]["id"] = key.did
    v1 = copy.deepcopy(reference)
    v1["@context"] = [V1, *reference["@context"][1:], DATA_INTEGRITY]
    v1["issuanceDate"] = v1.pop("validFrom")
    v1["expirationDate"] = v1.pop("validUntil")
    v1.pop("credentialStatus", None)  # VCDM 1.1 defines no Bitstring Status List terms
    signed = []
    for doc in (reference, v1):
        for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
            signed.append(sign_credential(doc, key, cryptosuite=suite, created=CREATED))
    signed += _builder_credentials(48)
    presentation = {
        "@context": [reference["@context"][0]],
        "type": ["VerifiablePresentation"],
        "holder": key.did,
        "verifiableCredential": signed[:2],
    }
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        signed.append(
            sign_presentation(presentation, key, challenge="c", cryptosuite=suite, created=CREATED)
        )
    for doc in signed:
        yield from _parts(doc)


def generate() -> str:
    from skillpass._fastld import build_snapshot

    return json.dumps(build_snapshot(documents()), ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", action="store_true", help="rewrite the file")
    args = parser.parse_args()
    text = generate()
    if args.write:
        TARGET.write_text(text, encoding="utf-8")
        digest = hashlib.sha256(text.encode()).hexdigest()
        source = PIN.read_text(encoding="utf-8")
        pinned = re.sub(
            r'^SNAPSHOT_SHA256 = "[0-9a-f]*"$', f'SNAPSHOT_SHA256 = "{digest}"', source, flags=re.M
        )
        PIN.write_text(pinned, encoding="utf-8")
        print(f"wrote {TARGET.relative_to(ROOT)} ({len(text.encode()):,} bytes), SHA-256 {digest}")
        return 0
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else None
    print("current" if current == text else "out of date: run with --write")
    return 0 if current == text else 1


if __name__ == "__main__":
    sys.exit(main())
