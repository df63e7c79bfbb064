"""Ed25519 keys in the W3C Multikey form, key files, and public-key validation (not public API)."""

from __future__ import annotations

import json
from dataclasses import field
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ._multibase import ED25519_PRIV, ED25519_PUB, decode_multibase, encode_multibase
from ._records import record
from .errors import CryptographicSecurityError, KeyFileError, ParsingError, SealingError

_P = 2**255 - 19

# Canonical encodings of the eight points of small order on edwards25519 ("Taming the many
# EdDSAs", table 6). A signature under such a key is valid for many messages, so VC-DI-EdDSA
# §4.1.2 recommends refusing them. Non-canonical encodings are refused by the arithmetic check.
_SMALL_ORDER = frozenset(
    bytes.fromhex(h)
    for h in (
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    )
)


def check_public_key_bytes(raw: bytes) -> None:
    """Refuse public keys that are not 32 bytes, not canonically encoded, or of small order."""
    if len(raw) != 32:
        raise CryptographicSecurityError(
            f"an Ed25519 public key has 32 bytes, not {len(raw)}", code="invalid_public_key"
        )
    y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
    sign = raw[31] >> 7
    if y >= _P:
        raise CryptographicSecurityError(
            "non-canonical Ed25519 public key encoding (y >= p)", code="non_canonical_public_key"
        )
    if sign and y in (1, _P - 1):  # x = 0 has no negative form
        raise CryptographicSecurityError(
            "non-canonical Ed25519 public key encoding (negative zero x)",
            code="non_canonical_public_key",
        )
    if raw in _SMALL_ORDER:
        raise CryptographicSecurityError(
            "Ed25519 public key is a point of small order", code="small_order_public_key"
        )


@record
class PublicKey:
    """An Ed25519 public key that passed :func:`check_public_key_bytes`."""

    raw: bytes
    _key: Ed25519PublicKey = field(repr=False, compare=False)

    @classmethod
    def from_bytes(cls, raw: bytes) -> PublicKey:
        """Validate and wrap 32 raw public-key bytes."""
        check_public_key_bytes(raw)
        try:
            key = Ed25519PublicKey.from_public_bytes(raw)
        except ValueError as exc:
            raise CryptographicSecurityError(
                "invalid Ed25519 public key", code="invalid_public_key"
            ) from exc
        return cls(raw, key)

    @classmethod
    def from_multibase(cls, value: object) -> PublicKey:
        """Parse a Multikey ``publicKeyMultibase`` (``z6Mk…``)."""
        if cls is PublicKey and type(value) is str:
            # A verification decodes its did:key twice (the DID document, then the method);
            # keys are immutable, so a parsed one is kept (a bad one raises, and is not kept).
            return _public_key_from_multibase(value)
        return cls._parse_multibase(value)

    @classmethod
    def _parse_multibase(cls, value: object) -> PublicKey:
        data = decode_multibase(value, what="publicKeyMultibase")
        if len(data) != 34 or data[:2] != ED25519_PUB:
            raise CryptographicSecurityError(
                "publicKeyMultibase is not an Ed25519 Multikey (0xed01 prefix, 32 bytes)",
                code="unsupported_key_type",
            )
        return cls.from_bytes(data[2:])

    @property
    def multibase(self) -> str:
        """The Multikey ``publicKeyMultibase`` form."""
        return _multibase_of(self.raw)

    def verify(self, signature: bytes, data: bytes) -> bool:
        """Whether ``signature`` is a valid Ed25519 signature of ``data`` under this key."""
        if len(signature) != 64:
            return False
        try:
            self._key.verify(signature, data)
        except InvalidSignature:
            return False
        return True


@lru_cache(maxsize=1024)
def _multibase_of(raw: bytes) -> str:
    # Signing reads the key's did:key three times a proof (issuer check, method, DID): base58
    # in Python costs more than the Ed25519 signature, so the text is kept per key.
    return encode_multibase(ED25519_PUB + raw)


@lru_cache(maxsize=1024)
def _public_key_from_multibase(value: str) -> PublicKey:
    return PublicKey._parse_multibase(value)


