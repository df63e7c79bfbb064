"""ECDSA P-256 and P-384 keys in the W3C Multikey form, for the ``ecdsa-rdfc-2019`` and
``ecdsa-jcs-2019`` cryptosuites (not public API; ``EcdsaKeyPair`` is exported by ``skillpass``).

Data Integrity ECDSA Cryptosuites v1.0 (W3C Recommendation, 2025): public keys are compressed
points with the multicodec prefixes ``p256-pub`` (0x1200) and ``p384-pub`` (0x1201), so their
``did:key`` identifiers start ``zDn`` and ``z82``; signatures are the IEEE P1363 form ``r ‖ s``
(64 and 96 bytes); P-256 hashes with SHA-256 and P-384 with SHA-384, for the proof's hash data
and for the signature itself.
"""

from __future__ import annotations

from dataclasses import field
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from ._keys import PublicKey
from ._multibase import decode_multibase, encode_multibase
from ._records import record
from .errors import CryptographicSecurityError, KeyFileError, ParsingError

__all__ = ["CURVES", "EcPublicKey", "EcdsaKeyPair", "public_key_from_multibase"]


@record
class _Curve:
    name: str
    public_prefix: bytes  # multicodec varint
    secret_prefix: bytes
    size: int  # bytes of one coordinate (and of r and of s)
    hash_name: str

    def curve(self) -> ec.EllipticCurve:
        return ec.SECP256R1() if self.name == "P-256" else ec.SECP384R1()

    def hash(self) -> hashes.HashAlgorithm:
        return hashes.SHA256() if self.hash_name == "sha256" else hashes.SHA384()


CURVES = {
    "P-256": _Curve("P-256", b"\x80\x24", b"\x86\x26", 32, "sha256"),
    "P-384": _Curve("P-384", b"\x81\x24", b"\x87\x26", 48, "sha384"),
}


@record
class EcPublicKey:
    """A P-256 or P-384 public key (a valid point on its curve, compressed)."""

    curve: str
    raw: bytes
    _key: ec.EllipticCurvePublicKey = field(repr=False, compare=False)

    @classmethod
    def from_multibase(cls, value: object) -> EcPublicKey:
        """Parse a P-256 (``zDn…``) or P-384 (``z82…``) Multikey ``publicKeyMultibase``."""
        data = decode_multibase(value, what="publicKeyMultibase")
        for spec in CURVES.values():
            if data[:2] == spec.public_prefix:
                raw = data[2:]
                if len(raw) != spec.size + 1 or raw[0] not in (2, 3):
                    raise CryptographicSecurityError(
                        f"a {spec.name} Multikey is a compressed point of {spec.size + 1} bytes",
                        code="invalid_public_key",
                    )
                try:
                    # Decoding checks that the point is on the curve.
                    key = ec.EllipticCurvePublicKey.from_encoded_point(spec.curve(), raw)
                except ValueError:
                    raise CryptographicSecurityError(
                        f"not a point on {spec.name}", code="invalid_public_key"
                    ) from None
                return cls(spec.name, raw, key)
        raise CryptographicSecurityError(
            "publicKeyMultibase is not a P-256 or P-384 Multikey", code="unsupported_key_type"
        )

    @property
    def multibase(self) -> str:
        """The Multikey ``publicKeyMultibase`` form."""
        return encode_multibase(CURVES[self.curve].public_prefix + self.raw)

    @property
    def hash_name(self) -> str:
        """The hash the cryptosuites use with this curve (``sha256`` or ``sha384``)."""
        return CURVES[self.curve].hash_name

    @property
    def signature_size(self) -> int:
        """Bytes of a P1363 signature (``r ‖ s``) on this curve."""
        return 2 * CURVES[self.curve].size

    def verify(self, signature: bytes, data: bytes) -> bool:
        """Whether ``signature`` (P1363 ``r ‖ s``) is a valid ECDSA signature of ``data``."""
        spec = CURVES[self.curve]
        if len(signature) != 2 * spec.size:
            return False
        r = int.from_bytes(signature[: spec.size], "big")
        s = int.from_bytes(signature[spec.size :], "big")
        if r == 0 or s == 0:
            return False
        try:
            self._key.verify(encode_dss_signature(r, s), data, ec.ECDSA(spec.hash()))
        except InvalidSignature:
            return False
        return True


def public_key_from_multibase(value: object) -> PublicKey | EcPublicKey:
    """An Ed25519, P-256 or P-384 Multikey, by its multicodec prefix."""
    if type(value) is str:
        # A verification parses its did:key twice (the DID document, then the method); keys
        # are immutable, so a parsed one is kept (a bad one raises, and is not kept).
        return _kept_public_key(value)
    return _parse_public_key(value)


