"""Collecting a credential from an issuer's offer URL: the wallet's one network action.

The contract agreed with the issuer service::

    GET <offer>                       200 {"verifiableCredential": VC}       (single use)
                                  or  200 {"bind_holder": true, "nonce": N, "domain": D}
    POST <offer> {"presentation": VP} 201 {"verifiableCredential": VC}
                                      (VP: a presentation with ``holder`` = the holder DID,
                                       signed for authentication with challenge N, domain D)
    an offer already used or expired  410 application/problem+json (code offer_used or
                                      offer_expired)

Every response is bounded in time and size; redirects are not followed.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import skillpass

from ._errors import WalletError
from ._inputs import parse_object

if TYPE_CHECKING:
    import httpx

    from ._wallet import StoredCredential, Wallet

DEFAULT_TIMEOUT = 15.0
MAX_RESPONSE_BYTES = 4_000_000


def fetch_offer(
    wallet: Wallet,
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_RESPONSE_BYTES,
    holder: str | None = None,
    resolver: skillpass.DidResolver | None = None,
    trusted_issuers: Collection[str] | None = None,
) -> StoredCredential:
    """Collect the credential an issuer offers at ``url`` and add it to ``wallet``.

    When the issuer asks to bind the credential to the holder, the wallet proves control of
    ``holder`` (default: the primary holder key) with a presentation for the issuer's nonce
    and domain. Raises ``offer_failed`` (network error, timeout, unexpected answer),
    ``offer_used`` / ``offer_expired`` (410: collected already, or expired),
    ``input_too_large``, or what :meth:`Wallet.add` raises.
    """
    import httpx

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise WalletError(f"an offer is an http(s) URL, not {url!r}", code="offer_failed")
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        body = _exchange(client, "GET", url, None, max_bytes, timeout)
        if body.get("bind_holder") is True:
            nonce, domain = body.get("nonce"), body.get("domain")
            if not isinstance(nonce, str) or not nonce or not isinstance(domain, (str, type(None))):
                raise WalletError(
                    "the issuer asked to bind the holder but sent no usable nonce",
                    code="offer_failed",
                )
            vp = wallet.bind_holder(challenge=nonce, domain=domain, holder=holder)
            body = _exchange(client, "POST", url, {"presentation": vp}, max_bytes, timeout)
    credential = body.get("verifiableCredential")
    if not isinstance(credential, dict):
        raise WalletError("the issuer's answer holds no credential", code="offer_failed")
    return _store(wallet, credential, f"offer {parts.netloc}", resolver, trusted_issuers)


_STORAGE_CODES = {"wallet_busy", "wallet_unwritable", "wallet_closed", "wallet_damaged"}


class OfferNotStoredError(WalletError):
    """An offer's credential was received but not stored: it is in :attr:`credential`."""

    credential: dict[str, Any]


def _store(
    wallet: Wallet,
    credential: dict[str, Any],
    source: str,
    resolver: skillpass.DidResolver | None,
    trusted_issuers: Collection[str] | None,
) -> StoredCredential:
    """Add the collected credential; the offer is used up now, so a credential received but
    not stored (a busy or unwritable wallet) must not be lost with the error."""
    attempts = 3
    for attempt in range(attempts):
        try:
            return wallet.add(
                credential, source=source, resolver=resolver, trusted_issuers=trusted_issuers
            )
        except WalletError as exc:
            if exc.code not in _STORAGE_CODES:
                raise
            if exc.code == "wallet_busy" and attempt < attempts - 1:
                time.sleep(1.0)
                continue
            error = OfferNotStoredError(
                f"the issuer sent the credential, but it could not be stored ({exc.message}); "
                "keep the credential this error carries and add it again",
                code="offer_not_stored",
            )
            error.credential = credential
            raise error from None
    raise WalletError("the credential could not be stored", code="offer_not_stored")


def _exchange(
    client: httpx.Client, method: str, url: str, payload: Any, max_bytes: int, timeout: float
) -> dict[str, Any]:
    import httpx

    try:
        deadline = time.monotonic() + timeout * 2  # httpx bounds each read; this, the whole
        with client.stream(method, url, json=payload) as response:
            data = bytearray()
            for chunk in response.iter_bytes():
                data += chunk
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer is too slow", request=response.request)
                if len(data) > max_bytes:
                    raise WalletError(
                        f"the issuer's answer is larger than {max_bytes:,} bytes",
                        code="input_too_large",
                    )
            status = response.status_code
    except httpx.TimeoutException:
        raise WalletError(
            f"the issuer at {url} did not answer in time", code="offer_failed"
        ) from None
    except httpx.HTTPError as exc:
        raise WalletError(f"cannot reach the issuer at {url}: {exc}", code="offer_failed") from None
    expected = 201 if method == "POST" else 200
    if status == 410:
        expired = b"offer_expired" in bytes(data)
        raise WalletError(
            f"the offer {'has expired' if expired else 'was collected already'}"
            f"{_problem(bytes(data))}",
            code="offer_expired" if expired else "offer_used",
        )
    if status != expected:
        raise WalletError(
            f"the issuer answered {method} with HTTP {status}{_problem(bytes(data))}",
            code="offer_failed",
        )
    try:
        return parse_object(bytes(data), what="the issuer's answer")
    except skillpass.SkillpassError as exc:
        raise WalletError(exc.message, code="offer_failed") from None


def _problem(data: bytes) -> str:
    """The detail of an RFC 9457 problem body, for the message (bounded)."""
    try:
        body = parse_object(data, what="problem")
    except skillpass.SkillpassError:
        return ""
    detail = body.get("detail") or body.get("title")
    code = body.get("code")
    parts = [str(x)[:300] for x in (code, detail) if isinstance(x, str)]
    return (": " + ": ".join(parts)) if parts else ""
