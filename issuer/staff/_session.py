"""The staff session: an encrypted, HTTP-only cookie holding the API key and a CSRF token.

The cookie is sealed with AES-GCM under a key derived from the service's master key, so any
issuer process sharing the master key reads it (no server-side session store), a visitor can
neither read the API key in it nor forge one, and a stolen cookie stops working when it expires
or when the API key is withdrawn (the key is checked again on every request).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["COOKIE", "Session", "SessionSealer"]

COOKIE = "sp_staff"
_LIFETIME = 8 * 3600  # a working day
_AAD = b"skillpass-staff-session-v1"


@dataclass(frozen=True, slots=True)
class Session:
    """What the cookie carries."""

    csrf: str
    expires: int
    api_key: str | None = None
    lang: str | None = None

    def signed_in(self, api_key: str) -> Session:
        # A fresh CSRF token at sign-in: one seen before it (a fixation attempt) is worthless.
        return replace(self, api_key=api_key, csrf=secrets.token_urlsafe(24))

    def csrf_ok(self, token: object) -> bool:
        return isinstance(token, str) and hmac.compare_digest(token, self.csrf)


class SessionSealer:
    """Seals and opens session cookies."""

    def __init__(self, master_key: bytes) -> None:
        key = hmac.new(master_key, b"skillpass staff session cookie", hashlib.sha256).digest()
        self._aead = AESGCM(key)

    @staticmethod
    def new(lang: str | None = None) -> Session:
        return Session(secrets.token_urlsafe(24), int(time.time()) + _LIFETIME, lang=lang)

    def seal(self, session: Session) -> str:
        body: dict[str, Any] = {"c": session.csrf, "e": session.expires}
        if session.api_key:
            body["k"] = session.api_key
        if session.lang:
            body["l"] = session.lang
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, json.dumps(body).encode(), _AAD)
        return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")

    def open(self, value: str | None) -> Session | None:
        """The session in a cookie, or None (absent, forged, damaged or expired)."""
        if not value or len(value) > 4096:
            return None
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            body = json.loads(self._aead.decrypt(raw[:12], raw[12:], _AAD))
        except (ValueError, InvalidTag):
            return None
        if not isinstance(body, dict) or not isinstance(body.get("e"), int):
            return None
        if body["e"] < time.time() or not isinstance(body.get("c"), str):
            return None
        key, lang = body.get("k"), body.get("l")
        return Session(
            body["c"],
            body["e"],
            key if isinstance(key, str) else None,
            lang if isinstance(lang, str) else None,
        )
