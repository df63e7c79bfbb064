"""The checked view: the facts of a credential or presentation, read from what was signed.

A view is built from the JSON-LD *expanded* form of the unsecured document, the form whose RDF
the ``eddsa-rdfc-2022`` signature covers and which ``eddsa-jcs-2022``'s signed bytes determine.
There every property is its full IRI, whatever JSON key spelled it (a term, its IRI, a compact
IRI, a type-scoped alias), so no spelling can hide a fact from a check or show one twice.

Rules of reading:

* A fact that must be single (an issuer, a level's framework and code, a status index) is refused
  with ``ambiguous_value`` when the signed data gives it several values; the view never picks
  "the first" of an unordered set.
* Values that may repeat (subjects, achievements, alignments, status entries, names in several
  languages) are tuples whose order carries no meaning.

Views are plain frozen data; the verification pipeline hands them to the checks only once the
proofs that cover them have verified (:class:`CheckedCredential`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from . import _vocab as v
from ._dates import parse_datetime
from ._records import record
from .errors import MalformedValueError

__all__ = [
    "AchievementView",
    "AlignmentView",
    "CheckedCredential",
    "CheckedPresentation",
    "CredentialView",
    "IdentityView",
    "PresentationView",
    "ProofView",
    "RelatedResource",
    "StatusEntry",
    "SubjectView",
    "Text",
    "credential_view",
    "presentation_view",
]


@record
class Text:
    """A signed string, with its language tag when the credential gives one."""

    value: str
    language: str | None = None


@record
class AlignmentView:
    """An Open Badges ``Alignment``: a framework level, a field of study or a skill."""

    target_type: str | None
    framework: str | None
    code: str | None
    name: tuple[Text, ...]
    url: str | None

    @property
    def level(self) -> tuple[str, str] | None:
        """``(framework, level)`` when the alignment names a qualification level, else None."""
        if self.target_type == v.QUALIFICATION_LEVEL and self.framework and self.code:
            return self.framework, self.code
        if self.url is None:
            return None
        if match := v.EQF_URL.match(self.url):
            return "EQF", match.group(1)
        # The project URN also names other classifications (ISCED-F fields of study), so it
        # counts as a level only when the alignment says so or does not say what it is.
        if self.target_type in (None, v.QUALIFICATION_LEVEL) and (
            match := v.FRAMEWORK_URN.match(self.url)
        ):
            return match.group(1), match.group(2)
        return None


@record
class AchievementView:
    """The achievement a credential subject earned."""

    id: str | None
    name: tuple[Text, ...]
    achievement_type: str | None
    description: tuple[Text, ...]
    field_of_study: tuple[Text, ...]
    alignments: tuple[AlignmentView, ...]


@record
class IdentityView:
    """An Open Badges ``IdentityObject`` (a holder's name, or a salted hash of an ID number)."""

    identity_type: str | None
    identity_hash: str | None
    hashed: bool | None
    salt: str | None


@record
class SubjectView:
    """One ``credentialSubject``."""

    id: str | None
    name: tuple[Text, ...]
    identifiers: tuple[IdentityView, ...]
    achievements: tuple[AchievementView, ...]
    completed: datetime | None

    @property
    def holder_names(self) -> tuple[str, ...]:
        """The holder's names: the subject's ``name``, or plain ``name`` identity objects."""
        names = [t.value for t in self.name]
        names += [
            i.identity_hash
            for i in self.identifiers
            if i.identity_type == v.NAME_IDENTITY and i.hashed is False and i.identity_hash
        ]
        return tuple(dict.fromkeys(names))


@record
class StatusEntry:
    """One ``credentialStatus`` entry, as signed (a status checker decides what it means)."""

    id: str | None
    types: frozenset[str]
    purpose: str | None
    index: str | None
    list_credential: str | None
    size: int | None
    #: The signed ``statusMessage`` as ``(status, message)`` pairs (``("0x2", "revoked")``).
    messages: tuple[tuple[str, str], ...] = ()

    @property
    def type_names(self) -> tuple[str, ...]:
        """The entry's types as short names (``BitstringStatusListEntry``)."""
        return tuple(sorted(t.removeprefix(v.STATUS) for t in self.types))


@record
class RelatedResource:
    """One ``relatedResource`` (VCDM 2.0 §5.3): a resource and the digests the issuer signed."""

    id: str | None
    digest_sri: tuple[str, ...]
    digest_multibase: tuple[str, ...]


@record
class ProofView:
    """What a verified proof says besides its signature."""

    verification_method: str
    controller: str
    relationships: frozenset[str]
    cryptosuite: str
    created: datetime | None
    expires: datetime | None
    challenge: str | None
    domains: tuple[str, ...]


@record
class CredentialView:
    """The signed facts of a credential."""

    id: str | None
    types: frozenset[str]
    issuer: str
    issuer_name: tuple[Text, ...]
    name: tuple[Text, ...]
    valid_from: tuple[datetime, ...]
    valid_until: tuple[datetime, ...]
    awarded: datetime | None
    subjects: tuple[SubjectView, ...]
    statuses: tuple[StatusEntry, ...]
    vcdm1: bool
    related_resources: tuple[RelatedResource, ...] = ()

    @property
    def type_names(self) -> tuple[str, ...]:
        """Known types by name (``VerifiableCredential``, ``OpenBadgeCredential``…)."""
        return tuple(sorted(v.TYPE_NAMES[t] for t in self.types if t in v.TYPE_NAMES))

    @property
    def levels(self) -> tuple[tuple[str, str], ...]:
        """Every distinct ``(framework, level)`` the credential's achievements align to."""
        found: dict[tuple[str, str], None] = {}
        for subject in self.subjects:
            for achievement in subject.achievements:
                for alignment in achievement.alignments:
                    if (level := alignment.level) is not None:
                        found[level] = None
        return tuple(found)


@record
class PresentationView:
    """The signed facts of a presentation (its credentials have views of their own)."""

    id: str | None
    types: frozenset[str]
    holder: str | None
    credential_count: int


@record
class CheckedCredential:
    """A credential's view together with the proofs that verified over it.

    The verification pipeline makes one only after the proof check passed; the checks that
    follow (issuer, validity, status), the summary, the level comparison, the certificate and
    the identity check take this and nothing else, so none of them can read the raw JSON.
    """

    view: CredentialView
    proofs: tuple[ProofView, ...]


@record
class CheckedPresentation:
    """A presentation's view together with the holder proofs that verified over it."""

    view: PresentationView
    proofs: tuple[ProofView, ...]


# --------------------------------------------------------------------------- reading
#
# The readers take the raw value of a property of an expanded node (``node.get(iri)``): a list
# of value, node, list or graph objects in a well-formed expanded form, but anything else is
# read as "no values". They are plain functions over dicts, with a fast path for the single
# value most properties have: the view is built on every verification.


def _ambiguous(what: str, values: Iterable[object]) -> MalformedValueError:
    shown = ", ".join(sorted(repr(x) for x in values))
    return MalformedValueError(
        f"the signed data gives {what} several values ({shown}); a check cannot choose one",
        code="ambiguous_value",
    )


def _is_node(obj: Mapping[str, Any]) -> bool:
    return "@value" not in obj and "@list" not in obj and "@graph" not in obj


def _id(node: Mapping[str, Any]) -> str | None:
    value = node.get("@id")
    return value if isinstance(value, str) else None


def _types(node: Mapping[str, Any]) -> frozenset[str]:
    # rdf:type written as a property signs the same triples as @type: both are types.
    types = frozenset([t for t in node.get("@type", []) if isinstance(t, str)])
    return types | frozenset(_ids(node.get(v.RDF_TYPE))) if v.RDF_TYPE in node else types


def _nodes(values: Any, what: str | None = None) -> list[Mapping[str, Any]]:
    """Node objects (embedded or ``{"@id"}`` references). With ``what``, a literal value is
    refused: a check that reads nodes there must not skip a value it cannot read."""
    if not isinstance(values, list):
        return []
    found: list[Mapping[str, Any]] = []
    for x in values:
        if isinstance(x, dict) and "@value" not in x and "@list" not in x and "@graph" not in x:
            found.append(x)
        elif what is not None:
            raise MalformedValueError(
                f"{what} is given as a plain value where the checks read an object; it "
                "would be signed but never checked",
                code="ambiguous_value",
            )
    return found


def _ids(values: Any) -> list[str]:
    """The ``@id`` of every node object (not of a value, list or graph object)."""
    if not isinstance(values, list):
        return []
    return [
        x["@id"]
        for x in values
        if isinstance(x, dict)
        and isinstance(x.get("@id"), str)
        and "@value" not in x
        and "@list" not in x
        and "@graph" not in x
    ]


def _texts(values: Any) -> tuple[Text, ...]:
    """Every string value, with its language tag."""
    if not isinstance(values, list):
        return ()
    if len(values) == 1:
        x = values[0]
        if isinstance(x, dict) and isinstance(value := x.get("@value"), str):
            language = x.get("@language")
            return (Text(value, language if isinstance(language, str) else None),)
        return ()
    out = []
    for x in values:
        if isinstance(x, dict):
            value = x.get("@value")
            if isinstance(value, str):
                language = x.get("@language")
                out.append(Text(value, language if isinstance(language, str) else None))
    return tuple(out)


def _literals(values: Any) -> list[Any]:
    """The ``@value`` of every value object."""
    if not isinstance(values, list):
        return []
    return [x["@value"] for x in values if isinstance(x, dict) and "@value" in x]


def _one_literal(values: Any, what: str) -> Any:
    """The one literal value (None if there is none); different values are ambiguous."""
    if not isinstance(values, list) or not values:
        return None
    if len(values) == 1:
        x = values[0]
        return x.get("@value") if isinstance(x, dict) else None
    literals = _literals(values)
    # repr: True, 1 and 1.0 are equal in Python but different signed values.
    if len(literals) > 1 and len(set(map(repr, literals))) > 1:
        raise _ambiguous(what, literals)
    return literals[0] if literals else None


def _one_string(values: Any, what: str) -> str | None:
    if isinstance(values, list) and len(values) == 1:
        x = values[0]
        value = x.get("@value") if isinstance(x, dict) else None
    else:
        value = _one_literal(values, what)
    return value if isinstance(value, str) else None


def _one_label(values: Any, what: str) -> str | None:
    """A string, or a number read as its decimal label (``targetCode: 2``)."""
    value = _one_literal(values, what)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value)


