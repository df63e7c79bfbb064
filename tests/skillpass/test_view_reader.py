"""The checked view's readers (``skillpass._view``) against the reader they replaced.

The readers were rewritten as plain functions with fast paths for single values, to cut the
view's share of a verification. The rules of reading (``ambiguous_value`` on two different
values, a literal where a node belongs, every date valid, the order in which problems are
found) are the contract: hypothesis builds expanded forms of every odd shape, and the new view
must equal the one the previous reader (kept below, verbatim) builds, or fail with the same
error, code and message.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillpass import _vocab as v
from skillpass._canon import check_and_expand
from skillpass._dates import parse_datetime
from skillpass._view import (
    AchievementView,
    AlignmentView,
    CredentialView,
    IdentityView,
    PresentationView,
    RelatedResource,
    StatusEntry,
    SubjectView,
    Text,
    _ambiguous,
    _check_kind,
    credential_view,
    presentation_view,
)
from skillpass.errors import MalformedValueError

ROOT = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------- the previous reader


class _Node:
    """Read access to one expanded node object."""

    __slots__ = ("_obj",)

    def __init__(self, obj: Mapping[str, Any]) -> None:
        self._obj = obj

    @property
    def id(self) -> str | None:
        value = self._obj.get("@id")
        return value if isinstance(value, str) else None

    @property
    def types(self) -> frozenset[str]:
        # rdf:type written as a property signs the same triples as @type: both are types.
        value = self._obj.get("@type", [])
        types = frozenset(t for t in value if isinstance(t, str))
        return types | frozenset(self.ids(v.RDF_TYPE)) if v.RDF_TYPE in self._obj else types

    def _values(self, iri: str) -> list[Any]:
        value = self._obj.get(iri)
        return value if isinstance(value, list) else []

    def nodes(self, iri: str, what: str | None = None) -> tuple[_Node, ...]:
        """Node objects (embedded or ``{"@id"}`` references). With ``what``, a literal value
        is refused: a check that reads nodes there must not skip a value it cannot read."""
        values = self._obj.get(iri)
        if not isinstance(values, list):
            return ()
        found = []
        for x in values:
            if isinstance(x, dict) and "@value" not in x and "@list" not in x and "@graph" not in x:
                found.append(_Node(x))
            elif what is not None:
                raise MalformedValueError(
                    f"{what} is given as a plain value where the checks read an object; it "
                    "would be signed but never checked",
                    code="ambiguous_value",
                )
        return tuple(found)

    def ids(self, iri: str) -> tuple[str, ...]:
        values = self._obj.get(iri)
        if not isinstance(values, list):
            return ()
        return tuple(
            [
                x["@id"]
                for x in values
                if isinstance(x, dict)
                and isinstance(x.get("@id"), str)
                and "@value" not in x
                and "@list" not in x
                and "@graph" not in x
            ]
        )

    def texts(self, iri: str) -> tuple[Text, ...]:
        values = self._obj.get(iri)
        if not isinstance(values, list):
            return ()
        out: list[Text] = []
        for x in values:
            if isinstance(x, dict) and isinstance(value := x.get("@value"), str):
                language = x.get("@language")
                out.append(Text(value, language if isinstance(language, str) else None))
        return tuple(out)

    def literals(self, iri: str) -> tuple[Any, ...]:
        values = self._obj.get(iri)
        if not isinstance(values, list):
            return ()
        return tuple([x["@value"] for x in values if isinstance(x, dict) and "@value" in x])

    def one_literal(self, iri: str, what: str) -> Any:
        values = self.literals(iri)
        if len(values) > 1 and len(set(map(repr, values))) > 1:
            raise _ambiguous(what, values)
        return values[0] if values else None

    def one_string(self, iri: str, what: str) -> str | None:
        value = self.one_literal(iri, what)
        return value if isinstance(value, str) else None

    def one_label(self, iri: str, what: str) -> str | None:
        """A string, or a number read as its decimal label (``targetCode: 2``)."""
        value = self.one_literal(iri, what)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None
        return str(value)

    def one_iri(self, iri: str, what: str) -> str | None:
        """An IRI given either as a node reference or as an ``xsd:anyURI``/plain literal."""
        if not self._values(iri):
            return None
        values = list(self.ids(iri)) + [x for x in self.literals(iri) if isinstance(x, str)]
        if len(set(values)) > 1:
            raise _ambiguous(what, values)
        return values[0] if values else None


def _is_node(obj: Mapping[str, Any]) -> bool:
    return "@value" not in obj and "@list" not in obj and "@graph" not in obj


def _dates(node: _Node, iri: str, name: str) -> tuple[datetime, ...]:
    # Every value must be a valid date: a second, unparseable value is not ignored, and
    # neither is a node given where a date belongs.
    raw = node._values(iri)
    if not raw:
        return ()
    literals = node.literals(iri)
    if len(literals) != len(raw):
        raise MalformedValueError(f"{name} must be a date, not an object", code="invalid_datetime")
    return tuple(parse_datetime(x, name=name) for x in literals)


def _one_date(node: _Node, iri: str, name: str) -> datetime | None:
    values = _dates(node, iri, name)
    if len(set(values)) > 1:
        raise _ambiguous(name, values)
    return values[0] if values else None


def _top(expanded: list[Any], what: str) -> _Node:
    nodes = [x for x in expanded if isinstance(x, dict)]
    if len(nodes) != 1 or not _is_node(nodes[0]):
        raise MalformedValueError(
            f"the signed data must describe one {what}, not {len(nodes)} top-level nodes",
            code="ambiguous_value",
        )
    return _Node(nodes[0])


def _alignment(node: _Node) -> AlignmentView:
    return AlignmentView(
        target_type=node.one_string(v.TARGET_TYPE, "an alignment's targetType"),
        framework=node.one_label(v.TARGET_FRAMEWORK, "an alignment's targetFramework"),
        code=node.one_label(v.TARGET_CODE, "an alignment's targetCode"),
        name=node.texts(v.TARGET_NAME),
        url=node.one_iri(v.TARGET_URL, "an alignment's targetUrl"),
    )


def _achievement(node: _Node) -> AchievementView:
    return AchievementView(
        id=node.id,
        name=node.texts(v.NAME),
        achievement_type=node.one_string(v.ACHIEVEMENT_TYPE, "achievementType"),
        description=node.texts(v.DESCRIPTION),
        field_of_study=node.texts(v.FIELD_OF_STUDY),
        alignments=tuple(_alignment(a) for a in node.nodes(v.ALIGNMENT, "an alignment")),
    )


def _identity(node: _Node) -> IdentityView:
    hashed = node.one_literal(v.HASHED, "an identifier's hashed flag")
    return IdentityView(
        identity_type=node.one_string(v.IDENTITY_TYPE, "an identifier's identityType"),
        identity_hash=node.one_string(v.IDENTITY_HASH, "an identifier's identityHash"),
        hashed=hashed if isinstance(hashed, bool) else None,
        salt=node.one_string(v.SALT, "an identifier's salt"),
    )


def _subject(node: _Node) -> SubjectView:
    completed = _one_date(node, v.ACTIVITY_END_DATE, "activityEndDate")
    return SubjectView(
        id=node.id,
        name=node.texts(v.NAME),
        identifiers=tuple(_identity(i) for i in node.nodes(v.IDENTIFIER, "an identifier")),
        achievements=tuple(_achievement(a) for a in node.nodes(v.ACHIEVEMENT, "achievement")),
        completed=completed,
    )


def _status(node: _Node) -> StatusEntry:
    size = node.one_literal(v.STATUS_SIZE, "statusSize")
    index = node.one_literal(v.STATUS_LIST_INDEX, "statusListIndex")
    return StatusEntry(
        id=node.id,
        types=node.types,
        purpose=node.one_string(v.STATUS_PURPOSE, "statusPurpose"),
        index=str(index) if isinstance(index, (str, int)) and not isinstance(index, bool) else None,
        list_credential=node.one_iri(v.STATUS_LIST_CREDENTIAL, "statusListCredential"),
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        messages=tuple(
            sorted(
                (str(status), str(text))
                for m in node.nodes(v.STATUS_MESSAGE, "statusMessage")
                if isinstance(status := m.one_string(v.STATUS_MESSAGE_STATUS, "a status"), str)
                and isinstance(text := m.one_string(v.STATUS_MESSAGE_TEXT, "a message"), str)
            )
        ),
    )


def reference_credential_view(expanded: list[Any], *, vcdm1: bool) -> CredentialView:
    """The view of an expanded, checked credential (without its proofs).

    Raises :class:`~skillpass.errors.MalformedValueError`: ``ambiguous_value``, ``missing_issuer``,
    ``missing_subject``, ``invalid_datetime``, ``ambiguous_type``.
    """
    top = _top(expanded, "credential")
    _check_kind(top.types, v.VERIFIABLE_CREDENTIAL)
    # An issuer written as a plain string under the property's IRI is a literal, not a node:
    # it is still a second signed issuer statement, so it counts.
    issuers = list(top.ids(v.ISSUER)) + [x for x in top.literals(v.ISSUER) if isinstance(x, str)]
    if not issuers:
        raise MalformedValueError("the credential has no issuer id", code="missing_issuer")
    if len(set(issuers)) > 1:
        raise _ambiguous("the issuer", issuers)
    subjects = top.nodes(v.CREDENTIAL_SUBJECT, "credentialSubject")
    if not subjects:
        raise MalformedValueError("the credential has no credentialSubject", code="missing_subject")
    issuer_nodes = top.nodes(v.ISSUER)
    starts = _dates(top, v.VALID_FROM, "validFrom") + _dates(top, v.ISSUANCE_DATE, "issuanceDate")
    ends = _dates(top, v.VALID_UNTIL, "validUntil") + _dates(
        top, v.EXPIRATION_DATE, "expirationDate"
    )
    if vcdm1 and not top.literals(v.ISSUANCE_DATE):
        raise MalformedValueError(
            "a VCDM 1.1 credential needs issuanceDate", code="missing_issuance_date"
        )
    return CredentialView(
        id=top.id,
        types=top.types,
        issuer=issuers[0],
        issuer_name=tuple(t for n in issuer_nodes for t in n.texts(v.NAME)),
        name=top.texts(v.NAME),
        valid_from=starts,
        valid_until=ends,
        awarded=_one_date(top, v.AWARDED_DATE, "awardedDate"),
        subjects=tuple(_subject(s) for s in subjects),
        statuses=tuple(_status(s) for s in top.nodes(v.CREDENTIAL_STATUS, "credentialStatus")),
        vcdm1=vcdm1,
        related_resources=tuple(
            RelatedResource(
                id=r.id,
                digest_sri=tuple(x for x in r.literals(v.DIGEST_SRI) if isinstance(x, str)),
                digest_multibase=tuple(
                    x for x in r.literals(v.DIGEST_MULTIBASE) if isinstance(x, str)
                ),
            )
            for r in top.nodes(v.RELATED_RESOURCE, "relatedResource")
        ),
    )


def reference_presentation_view(expanded: list[Any]) -> PresentationView:
    """The view of an expanded, checked presentation (without its proofs)."""
    top = _top(expanded, "presentation")
    _check_kind(top.types, v.VERIFIABLE_PRESENTATION)
    holders = list(top.ids(v.HOLDER)) + [x for x in top.literals(v.HOLDER) if isinstance(x, str)]
    if len(set(holders)) > 1:
        raise _ambiguous("the holder", holders)
    return PresentationView(
        id=top.id,
        types=top.types,
        holder=holders[0] if holders else None,
        # Every value counts (a credential is a graph; anything else there is a value the
        # signature covers and no check would read).
        credential_count=len(top._values(v.VERIFIABLE_CREDENTIAL_PROP)),
    )


# --------------------------------------------------------------------------- the comparison

_TYPES = [
    v.VERIFIABLE_CREDENTIAL,
    v.VERIFIABLE_PRESENTATION,
    v.OPEN_BADGE_CREDENTIAL,
    v.STATUS + "BitstringStatusListEntry",
]
_DATES = [
    "2026-03-14T00:00:00Z",
    "2031-03-13T23:59:59Z",
    "2026-03-14T02:00:00+02:00",
    "2026-03-14T24:00:00Z",
    "2026-03-14T00:00:00.5Z",
    "2026-03-14T00:00:00",
    "2026-02-30T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "yesterday",
]
_SCALARS = st.sampled_from(
    [
        *("a", "b", "2", "did:key:z6Mk", "ext:QualificationLevel", "urn:skillpass:framework:EQF:4"),
        *(0, 1, 2, 1.0, 2.5, True, False, None, 10**20),
    ]
)
_VALUE_OBJECT = st.builds(
    lambda value, language, extra: {"@value": value, **language, **extra},
    _SCALARS,
    st.sampled_from([{}, {}, {"@language": "en"}, {"@language": "fr"}, {"@language": 3}]),
    st.sampled_from([{}, {"@type": "https://www.w3.org/2001/XMLSchema#anyURI"}, {"@id": "a"}]),
)
_REFERENCE = st.builds(lambda i: {"@id": i}, st.sampled_from(["a", "b", "did:key:z6Mk", 3]))
# What no well-formed expanded form has where a value list belongs, or inside one.
_JUNK = st.sampled_from(["a", 1, None, True, [], {}])
_SPECIAL = st.builds(
    lambda kind, ident: {kind: [], **ident},
    st.sampled_from(["@list", "@graph"]),
    st.sampled_from([{}, {"@id": "a"}]),
)
_ITEM = st.one_of(_VALUE_OBJECT, _REFERENCE, _SPECIAL, _JUNK)


_GOOD = st.builds(
    lambda value, language: {"@value": value, **language},
    st.sampled_from(["a", "b", "2", "urn:skillpass:framework:EQF:4", "ext:QualificationLevel"]),
    st.sampled_from([{}, {"@language": "en"}]),
)


def _values(
    item: st.SearchStrategy[Any] = _ITEM, good: st.SearchStrategy[Any] = _GOOD
) -> st.SearchStrategy[Any]:
    """A property's raw value: mostly one good value, often a short list of anything, now and
    then not a list at all."""
    one = st.lists(good, min_size=1, max_size=1)
    return st.one_of(one, one, one, st.lists(st.one_of(item, good), max_size=3), _JUNK)


# Every property a reader reads, and the keywords it looks at.
_READ = [
    "@id",
    "@type",
    "@value",
    "@language",
    v.RDF_TYPE,
    v.ISSUER,
    v.HOLDER,
    v.CREDENTIAL_SUBJECT,
    v.CREDENTIAL_STATUS,
    v.VERIFIABLE_CREDENTIAL_PROP,
    v.VALID_FROM,
    v.VALID_UNTIL,
    v.ISSUANCE_DATE,
    v.EXPIRATION_DATE,
    v.RELATED_RESOURCE,
    v.DIGEST_SRI,
    v.DIGEST_MULTIBASE,
    v.STATUS_PURPOSE,
    v.STATUS_LIST_INDEX,
    v.STATUS_LIST_CREDENTIAL,
    v.STATUS_SIZE,
    v.STATUS_MESSAGE,
    v.STATUS_MESSAGE_STATUS,
    v.STATUS_MESSAGE_TEXT,
    v.NAME,
    v.DESCRIPTION,
    v.TARGET_FRAMEWORK,
    v.TARGET_NAME,
    v.TARGET_URL,
    v.ACHIEVEMENT,
    v.ACHIEVEMENT_TYPE,
    v.ALIGNMENT,
    v.TARGET_CODE,
    v.TARGET_TYPE,
    v.FIELD_OF_STUDY,
    v.IDENTIFIER,
    v.IDENTITY_TYPE,
    v.IDENTITY_HASH,
    v.HASHED,
    v.SALT,
    v.AWARDED_DATE,
    v.ACTIVITY_END_DATE,
]


def _credential_base() -> list[Any]:
    """The reference credential's expanded form, with every part the view reads."""
    doc = json.loads((ROOT / "examples" / "reference-qualification.json").read_text())
    expanded = check_and_expand({k: x for k, x in doc.items() if k != "proof"})
    top = expanded[0]
    top[v.AWARDED_DATE] = [{"@value": "2026-03-01T00:00:00Z"}]
    top[v.ISSUER][0][v.NAME].append({"@value": "Centre régional", "@language": "fr"})
    top[v.RELATED_RESOURCE] = [
        {"@id": "https://example.org/a", v.DIGEST_SRI: [{"@value": "sha256-abc"}]},
        {"@id": "https://example.org/b", v.DIGEST_MULTIBASE: [{"@value": "uEiB"}]},
    ]
    status = top[v.CREDENTIAL_STATUS][0]
    status[v.STATUS_SIZE] = [{"@value": 2}]
    status[v.STATUS_MESSAGE] = [
        {v.STATUS_MESSAGE_STATUS: [{"@value": "0x1"}], v.STATUS_MESSAGE_TEXT: [{"@value": "b"}]},
        {v.STATUS_MESSAGE_STATUS: [{"@value": "0x0"}], v.STATUS_MESSAGE_TEXT: [{"@value": "a"}]},
    ]
    return expanded


