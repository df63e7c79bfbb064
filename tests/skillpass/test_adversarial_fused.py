"""Documents aimed at the one-pass safety rules (``skillpass._fused``) where they once differed
from the rules applied one after another (``check_json``, pyld's expansion, the expanded-form
rules): each was accepted by the pass but refused, or accepted differently, by the reference.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from skillpass import SkillpassError, sign_credential, verify_credential
from skillpass._canon import DEFAULT_LIMITS, Limits
from tests.skillpass.test_engine_differential import BASES, KEY, NOW, SIGNED_AT, engine
from tests.skillpass.test_fused import agree, fused, reference


def _base() -> dict[str, Any]:
    return copy.deepcopy(BASES["ob3-vcdm2"][0])


def _nested(levels: int, leaf: dict[str, Any]) -> dict[str, Any]:
    for _ in range(levels):
        leaf = {"https://example.org/p": leaf}
    return leaf


def _array_at_max_depth(max_depth: int, items: list[Any]) -> dict[str, Any]:
    """The reference credential with an array at depth ``max_depth`` (so its items are one
    level too deep): credentialSubject is at depth 1 and the object holding the array at
    ``max_depth - 1``."""
    doc = _base()
    doc["credentialSubject"]["https://example.org/q"] = _nested(
        max_depth - 3, {"https://example.org/n": items}
    )
    return doc


@pytest.mark.parametrize("items", [[1, 2], [True], [False, 0], [2.5], ["a"]])
@pytest.mark.parametrize("max_depth", [7, 8, 11, DEFAULT_LIMITS.max_depth])
def test_numbers_and_booleans_in_an_array_count_their_depth(
    max_depth: int, items: list[Any]
) -> None:
    """check_json counts every array item one level below its array; the pass once checked the
    depth of strings and objects in an array, but not of numbers and booleans."""
    limits = Limits(max_depth=max_depth)
    doc = _array_at_max_depth(max_depth, items)
    for expected, _ in agree(doc, False, limits):
        assert expected == ("refused", "document_too_deep")
    # One level up, both accept.
    shallower = _array_at_max_depth(max_depth - 1, items)
    for expected, got in agree(shallower, False, limits):
        assert expected[0] == "accepted"
        assert got == expected


def test_a_too_deep_array_of_numbers_is_neither_signed_nor_verified() -> None:
    """End to end, at the default limits: both engines refuse to sign, and a document signed
    with a raised depth limit is refused by both."""
    doc = _array_at_max_depth(DEFAULT_LIMITS.max_depth, [1, 2])
    for name in ("fast", "pyld"):
        with engine(name), pytest.raises(SkillpassError) as refused:
            sign_credential(
                copy.deepcopy(doc),
                KEY,
                cryptosuite="eddsa-jcs-2022",
                created=SIGNED_AT,
                now=SIGNED_AT,
            )
        assert refused.value.code == "document_too_deep", name
    signed = sign_credential(
        doc,
        KEY,
        cryptosuite="eddsa-jcs-2022",
        created=SIGNED_AT,
        now=SIGNED_AT,
        limits=Limits(max_depth=DEFAULT_LIMITS.max_depth + 1),
    )
    for name in ("fast", "pyld"):
        with engine(name):
            report = verify_credential(copy.deepcopy(signed), now=NOW)
        assert report.checks[0].code == "document_too_deep", name


class _Key(str):
    """A str subclass (equal to, and hashing as, the plain string)."""


def test_str_subclass_keys_are_not_plain_json() -> None:
    """check_json leaves keys that are not exactly ``str`` to its full walk and calls the
    document not JCS-plain; the pass once found such keys in its member plans (made for the
    plain strings by an earlier document) and called it plain."""
    warm = _base()
    assert fused(warm, False, DEFAULT_LIMITS, False)[0] == "accepted"  # the plans are kept
    doc = _base()
    achievement = doc["credentialSubject"]["achievement"]
    doc["credentialSubject"]["achievement"] = {_Key(k): v for k, v in achievement.items()}
    top = {_Key(k): v for k, v in _base().items()}
    for case in (doc, top):
        for expected, _ in agree(case, False):
            assert expected[0] == "accepted" and expected[2] is False
    assert reference(top, False, DEFAULT_LIMITS, False)[2] is False