@lru_cache(maxsize=1024)
def _kept_public_key(value: str) -> PublicKey | EcPublicKey:
    return _parse_public_key(value)


def _parse_public_key(value: object) -> PublicKey | EcPublicKey:
    data = decode_multibase(value, what="publicKeyMultibase")
    if any(data[:2] == spec.public_prefix for spec in CURVES.values()):
        return EcPublicKey.from_multibase(value)
    return PublicKey.from_multibase(value)


class EcdsaKeyPair:
    """A P-256 or P-384 key pair in the W3C Multikey form, identified by its ``did:key``.

    >>> key = EcdsaKeyPair.generate("P-256")
    >>> key.did.startswith("did:key:zDn")
    True

    Signs with the ``ecdsa-rdfc-2019`` and ``ecdsa-jcs-2019`` cryptosuites. The private key
    never appears in ``repr()``.
    """

    __slots__ = ("_private", "public_key")

    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        name = {"secp256r1": "P-256", "secp384r1": "P-384"}.get(private_key.curve.name)
        if name is None:
            raise CryptographicSecurityError(
                "only P-256 and P-384 keys are supported", code="unsupported_key_type"
            )
        self._private = private_key
        # Imported here: the serialization package (SSH, PKCS#12…) costs a verification's cold
        # start more than the rest of the ECDSA support, and only signing keys need it.
        from cryptography.hazmat.primitives import serialization

        point = private_key.public_key().public_bytes(
            encoding=serialization.Encoding.X962,
            format=serialization.PublicFormat.CompressedPoint,
        )
        self.public_key = EcPublicKey(name, point, private_key.public_key())

    @classmethod
    def generate(cls, curve: str = "P-256") -> EcdsaKeyPair:
        """A new random key pair on ``curve`` (``"P-256"`` or ``"P-384"``)."""
        spec = CURVES.get(curve)
        if spec is None:
            raise ValueError("curve must be 'P-256' or 'P-384'")
        return cls(ec.generate_private_key(spec.curve()))

    @classmethod
    def from_secret_multibase(cls, secret: str) -> EcdsaKeyPair:
        """The key pair for a Multikey ``secretKeyMultibase`` (``p256-priv`` / ``p384-priv``)."""
        try:
            data = decode_multibase(secret, what="secretKeyMultibase")
        except ParsingError as exc:
            raise KeyFileError(exc.message, code="invalid_key_file") from None
        for spec in CURVES.values():
            if data[:2] == spec.secret_prefix and len(data) == 2 + spec.size:
                value = int.from_bytes(data[2:], "big")
                try:
                    return cls(ec.derive_private_key(value, spec.curve()))
                except ValueError:
                    break
        raise KeyFileError(
            "secretKeyMultibase is not a P-256 or P-384 private Multikey", code="invalid_key_file"
        )

    def to_json(self, *, include_private: bool = True) -> dict[str, Any]:
        """The key pair as Multikey JSON (``secretKeyMultibase`` only when asked for)."""
        out: dict[str, Any] = {
            "type": "Multikey",
            "id": self.verification_method,
            "controller": self.did,
            "publicKeyMultibase": self.public_key.multibase,
        }
        if include_private:
            spec = CURVES[self.public_key.curve]
            scalar = self._private.private_numbers().private_value.to_bytes(spec.size, "big")
            out["secretKeyMultibase"] = encode_multibase(spec.secret_prefix + scalar)
        return out

    @property
    def did(self) -> str:
        """The key's ``did:key`` identifier."""
        return "did:key:" + self.public_key.multibase

    @property
    def verification_method(self) -> str:
        """The ``did:key`` verification method URL (``did:key:z…#z…``)."""
        return f"{self.did}#{self.public_key.multibase}"

    @property
    def hash_name(self) -> str:
        """The hash the cryptosuites use with this key's curve."""
        return self.public_key.hash_name

    def sign(self, data: bytes) -> bytes:
        """ECDSA signature of ``data`` in the P1363 form ``r ‖ s``."""
        spec = CURVES[self.public_key.curve]
        r, s = decode_dss_signature(self._private.sign(data, ec.ECDSA(spec.hash())))
        return r.to_bytes(spec.size, "big") + s.to_bytes(spec.size, "big")

    def __repr__(self) -> str:
        return f"EcdsaKeyPair(did={self.did!r})"