def _one_iri(values: Any, what: str) -> str | None:
    """An IRI given either as a node reference or as an ``xsd:anyURI``/plain literal."""
    if not isinstance(values, list) or not values:
        return None
    if len(values) == 1:
        x = values[0]
        if not isinstance(x, dict):
            return None
        if "@value" in x:
            value = x["@value"]
        elif "@list" in x or "@graph" in x:
            return None
        else:
            value = x.get("@id")
        return value if isinstance(value, str) else None
    found = _ids(values) + [x for x in _literals(values) if isinstance(x, str)]
    if len(set(found)) > 1:
        raise _ambiguous(what, found)
    return found[0] if found else None


def _dates(values: Any, name: str) -> tuple[datetime, ...]:
    # Every value must be a valid date: a second, unparseable value is not ignored, and
    # neither is a node given where a date belongs.
    if not isinstance(values, list) or not values:
        return ()
    literals = _literals(values)
    if len(literals) != len(values):
        raise MalformedValueError(f"{name} must be a date, not an object", code="invalid_datetime")
    return tuple([parse_datetime(x, name=name) for x in literals])


def _one_date(values: Any, name: str) -> datetime | None:
    dates = _dates(values, name)
    if len(dates) > 1 and len(set(dates)) > 1:
        raise _ambiguous(name, dates)
    return dates[0] if dates else None


