"""The one exception tree of SkillPass.

Every error a caller can provoke with bad input is a :class:`SkillpassError` carrying a stable,
machine-readable ``code`` (the codes are part of the public contract: the CLI prints them, the
HTTP services return them in ``application/problem+json`` bodies)::

    SkillpassError
    ├── ParsingError                 unreadable input (not JSON, bad multibase, bad QR text)
    ├── MalformedValueError          well-formed but not acceptable (safety rules, schemas, levels)
    │   └── ContextError             a JSON-LD context that is not on the allow-list
    ├── CryptographicSecurityError   bad keys, signatures, key/issuer mismatch
    ├── RangeError                   outside a bound (too large, too deep, expired, not yet valid)
    ├── ResolutionError              a DID or other resource that cannot be resolved offline
    ├── KeyFileError                 key files: wrong passphrase, unreadable or corrupt file
    └── SealingError                 passphrase-sealed data: wrong passphrase, damaged data

Misuse of the API by a programmer (wrong argument types) raises ``TypeError``/``ValueError``
outside this tree.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "ContextError",
    "CryptographicSecurityError",
    "KeyFileError",
    "MalformedValueError",
    "ParsingError",
    "RangeError",
    "ResolutionError",
    "SealingError",
    "SkillpassError",
]

# VC Data Model 2.0 §7.1 problem types, used where the meaning matches.
_VCDM = "https://www.w3.org/TR/vc-data-model#"
_SKILLPASS = "https://skillpass.dev/problems#"


class SkillpassError(Exception):
    """Root of all SkillPass errors.

    ``code`` is stable and machine-readable (``snake_case``); ``message`` is for people;
    ``path`` optionally points at the offending part of a document (JSON pointer style).
    """

    default_code: ClassVar[str] = "skillpass_error"
    problem_type: ClassVar[str] = _SKILLPASS + "ERROR"
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, *, code: str | None = None, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.path = path

    def __str__(self) -> str:
        where = f" (at {self.path})" if self.path else ""
        return f"{self.code}: {self.message}{where}"

    def to_problem(self) -> dict[str, Any]:
        """The error as an RFC 9457 ``application/problem+json`` body."""
        body: dict[str, Any] = {
            "type": self.problem_type,
            "title": type(self).__name__,
            "status": self.http_status,
            "detail": self.message,
            "code": self.code,
        }
        if self.path:
            body["path"] = self.path
        return body


class ParsingError(SkillpassError):
    """Input that cannot be parsed at all (not JSON, bad encoding, truncated data)."""

    default_code = "parsing_error"
    problem_type = _VCDM + "PARSING_ERROR"


class MalformedValueError(SkillpassError):
    """Input that parses but breaks a rule (safety rules, schemas, unknown values)."""

    default_code = "malformed_value"
    problem_type = _VCDM + "MALFORMED_VALUE_ERROR"
    http_status = 422


class ContextError(MalformedValueError):
    """A JSON-LD context that is not on the allow-list (or fails its pinned hash)."""

    default_code = "context_not_allowed"


class CryptographicSecurityError(SkillpassError):
    """Bad key material, a signature that does not verify, a key that is not the issuer's."""

    default_code = "cryptographic_security_error"
    problem_type = _VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR"


class RangeError(SkillpassError):
    """A value or an amount of work outside its allowed range."""

    default_code = "range_error"
    problem_type = _VCDM + "RANGE_ERROR"
    http_status = 422


class ResolutionError(SkillpassError):
    """A DID, verification method or other resource that cannot be resolved (offline)."""

    default_code = "resolution_error"
    problem_type = _SKILLPASS + "RESOLUTION_ERROR"


class KeyFileError(SkillpassError):
    """A key file that cannot be read: wrong passphrase, corrupt or unknown format."""

    default_code = "key_file_error"
    problem_type = _SKILLPASS + "KEY_FILE_ERROR"


class SealingError(SkillpassError):
    """Passphrase-sealed data (:mod:`skillpass.sealing`) that cannot be opened: a wrong
    passphrase (``bad_passphrase``), altered or damaged data, or an unknown envelope format."""

    default_code = "sealing_error"
    problem_type = _SKILLPASS + "SEALING_ERROR"
