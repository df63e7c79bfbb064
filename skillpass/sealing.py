"""Sealing secrets with a passphrase: scrypt + AES-256-GCM.

Key files and the wallet both keep secrets this way. A passphrase becomes a 256-bit key with
scrypt (its parameters and salt travel with the sealed data); AES-256-GCM encrypts and
authenticates, and ``associated_data`` binds the ciphertext to where it belongs (a key file's
public key, a wallet record's identity), so it cannot be moved elsewhere unnoticed::

    from skillpass import sealing

    envelope = sealing.seal(b"secret", "correct horse", associated_data=b"where it lives")
    assert sealing.unseal(envelope, "correct horse", associated_data=b"where it lives") == b"secret"

The envelope is JSON (``version``, ``kdf`` with ``name``/``n``/``r``/``p``/``salt``, ``cipher``
with ``name``/``nonce``, ``ciphertext``; binary values in unpadded base64url). Records that are
encrypted with an already derived key use :func:`encrypt` / :func:`decrypt` (nonce and
ciphertext in one byte string).

Errors are :class:`SealingError`: ``bad_passphrase`` (wrong passphrase, or a sealed value that
was altered: AES-GCM cannot tell the two apart), ``sealed_data_damaged`` (a record encrypted
with a key that fails authentication), ``sealed_data_invalid`` (an envelope that is not one,
or whose parameters are out of range), ``empty_passphrase``.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass
from typing import Any, cast

from cryptography.exceptions import InvalidTag

from .errors import SealingError

__all__ = [
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
]

ENVELOPE_VERSION = 1
_NONCE_BYTES = 12
_B64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_TAG_BYTES = 16


@dataclass(frozen=True, slots=True)
class ScryptParams:
    """scrypt cost parameters (RFC 7914): CPU/memory cost ``n`` (a power of two), block size
    ``r``, parallelism ``p``. Memory is ``128 * n * r`` bytes."""

    n: int
    r: int = 8
    p: int = 1

    # What sealed data may demand: 256 MiB of memory and 2^24 blocks of work. A crafted file
    # must not be able to make opening it exhaust the machine.
    MAX_MEMORY = 256 * 1024 * 1024
    MAX_WORK = 2**24

    def check(self) -> None:
        """Raise ``sealed_data_invalid`` unless the parameters are sane and bounded."""
        for value in (self.n, self.r, self.p):
            if not isinstance(value, int) or isinstance(value, bool):
                raise SealingError("corrupt scrypt parameters", code="sealed_data_invalid")
        n, r, p = self.n, self.r, self.p
        if not (2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 16 and 1 <= p <= 4) or (
            128 * n * r > self.MAX_MEMORY or n * r * p > self.MAX_WORK
        ):
            raise SealingError("scrypt parameters out of range", code="sealed_data_invalid")

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        """The 32-byte key for ``passphrase`` and ``salt``."""
        self.check()
        if not passphrase:
            raise SealingError("the passphrase is empty", code="empty_passphrase")
        # Imported when used: the command line starts faster without the cipher modules.
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        return Scrypt(salt=salt, length=32, n=self.n, r=self.r, p=self.p).derive(
            passphrase.encode("utf-8")
        )

    @property
    def memory_bytes(self) -> int:
        """Memory one derivation needs."""
        return 128 * self.n * self.r


KEY_FILE_SCRYPT = ScryptParams(n=2**15, r=8, p=1)
"""Key files: about 0.15 s and 32 MiB on a 2-core VM."""

WALLET_SCRYPT = ScryptParams(n=2**16, r=8, p=1)
"""Wallets: about 0.3 s and 64 MiB on a 2-core VM (the figure in ``bench/bench_wallet.py``);
opened once per session, so it can afford twice a key file's cost."""


def _b64encode(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64decode(text: object, *, what: str = "value") -> bytes:
    """Unpadded (or padded) base64url; ``sealed_data_invalid`` for anything else."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text):
        raise SealingError(f"sealed data: {what} is not base64url text", code="sealed_data_invalid")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise SealingError(
            f"sealed data: {what} is not base64url", code="sealed_data_invalid"
        ) from None


def random_key() -> bytes:
    """A fresh random 256-bit key (for :func:`encrypt`)."""
    return os.urandom(32)


def encrypt(key: bytes, plaintext: bytes, *, associated_data: bytes = b"") -> bytes:
    """AES-256-GCM with a random nonce: ``nonce || ciphertext || tag``."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def decrypt(key: bytes, sealed: bytes, *, associated_data: bytes = b"") -> bytes:
    """Undo :func:`encrypt`; ``sealed_data_damaged`` when the data, its nonce or its associated
    data were changed (or the key is another one)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(sealed) < _NONCE_BYTES + _TAG_BYTES:
        raise SealingError("sealed data is truncated", code="sealed_data_damaged")
    try:
        return AESGCM(key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], associated_data)
    except InvalidTag:
        raise SealingError(
            "sealed data failed authentication (altered or damaged)", code="sealed_data_damaged"
        ) from None


def seal(
    plaintext: bytes,
    passphrase: str,
    *,
    associated_data: bytes = b"",
    params: ScryptParams = KEY_FILE_SCRYPT,
) -> dict[str, Any]:
    """Encrypt ``plaintext`` under a key derived from ``passphrase`` (fresh salt and nonce);
    returns the JSON envelope described in the module docstring."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(_NONCE_BYTES)
    key = params.derive(passphrase, salt)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, associated_data)
    return {
        "version": ENVELOPE_VERSION,
        "kdf": {
            "name": "scrypt",
            "n": params.n,
            "r": params.r,
            "p": params.p,
            "salt": _b64encode(salt),
        },
        "cipher": {"name": "A256GCM", "nonce": _b64encode(nonce)},
        "ciphertext": _b64encode(ciphertext),
    }


def envelope_params(envelope: object) -> ScryptParams:
    """The checked scrypt parameters of an envelope (``sealed_data_invalid`` otherwise)."""
    if not isinstance(envelope, dict) or envelope.get("version") != ENVELOPE_VERSION:
        raise SealingError("unsupported sealed data format", code="sealed_data_invalid")
    kdf, cipher = envelope.get("kdf"), envelope.get("cipher")
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise SealingError("unsupported key derivation", code="sealed_data_invalid")
    if not isinstance(cipher, dict) or cipher.get("name") != "A256GCM":
        raise SealingError("unsupported cipher", code="sealed_data_invalid")
    params = ScryptParams(kdf.get("n"), kdf.get("r"), kdf.get("p"))  # type: ignore[arg-type]
    params.check()  # before any work: bound what a crafted envelope can demand
    return params


def unseal(envelope: object, passphrase: str, *, associated_data: bytes = b"") -> bytes:
    """Undo :func:`seal`. ``bad_passphrase`` when the passphrase is wrong or the envelope (or
    its associated data) was altered; ``sealed_data_invalid`` when it is not an envelope."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    params = envelope_params(envelope)
    envelope = cast(dict[str, Any], envelope)  # its shape was checked just above
    salt = _b64decode(envelope["kdf"].get("salt"), what="salt")
    nonce = _b64decode(envelope["cipher"].get("nonce"), what="nonce")
    ciphertext = _b64decode(envelope.get("ciphertext"), what="ciphertext")
    if len(nonce) != _NONCE_BYTES or len(salt) < 8:
        raise SealingError("sealed data: bad nonce or salt length", code="sealed_data_invalid")
    key = params.derive(passphrase, salt)
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, associated_data)
    except (InvalidTag, ValueError):
        raise SealingError(
            "wrong passphrase, or the sealed data was altered", code="bad_passphrase"
        ) from None