def _top(expanded: list[Any], what: str) -> Mapping[str, Any]:
    nodes = [x for x in expanded if isinstance(x, dict)]
    if len(nodes) != 1 or not _is_node(nodes[0]):
        raise MalformedValueError(
            f"the signed data must describe one {what}, not {len(nodes)} top-level nodes",
            code="ambiguous_value",
        )
    return nodes[0]


def _alignment(node: Mapping[str, Any]) -> AlignmentView:
    get = node.get
    return AlignmentView(
        _one_string(get(v.TARGET_TYPE), "an alignment's targetType"),
        _one_label(get(v.TARGET_FRAMEWORK), "an alignment's targetFramework"),
        _one_label(get(v.TARGET_CODE), "an alignment's targetCode"),
        _texts(get(v.TARGET_NAME)),
        _one_iri(get(v.TARGET_URL), "an alignment's targetUrl"),
    )


def _achievement(node: Mapping[str, Any]) -> AchievementView:
    get = node.get
    return AchievementView(
        _id(node),
        _texts(get(v.NAME)),
        _one_string(get(v.ACHIEVEMENT_TYPE), "achievementType"),
        _texts(get(v.DESCRIPTION)),
        _texts(get(v.FIELD_OF_STUDY)),
        tuple([_alignment(a) for a in _nodes(get(v.ALIGNMENT), "an alignment")]),
    )


