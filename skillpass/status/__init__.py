"""Bitstring Status List v1.0: revocation and suspension of credentials.

An issuer keeps one bitstring per list (at least :data:`MIN_ENTRIES` entries), sets the bits of
the credentials it revokes, and publishes the list as a signed ``BitstringStatusListCredential``.
Each credential carries a ``BitstringStatusListEntry`` that points at one index of one list::

    from skillpass.status import Bitstring, build_status_entry, build_status_list_credential

    bits = Bitstring()                       # 131,072 one-bit entries, all 0
    entry = build_status_entry("https://x.example/status-lists/1", 94567)
    bits.set(94567, 1)                       # revoke
    unsigned = build_status_list_credential(
        "https://x.example/status-lists/1", issuer="did:web:x.example", bitstring=bits
    )

and a verifier reads a credential's status with :func:`read_status`, or hands
``skillpass.VerificationPolicy(status=StatusListChecker([list_credential, ...]))`` to
``skillpass.verify_credential``.

Encoding (spec §2.1/§3): the bitstring is GZIP-compressed, then multibase base64url without
padding (prefix ``u``); index 0 is the left-most (most significant) bit of the first byte; an
entry of ``statusSize`` *n* occupies bits ``index*n .. index*n+n-1``, most significant first.

Suspension. The Open Badges 3.0 schema allows one ``credentialStatus`` object, so a credential
that can be both revoked and suspended carries ONE entry with ``statusPurpose: "message"`` and
``statusSize: 2`` whose ``statusMessage`` is :data:`REVOCATION_AND_SUSPENSION_MESSAGES`: bit 1
(value 0x2) means revoked, bit 0 (value 0x1) means suspended; 0x0 is valid and 0x3 (revoked while
suspended) reads as revoked. A credential that can only be revoked carries a plain
``statusPurpose: "revocation"`` entry of one bit. Both are forms the specification allows.
"""

from ._bitstring import (
    DEFAULT_MAX_DECODED_BYTES,
    MIN_ENTRIES,
    REVOCATION_AND_SUSPENSION_MESSAGES,
    Bitstring,
    StatusResult,
    build_status_entry,
    build_status_list_credential,
    decode_encoded_list,
    encode_bitstring,
    read_status,
)
from ._checker import StatusListChecker

__all__ = [
    "DEFAULT_MAX_DECODED_BYTES",
    "MIN_ENTRIES",
    "REVOCATION_AND_SUSPENSION_MESSAGES",
    "Bitstring",
    "StatusListChecker",
    "StatusResult",
    "build_status_entry",
    "build_status_list_credential",
    "decode_encoded_list",
    "encode_bitstring",
    "read_status",
]