class KeyPair:
    """An Ed25519 key pair in the W3C Multikey form, identified by its ``did:key``.

    >>> key = KeyPair.generate()
    >>> key.did.startswith("did:key:z6Mk")
    True

    The private key never appears in ``repr()``; :meth:`to_json` writes it only when asked to,
    and encrypts it when given a passphrase.
    """

    __slots__ = ("_private", "public_key")

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        raw = private_key.public_key().public_bytes_raw()
        self.public_key = PublicKey.from_bytes(raw)

    @classmethod
    def generate(cls) -> KeyPair:
        """A new random key pair (from the operating system's CSPRNG)."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> KeyPair:
        """The key pair for a 32-byte Ed25519 seed (deterministic; for tests and vectors)."""
        if len(seed) != 32:
            raise CryptographicSecurityError(
                "an Ed25519 seed has 32 bytes", code="invalid_private_key"
            )
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_json(cls, data: dict[str, Any], *, passphrase: str | None = None) -> KeyPair:
        """Load a Multikey JSON key pair (``secretKeyMultibase`` or ``privateKeyMultibase``),
        plain or encrypted. The public key, when present, must match the private key."""
        if not isinstance(data, dict):
            raise KeyFileError("a key file holds a JSON object", code="invalid_key_file")
        if "encryptedSecretKey" in data:
            if passphrase is None:
                raise KeyFileError(
                    "this key file is encrypted: give its passphrase (--passphrase-file, or the "
                    "SKILLPASS_PASSPHRASE environment variable)",
                    code="passphrase_required",
                )
            seed = _decrypt_seed(
                data["encryptedSecretKey"], passphrase, data.get("publicKeyMultibase")
            )
        else:
            secret = data.get("secretKeyMultibase", data.get("privateKeyMultibase"))
            if secret is None:
                raise KeyFileError("the key file has no secretKeyMultibase", code="no_private_key")
            try:
                raw = decode_multibase(secret, what="secretKeyMultibase")
            except ParsingError as exc:
                raise KeyFileError(exc.message, code="invalid_key_file") from exc
            if len(raw) != 34 or raw[:2] != ED25519_PRIV:
                raise KeyFileError(
                    "secretKeyMultibase is not an Ed25519 private Multikey (0x8026 prefix, "
                    "32 bytes)",
                    code="invalid_key_file",
                )
            seed = raw[2:]
        key = cls.from_seed(seed)
        public = data.get("publicKeyMultibase")
        if public is not None and public != key.public_key.multibase:
            raise KeyFileError(
                "publicKeyMultibase does not belong to the private key", code="key_mismatch"
            )
        return key

    def to_json(
        self, *, passphrase: str | None = None, include_private: bool = True
    ) -> dict[str, Any]:
        """The key pair as Multikey JSON; encrypted (scrypt + AES-256-GCM) with a passphrase."""
        out: dict[str, Any] = {
            "type": "Multikey",
            "id": self.verification_method,
            "controller": self.did,
            "publicKeyMultibase": self.public_key.multibase,
        }
        if not include_private:
            return out
        seed = self._private.private_bytes_raw()
        if passphrase is None:
            out["secretKeyMultibase"] = encode_multibase(ED25519_PRIV + seed)
        else:
            out["encryptedSecretKey"] = _encrypt_seed(seed, passphrase, self.public_key.multibase)
        return out

    @property
    def did(self) -> str:
        """The key's ``did:key`` identifier."""
        return "did:key:" + self.public_key.multibase

    @property
    def verification_method(self) -> str:
        """The ``did:key`` verification method URL (``did:key:z…#z…``)."""
        return f"{self.did}#{self.public_key.multibase}"

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature of ``data`` (64 bytes)."""
        return self._private.sign(data)

    def __repr__(self) -> str:
        return f"KeyPair(did={self.did!r})"


def _encrypt_seed(seed: bytes, passphrase: str, public_multibase: str) -> dict[str, Any]:
    # Imported here: verification never reads a key file, and start-up time counts.
    from . import sealing
    from .sealing import KEY_FILE_SCRYPT

    # The public key is authenticated data, so a file cannot pair it with another private key.
    return sealing.seal(
        seed, passphrase, associated_data=public_multibase.encode(), params=KEY_FILE_SCRYPT
    )


def _decrypt_seed(blob: object, passphrase: str, public_multibase: object) -> bytes:
    from . import sealing

    # Key files keep the codes they had before sealing became shared (codes are a contract).
    try:
        sealing.envelope_params(blob)  # an unreadable envelope is reported before the DID
        if not isinstance(public_multibase, str):
            raise KeyFileError(
                "encrypted key file lacks publicKeyMultibase", code="invalid_key_file"
            )
        return sealing.unseal(blob, passphrase, associated_data=public_multibase.encode())
    except SealingError as exc:
        if exc.code == "bad_passphrase":
            raise KeyFileError(
                "wrong passphrase, or the key file was altered", code="wrong_passphrase"
            ) from None
        if exc.code == "empty_passphrase":
            raise KeyFileError(exc.message, code="empty_passphrase") from None
        raise KeyFileError(
            f"corrupt encrypted key: {exc.message}", code="invalid_key_file"
        ) from None


def load_key_file_text(text: str, *, passphrase: str | None = None) -> KeyPair:
    """Parse the text of a key file."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise KeyFileError("the key file is not JSON", code="invalid_key_file") from exc
    return KeyPair.from_json(data, passphrase=passphrase)
