"""Every error and check code in the source is documented in docs/errors.md, and the exception
tree has one root (codes are a public contract: CLI output, reports, HTTP problem bodies)."""

from __future__ import annotations

import re

import pytest

from skillpass import errors
from skillpass._schemas import SCHEMA_INVALID
from skillpass.credentials._models import INPUT_ERROR_CODE
from tests.conftest import ROOT

# How codes are written in the source: keyword arguments, the safety rules' helper, proof
# outcomes, report checks and the classes' defaults. f-string codes are listed by hand.
_PATTERNS = [
    r'code="([a-z_]+)"',
    r'_fail\(\s*"([a-z_]+)"',
    r'ProofOutcome\(\s*\w+,\s*"([a-z_]+)"',
    r'"(?:valid|invalid|unknown)",\s*"([a-z_]+)"',
    r'default_code\s*=\s*"([a-z_]+)"',
]
_FORMATTED = {"missing_issuer", "missing_holder", "issuer_mismatch", "holder_mismatch"}
_NOT_CODES = {"invalid"}  # `combine("valid", "invalid")` matches the check pattern


def source_codes() -> set[str]:
    found = set(_FORMATTED) | {SCHEMA_INVALID, INPUT_ERROR_CODE}
    paths = [
        *(ROOT / "skillpass").rglob("*.py"),
        *(ROOT / "wallet").rglob("*.py"),
        *(ROOT / "issuer").rglob("*.py"),
        *(ROOT / "verifier").rglob("*.py"),
    ]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for pattern in _PATTERNS:
            found.update(re.findall(pattern, text))
    return found - _NOT_CODES


def documented_codes() -> set[str]:
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    return set(re.findall(r"`([a-z][a-z_]+)`", text))


def test_the_scan_finds_codes() -> None:
    codes = source_codes()
    assert {"undefined_term", "invalid_signature", "qr_too_large", "unknown_framework"} <= codes
    assert len(codes) > 80


def test_every_code_is_documented() -> None:
    missing = sorted(source_codes() - documented_codes())
    assert not missing, f"add these codes to docs/errors.md: {missing}"


def test_codes_are_snake_case() -> None:
    for code in source_codes():
        assert re.fullmatch(r"[a-z]+(_[a-z0-9]+)*", code), code


@pytest.mark.parametrize(
    "cls",
    [
        errors.ParsingError,
        errors.MalformedValueError,
        errors.ContextError,
        errors.CryptographicSecurityError,
        errors.RangeError,
        errors.ResolutionError,
        errors.KeyFileError,
        errors.SealingError,
    ],
)
def test_one_exception_tree_with_problem_bodies(cls: type[errors.SkillpassError]) -> None:
    assert issubclass(cls, errors.SkillpassError)
    error = cls("something is wrong", path="/a/b")
    problem = error.to_problem()
    assert problem["code"] == cls.default_code
    assert problem["detail"] == "something is wrong"
    assert problem["path"] == "/a/b"
    assert problem["status"] in (400, 422)
    assert problem["type"].startswith("https://")
    assert str(error).startswith(cls.default_code + ":")
