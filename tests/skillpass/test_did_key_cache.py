"""The did:key methods the plain offline resolver derives are remembered (a bounded cache keyed
by the method URL alone): the remembered answer is the one resolution gives, failures are never
remembered, and any other resolver is asked every time, did:key or not."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from skillpass import KeyPair, OfflineResolver, sign_credential, verify_credential
from skillpass._did import (
    _did_key_method,
    _parse_method_url,
    _resolve,
    parse_method_url,
    resolve_verification_method,
)
from skillpass._multibase import ED25519_PUB, encode_multibase
from skillpass.errors import MalformedValueError, ResolutionError, SkillpassError

REFERENCE = Path(__file__).resolve().parents[2] / "examples" / "reference-qualification.json"


def test_remembered_method_is_the_resolved_one() -> None:
    key = KeyPair.from_seed(bytes([7]) * 32)
    url = key.verification_method
    first = resolve_verification_method(url, OfflineResolver())
    assert first == _resolve(url, OfflineResolver())
    assert resolve_verification_method(url, OfflineResolver()) is first  # remembered
    assert _did_key_method.cache_info().maxsize is not None  # bounded


def test_failures_raise_every_time() -> None:
    # A small-order point (the identity) is no key: refused on every resolution.
    bad = encode_multibase(ED25519_PUB + bytes([1]) + bytes(31))
    url = f"did:key:{bad}#{bad}"
    for _ in range(2):
        with pytest.raises(SkillpassError) as caught:
            resolve_verification_method(url, OfflineResolver())
        assert caught.value.code == "small_order_public_key"


class _RefusingResolver(OfflineResolver):
    """A verifier's resolver that knows no did:key at all (say, a did:web-only policy)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def resolve(self, did: str) -> Mapping[str, Any]:
        self.calls += 1
        raise ResolutionError(f"{did} is not accepted here", code="did_not_found")


def test_other_resolvers_are_always_asked() -> None:
    key = KeyPair.from_seed(bytes([8]) * 32)
    credential = json.loads(REFERENCE.read_text())
    credential["issuer"]["id"] = key.did
    signed = sign_credential(credential, key, cryptosuite="eddsa-jcs-2022")
    assert verify_credential(signed).check("proof").status == "valid"  # now remembered
    refusing = _RefusingResolver()
    for expected_calls in (1, 2):
        report = verify_credential(signed, resolver=refusing)
        assert report.check("proof").code == "did_not_found"
        assert refusing.calls == expected_calls


@pytest.mark.parametrize("url", ["did:key:z6Mk#z6Mk", "did:web:example.org#key-1"])
def test_method_url_parse_remembered_as_parsed(url: str) -> None:
    assert parse_method_url(url) == _parse_method_url.__wrapped__(url)
    assert parse_method_url(url) is parse_method_url(url)


@pytest.mark.parametrize("url", ["did:key:z6Mk", "https://example.org#k", None, ["did:x:y#z"], 5])
def test_malformed_method_urls_refused_every_time(url: object) -> None:
    for _ in range(2):
        with pytest.raises(MalformedValueError) as caught:
            parse_method_url(url)
        assert caught.value.code == "invalid_verification_method"
