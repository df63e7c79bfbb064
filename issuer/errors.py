"""HTTP-flavoured errors of the issuer service, in the one SkillPass error tree."""

from __future__ import annotations

from typing import ClassVar

from skillpass.errors import SkillpassError

__all__ = [
    "BodyTooLargeError",
    "ConflictError",
    "ForbiddenError",
    "GoneError",
    "IssuerError",
    "NotFoundError",
    "ServiceBusyError",
    "UnauthorizedError",
]

_PROBLEMS = "https://skillpass.dev/problems#"


class IssuerError(SkillpassError):
    """Root of the service's own errors (each maps to one HTTP status)."""

    default_code = "issuer_error"
    problem_type: ClassVar[str] = _PROBLEMS + "ISSUER_ERROR"


class UnauthorizedError(IssuerError):
    """Missing or wrong credentials (admin token or API key)."""

    default_code = "unauthorized"
    http_status = 401


class ForbiddenError(IssuerError):
    """Authenticated, but not allowed to touch this (another institute's data)."""

    default_code = "forbidden"
    http_status = 403


class NotFoundError(IssuerError):
    """No such resource (or not one of this institute's)."""

    default_code = "not_found"
    http_status = 404


class ConflictError(IssuerError):
    """The request conflicts with the stored state."""

    default_code = "conflict"
    http_status = 409


class GoneError(IssuerError):
    """A used or expired offer."""

    default_code = "offer_gone"
    http_status = 410


class BodyTooLargeError(IssuerError):
    """A request body over the size limit."""

    default_code = "body_too_large"
    http_status = 413


class ServiceBusyError(IssuerError):
    """The database is momentarily unavailable; retry."""

    default_code = "service_busy"
    http_status = 503
