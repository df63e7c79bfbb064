"""Any respelling of any key as its IRI (or a compact-IRI look-alike) never turns a check that
was invalid or unknown into valid.

With ``eddsa-rdfc-2022`` a key written as its full IRI signs the same RDF, so the proof still
verifies: the checks must read the same facts from it (they read the checked view, built from
the expanded form). A wrong IRI changes the RDF, so the proof fails. Either way no check may
improve.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillpass import (
    KeyPair,
    VerificationReport,
    sign_credential,
    sign_presentation,
    verify_credential,
    verify_presentation,
)
from skillpass._canon import check_and_expand
from tests.conftest import EXAMPLES, load_json

ISSUER = KeyPair.from_seed(bytes([31]) * 32)
HOLDER = KeyPair.from_seed(bytes([32]) * 32)
NOW = datetime(2027, 6, 1, tzinfo=UTC)
SKIP = {"@context", "id", "type", "proof"}  # keywords and their aliases; proofs are JSON-checked


def _credential(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = load_json(EXAMPLES / "reference-qualification.json")
    doc["issuer"]["id"] = ISSUER.did
    doc.update(changes)
    return sign_credential(doc, ISSUER)


def _presentation() -> dict[str, Any]:
    unbound = load_json(EXAMPLES / "reference-qualification.json")
    unbound["issuer"]["id"] = ISSUER.did
    unbound["credentialSubject"]["id"] = "did:example:someone-else"
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.did,
        "verifiableCredential": [sign_credential(unbound, ISSUER)],
    }
    return sign_presentation(vp, HOLDER, challenge="c1")


BASES: dict[str, dict[str, Any]] = {
    "revocable": _credential(),  # status unknown
    "expired": _credential(validUntil="2027-01-01T00:00:00Z"),  # validity invalid
    "not yet valid": _credential(validFrom="2028-01-01T00:00:00Z"),
    "about someone else": _presentation(),  # holder invalid
}


def _verify(doc: dict[str, Any]) -> VerificationReport:
    if "VerifiablePresentation" in doc.get("type", []):
        return verify_presentation(doc, challenge="c1", now=NOW)
    return verify_credential(doc, now=NOW, trusted_issuers={ISSUER.did})


ORIGINAL = {name: _verify(doc) for name, doc in BASES.items()}


def _property_iris(doc: dict[str, Any]) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if not key.startswith("@"):
                    found.add(key)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(check_and_expand({k: v for k, v in doc.items() if k != "proof"}))
    return found


def _key_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SKIP:
                continue
            out.append((*path, key))
            out += _key_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            out += _key_paths(item, (*path, i))
    return out


CASES = [
    (name, path, iri)
    for name, doc in BASES.items()
    for path in _key_paths(doc)
    for iri in sorted(
        {i for i in _property_iris(doc) if i.rsplit("#", 1)[-1].rsplit("/", 1)[-1] == path[-1]}
        | {f"cred:{path[-1]}"}  # a compact-IRI look-alike: no pinned context defines a prefix
    )
]


def _respelled(doc: dict[str, Any], changes: list[tuple[tuple[Any, ...], str]]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    # Deepest first, so a parent's new key does not invalidate a child's path.
    for path, iri in sorted(changes, key=lambda c: -len(c[0])):
        node: Any = out
        for step in path[:-1]:
            node = node[step]
        if isinstance(node, dict) and path[-1] in node and iri not in node:
            node[iri] = node.pop(path[-1])
    return out


def _no_check_improved(name: str, report: VerificationReport) -> None:
    before = ORIGINAL[name]
    assert before.status != "valid"
    assert report.status != "valid", (name, report.to_dict())
    after = {c.id: c for c in report.checks}
    for check in before.checks:
        if check.status != "valid" and check.id in after:
            assert after[check.id].status != "valid", (name, check.id, report.to_dict())
    tree = [report, *report.credentials]
    if all(r.check(c).status == "valid" for r in tree for c in ("format", "proof")):
        # The same RDF was signed, and accepted: every check reads the same facts.
        assert [(c.id, c.status, c.code) for c in report.checks] == [
            (c.id, c.status, c.code) for c in before.checks
        ]


def test_there_are_many_respellings_to_try() -> None:
    assert len(CASES) > 100


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CASES))
def test_one_respelled_key_never_improves_a_check(case: tuple[str, tuple[Any, ...], str]) -> None:
    name, path, iri = case
    _no_check_improved(name, _verify(_respelled(BASES[name], [(path, iri)])))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(BASES)), st.data())
def test_several_respelled_keys_never_improve_a_check(name: str, data: st.DataObject) -> None:
    cases = [(p, i) for n, p, i in CASES if n == name]
    chosen = data.draw(st.lists(st.sampled_from(cases), min_size=2, max_size=6, unique=True))
    _no_check_improved(name, _verify(_respelled(BASES[name], chosen)))