def _identity(node: Mapping[str, Any]) -> IdentityView:
    get = node.get
    hashed = _one_literal(get(v.HASHED), "an identifier's hashed flag")
    return IdentityView(
        _one_string(get(v.IDENTITY_TYPE), "an identifier's identityType"),
        _one_string(get(v.IDENTITY_HASH), "an identifier's identityHash"),
        hashed if isinstance(hashed, bool) else None,
        _one_string(get(v.SALT), "an identifier's salt"),
    )


def _subject(node: Mapping[str, Any]) -> SubjectView:
    get = node.get
    completed = _one_date(get(v.ACTIVITY_END_DATE), "activityEndDate")
    return SubjectView(
        _id(node),
        _texts(get(v.NAME)),
        tuple([_identity(i) for i in _nodes(get(v.IDENTIFIER), "an identifier")]),
        tuple([_achievement(a) for a in _nodes(get(v.ACHIEVEMENT), "achievement")]),
        completed,
    )


def _status_messages(values: Any) -> tuple[tuple[str, str], ...]:
    pairs = []
    for m in _nodes(values, "statusMessage"):
        # A message without a string status is skipped before its text is read.
        status = _one_string(m.get(v.STATUS_MESSAGE_STATUS), "a status")
        if isinstance(status, str):
            text = _one_string(m.get(v.STATUS_MESSAGE_TEXT), "a message")
            if isinstance(text, str):
                pairs.append((str(status), str(text)))
    return tuple(sorted(pairs))


def _status(node: Mapping[str, Any]) -> StatusEntry:
    get = node.get
    size = _one_literal(get(v.STATUS_SIZE), "statusSize")
    index = _one_literal(get(v.STATUS_LIST_INDEX), "statusListIndex")
    return StatusEntry(
        _id(node),
        _types(node),
        _one_string(get(v.STATUS_PURPOSE), "statusPurpose"),
        str(index) if isinstance(index, (str, int)) and not isinstance(index, bool) else None,
        _one_iri(get(v.STATUS_LIST_CREDENTIAL), "statusListCredential"),
        size if isinstance(size, int) and not isinstance(size, bool) else None,
        _status_messages(get(v.STATUS_MESSAGE)),
    )


def _related(node: Mapping[str, Any]) -> RelatedResource:
    return RelatedResource(
        _id(node),
        tuple([x for x in _literals(node.get(v.DIGEST_SRI)) if isinstance(x, str)]),
        tuple([x for x in _literals(node.get(v.DIGEST_MULTIBASE)) if isinstance(x, str)]),
    )


