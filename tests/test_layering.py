"""Layering: the public names of each package are pinned, no package reaches into another's
private modules, and a plain ``skillpass verify`` loads only what verification uses."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import skillpass
import skillpass.cli
import skillpass.credentials
import skillpass.errors
import skillpass.frameworks
import skillpass.qr
import skillpass.sealing
import verifier
from tests.conftest import EXAMPLES, ROOT

# Changing a public API is a decision: update these lists on purpose (as httpx pins __all__).
PUBLIC = {
    skillpass: [
        "AchievementView",
        "AlignmentView",
        "Check",
        "CheckedCredential",
        "CheckedPresentation",
        "CredentialView",
        "DidResolver",
        "IdentityView",
        "EcPublicKey",
        "EcdsaKeyPair",
        "KeyPair",
        "Limits",
        "NoStatusLists",
        "NoTrustConfigured",
        "OfflineResolver",
        "PresentationView",
        "ProofView",
        "PublicKey",
        "SkillpassError",
        "StatusChecker",
        "StatusDecision",
        "StatusEntry",
        "SubjectView",
        "Text",
        "TrustDecision",
        "TrustPolicy",
        "TrustedIssuers",
        "VerificationPolicy",
        "VerificationReport",
        "WebKey",
        "did_key_document",
        "did_web_document",
        "parse_datetime",
        "parse_json",
        "printable",
        "sign_credential",
        "sign_presentation",
        "types_of",
        "verify_credential",
        "verify_presentation",
    ],
    skillpass.qr: [
        "Certificate",
        "DEFAULT_MAX_VERSION",
        "DRAFT_MARK",
        "MAX_SYMBOLS",
        "PREFIX",
        "QRInfo",
        "decode",
        "encode",
        "image_kind",
        "info",
        "is_qr_text",
        "join",
        "make_certificate",
        "qr_version",
        "read_document",
        "read_image",
        "read_images",
        "render_certificate_pdf",
        "render_png",
        "render_svg",
        "render_terminal",
        "scan_image",
        "split",
        "symbol_versions",
    ],
    skillpass.errors: [
        "ContextError",
        "CryptographicSecurityError",
        "KeyFileError",
        "MalformedValueError",
        "ParsingError",
        "RangeError",
        "ResolutionError",
        "SealingError",
        "SkillpassError",
    ],
    skillpass.sealing: [
        "KEY_FILE_SCRYPT",
        "WALLET_SCRYPT",
        "ScryptParams",
        "SealingError",
        "decrypt",
        "encrypt",
        "envelope_params",
        "random_key",
        "seal",
        "unseal",
    ],
    skillpass.cli: ["CORE_COMMANDS", "ROLE_COMMANDS", "LazyCommand", "PlainCommand", "app", "main"],
    verifier: [
        "Accreditation",
        "BundlePart",
        "BundleStatus",
        "BundleTrust",
        "KeyRecord",
        "ListedIssuer",
        "TrustBundle",
        "TrustList",
        "VerifierSettings",
        "create_app",
        "create_router",
        "load_input",
        "make_policy",
        "verify",
    ],
}


@pytest.mark.parametrize("module", list(PUBLIC), ids=lambda m: m.__name__)
def test_public_names_are_pinned(module: object) -> None:
    assert sorted(module.__all__) == sorted(PUBLIC[module])  # type: ignore[attr-defined]
    for name in module.__all__:  # type: ignore[attr-defined]
        assert getattr(module, name) is not None, name


@pytest.mark.parametrize(
    "module", [skillpass.credentials, skillpass.frameworks], ids=lambda m: m.__name__
)
def test_other_packages_export_what_they_list(module: object) -> None:
    names = module.__all__  # type: ignore[attr-defined]
    assert names == sorted(names) and len(set(names)) == len(names)
    for name in names:
        assert not name.startswith("_") and hasattr(module, name), name


# Packages that are clients of the core: they use its public names only. Everything else
# under skillpass (qr, credentials, frameworks…) is the core itself.
CLIENTS = ("skillpass.cli", "issuer", "verifier", "wallet")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(path: Path) -> str:
    name = _module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _imports(path: Path) -> list[str]:
    package = _package_of(path)
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            found += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return found


def _owner(importer: str) -> str:
    for client in CLIENTS:
        if importer == client or importer.startswith(client + "."):
            return client
    return importer.split(".")[0]


def _violations() -> list[str]:
    bad = []
    for top in ("skillpass", "issuer", "verifier", "wallet"):
        for path in sorted((ROOT / top).rglob("*.py")):
            importer = _module_name(path)
            owner = _owner(importer)
            for name in _imports(path):
                parts = name.split(".")
                if parts[0] not in ("skillpass", "issuer", "verifier", "wallet"):
                    continue
                private = [i for i, p in enumerate(parts) if p.startswith("_") and p[:2] != "__"]
                if not private:
                    continue
                home = ".".join(parts[: private[0]])  # the package the private module is in
                if _owner(home) != owner:  # the core's subpackages are one package
                    bad.append(f"{importer} imports {name}")
    return bad


def test_no_package_imports_another_packages_private_modules() -> None:
    assert _violations() == []


def test_the_scan_sees_a_private_import(tmp_path: Path) -> None:
    probe = ROOT / "skillpass" / "cli" / "_layering_probe.py"
    probe.write_text("from .._verify import verify_credential\n", encoding="utf-8")
    try:
        assert "skillpass.cli._layering_probe imports skillpass._verify" in _violations()
    finally:
        probe.unlink()


HEAVY = ("fastapi", "sqlalchemy", "fpdf", "fontTools", "issuer", "wallet", "verifier", "uvicorn")


def test_a_plain_verify_loads_no_service_and_no_pdf_stack(tmp_path: Path) -> None:
    key = skillpass.KeyPair.generate()
    doc = json.loads((EXAMPLES / "reference-qualification.json").read_text(encoding="utf-8"))
    doc["issuer"]["id"] = key.did
    signed = tmp_path / "signed.json"
    signed.write_text(json.dumps(skillpass.sign_credential(doc, key)), encoding="utf-8")
    code = (
        "import sys\n"
        "from skillpass.cli import main\n"
        f"sys.argv = ['skillpass', 'verify', {str(signed)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
        f"heavy = {HEAVY!r}\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & set(heavy))\n"
        "sys.stderr.write(repr((code, loaded)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    exit_code, loaded = ast.literal_eval(result.stderr.strip().splitlines()[-1])
    assert exit_code == 3  # unknown: no trust list configured
    assert loaded == []


def test_help_imports_neither_the_core_nor_the_roles() -> None:
    code = (
        "import sys\n"
        "from skillpass.cli import main\n"
        "sys.argv = ['skillpass', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "names = ('pyld', 'cryptography', 'jsonschema', 'pydantic', 'rich', 'PIL', 'issuer',"
        " 'verifier', 'wallet', 'fpdf')\n"
        "sys.stderr.write(repr(sorted({m.split('.')[0] for m in sys.modules} & set(names))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert "verify" in result.stdout
    assert ast.literal_eval(result.stderr.strip().splitlines()[-1]) == []


def test_a_plain_verify_does_not_import_rich_or_pydantic(tmp_path: Path) -> None:
    key = skillpass.KeyPair.generate()
    doc = json.loads((EXAMPLES / "reference-qualification.json").read_text(encoding="utf-8"))
    doc["issuer"]["id"] = key.did
    signed = tmp_path / "signed.json"
    signed.write_text(json.dumps(skillpass.sign_credential(doc, key)), encoding="utf-8")
    code = (
        "import sys\n"
        "from skillpass.cli import main\n"
        f"sys.argv = ['skillpass', 'verify', {str(signed)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "names = ('rich', 'pydantic', 'jsonschema', 'PIL', 'qrcode', 'pypdfium2', 'yaml')\n"
        "sys.stderr.write(repr(sorted({m.split('.')[0] for m in sys.modules} & set(names))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert "UNKNOWN" in result.stdout
    assert ast.literal_eval(result.stderr.strip().splitlines()[-1]) == []


def test_importing_the_verifier_loads_no_web_stack() -> None:
    code = (
        "import sys, verifier\n"
        "verifier.TrustBundle, verifier.verify, verifier.VerifierSettings\n"
        "names = ('fastapi', 'starlette', 'uvicorn', 'httpx', 'sqlalchemy', 'pydantic')\n"
        "sys.stderr.write(repr(sorted({m.split('.')[0] for m in sys.modules} & set(names))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert ast.literal_eval(result.stderr.strip().splitlines()[-1]) == []