_PRESENTATION_BASE = [
    {
        "@id": "urn:p",
        "@type": [v.VERIFIABLE_PRESENTATION],
        v.HOLDER: [{"@id": "did:key:z6Mk"}],
        v.VERIFIABLE_CREDENTIAL_PROP: [{"@graph": [{"@id": "urn:c"}]}],
    }
]


def _slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in an expanded document, the document itself first."""
    found: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((value, key))
            found += _slots(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((value, index))
            found += _slots(item)
    return found


_DIFFERENT = st.sampled_from(["a", "2", "did:key:z6Mk", 2, 2.0, True, "2026-03-14T00:00:00Z"])


@st.composite
def _mutated(draw: st.DrawFn, base: list[Any]) -> list[Any]:
    """``base`` with one to three odd changes where a reader looks."""
    doc = copy.deepcopy(base)

    def fresh(strategy: st.SearchStrategy[Any]) -> Any:
        # A copy: the strategies share their [] and {}, which a later change could mutate.
        return copy.deepcopy(draw(strategy))

    for _ in range(draw(st.integers(1, 3))):
        container, key = draw(st.sampled_from(_slots(doc)))
        item = container[key]
        action = draw(
            st.sampled_from(["replace", "second", "same twice", "unnode", "add", "delete"])
        )
        if action == "replace":
            container[key] = fresh(_values())
        elif action == "second" and isinstance(item, list):
            item.append(fresh(st.one_of(_ITEM, _GOOD)))
        elif action == "same twice" and isinstance(item, list) and item:
            twin = copy.deepcopy(item[0])
            if isinstance(twin, dict) and "@value" in twin and draw(st.booleans()):
                twin["@value"] = draw(_DIFFERENT)  # equal in Python, or not at all
            item.append(twin)
        elif action == "unnode" and isinstance(item, dict):
            item[draw(st.sampled_from(["@value", "@list", "@graph"]))] = fresh(
                st.sampled_from(["x", [], 1])
            )
        elif action == "add" and isinstance(item, dict):
            item[draw(st.sampled_from(_READ))] = fresh(_values())
        elif action == "delete" and isinstance(container, dict):
            del container[key]
    return doc


def _outcome(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except MalformedValueError as exc:
        return ("error", exc.code, exc.message)
    except (TypeError, AttributeError) as exc:  # junk the pipeline never lets through
        return ("crash", type(exc).__name__)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated(_credential_base()), st.sampled_from([False, False, False, True]))
def test_credential_view_reads_as_before(expanded: list[Any], vcdm1: bool) -> None:
    new = _outcome(credential_view, expanded, vcdm1=vcdm1)
    assert new == _outcome(reference_credential_view, expanded, vcdm1=vcdm1)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated(_PRESENTATION_BASE))
def test_presentation_view_reads_as_before(expanded: list[Any]) -> None:
    assert _outcome(presentation_view, expanded) == _outcome(reference_presentation_view, expanded)


def _alignment_node(**values: list[Any]) -> dict[str, Any]:
    iris = {"type": v.TARGET_TYPE, "framework": v.TARGET_FRAMEWORK, "code": v.TARGET_CODE}
    return {iris[k]: value for k, value in values.items()}


def _credential_with_alignment(alignment: dict[str, Any]) -> list[Any]:
    achievement = {"@id": "urn:a", v.ALIGNMENT: [alignment]}
    return [
        {
            "@type": [v.VERIFIABLE_CREDENTIAL],
            v.ISSUER: [{"@id": "did:key:z6Mk"}],
            v.CREDENTIAL_SUBJECT: [{v.ACHIEVEMENT: [achievement]}],
        }
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([{"@value": "2"}], "2"),
        ([{"@value": 2}], "2"),
        ([{"@value": "2"}, {"@value": "2"}], "2"),  # the same value twice is one value
        ([{"@value": True}], None),  # a boolean is no label
        ([{"@id": "urn:x"}], None),  # a node is no label
        ([], None),
    ],
)
def test_one_label_fast_and_slow_paths(values: list[Any], expected: str | None) -> None:
    view = credential_view(_credential_with_alignment(_alignment_node(code=values)), vcdm1=False)
    assert view.subjects[0].achievements[0].alignments[0].code == expected


@pytest.mark.parametrize(
    "values",
    [
        [{"@value": "2"}, {"@value": 2}],  # equal labels, different signed values
        [{"@value": 1}, {"@value": True}],  # equal in Python, different in JSON
        [{"@value": 1}, {"@value": 1.0}],
    ],
)
def test_values_equal_in_python_but_not_signed_are_ambiguous(values: list[Any]) -> None:
    with pytest.raises(MalformedValueError) as caught:
        credential_view(_credential_with_alignment(_alignment_node(code=values)), vcdm1=False)
    assert caught.value.code == "ambiguous_value"
