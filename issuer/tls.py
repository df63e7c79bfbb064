"""A self-signed TLS certificate for serving the issuer over HTTPS on a loopback address.

For local runs only (the W3C conformance suites fetch status lists over https and accept any
certificate); a deployment uses a certificate from a real CA behind its proxy.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from skillpass.errors import MalformedValueError

__all__ = ["self_signed_certificate"]


def self_signed_certificate(
    host: str = "127.0.0.1", *, days: int = 30, now: datetime | None = None
) -> tuple[bytes, bytes]:
    """``(certificate PEM, private key PEM)`` for ``host`` (an IP address or a DNS name),
    valid ``days`` days from ``now``. The key is a fresh P-256 key, never written here."""
    if not 1 <= days <= 825:  # the longest validity browsers still accept
        raise MalformedValueError("days must be between 1 and 825", code="invalid_request")
    try:
        names: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address(host))]
    except ValueError:
        if not host or any(c.isspace() for c in host):
            raise MalformedValueError(
                f"{host!r} is not a host name", code="invalid_request"
            ) from None
        names = [x509.DNSName(host)]
    if host in ("127.0.0.1", "::1"):
        names.append(x509.DNSName("localhost"))
    key = ec.generate_private_key(ec.SECP256R1())
    start = (now or datetime.now(UTC)) - timedelta(minutes=5)  # tolerate a little clock skew
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert_pem, key_pem