def credential_view(expanded: list[Any], *, vcdm1: bool) -> CredentialView:
    """The view of an expanded, checked credential (without its proofs).

    Raises :class:`~skillpass.errors.MalformedValueError`: ``ambiguous_value``, ``missing_issuer``,
    ``missing_subject``, ``invalid_datetime``, ``ambiguous_type``.
    """
    top = _top(expanded, "credential")
    get = top.get
    types = _types(top)
    _check_kind(types, v.VERIFIABLE_CREDENTIAL)
    # An issuer written as a plain string under the property's IRI is a literal, not a node:
    # it is still a second signed issuer statement, so it counts.
    issuer_values = get(v.ISSUER)
    issuers = _ids(issuer_values) + [x for x in _literals(issuer_values) if isinstance(x, str)]
    if not issuers:
        raise MalformedValueError("the credential has no issuer id", code="missing_issuer")
    if len(issuers) > 1 and len(set(issuers)) > 1:
        raise _ambiguous("the issuer", issuers)
    subjects = _nodes(get(v.CREDENTIAL_SUBJECT), "credentialSubject")
    if not subjects:
        raise MalformedValueError("the credential has no credentialSubject", code="missing_subject")
    starts = _dates(get(v.VALID_FROM), "validFrom") + _dates(get(v.ISSUANCE_DATE), "issuanceDate")
    ends = _dates(get(v.VALID_UNTIL), "validUntil") + _dates(
        get(v.EXPIRATION_DATE), "expirationDate"
    )
    if vcdm1 and not _literals(get(v.ISSUANCE_DATE)):
        raise MalformedValueError(
            "a VCDM 1.1 credential needs issuanceDate", code="missing_issuance_date"
        )
    awarded = _one_date(get(v.AWARDED_DATE), "awardedDate")
    subject_views = tuple([_subject(s) for s in subjects])
    statuses = tuple([_status(s) for s in _nodes(get(v.CREDENTIAL_STATUS), "credentialStatus")])
    related = tuple([_related(r) for r in _nodes(get(v.RELATED_RESOURCE), "relatedResource")])
    return CredentialView(
        _id(top),
        types,
        issuers[0],
        tuple([t for n in _nodes(issuer_values) for t in _texts(n.get(v.NAME))]),
        _texts(get(v.NAME)),
        starts,
        ends,
        awarded,
        subject_views,
        statuses,
        vcdm1,
        related,
    )


def presentation_view(expanded: list[Any]) -> PresentationView:
    """The view of an expanded, checked presentation (without its proofs)."""
    top = _top(expanded, "presentation")
    types = _types(top)
    _check_kind(types, v.VERIFIABLE_PRESENTATION)
    values = top.get(v.HOLDER)
    holders = _ids(values) + [x for x in _literals(values) if isinstance(x, str)]
    if len(set(holders)) > 1:
        raise _ambiguous("the holder", holders)
    credentials = top.get(v.VERIFIABLE_CREDENTIAL_PROP)
    return PresentationView(
        _id(top),
        types,
        holders[0] if holders else None,
        # Every value counts (a credential is a graph; anything else there is a value the
        # signature covers and no check would read).
        len(credentials) if isinstance(credentials, list) else 0,
    )


def _check_kind(types: frozenset[str], wanted: str) -> None:
    if v.VERIFIABLE_CREDENTIAL in types and v.VERIFIABLE_PRESENTATION in types:
        # A hybrid could be verified as either, each time with the other's rules skipped.
        raise MalformedValueError(
            "the document is typed both VerifiableCredential and VerifiablePresentation",
            code="ambiguous_type",
        )
    if wanted not in types:
        kind = "credential" if wanted == v.VERIFIABLE_CREDENTIAL else "presentation"
        raise MalformedValueError(
            f"the signed types do not include {v.TYPE_NAMES[wanted]}", code=f"not_a_{kind}"
        )
