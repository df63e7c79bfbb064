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


def _ambiguous(what: str, values: Iterable[object]) -> MalformedValueError:
    shown = ", ".join(sorted(repr(x) for x in values))
    return MalformedValueError(
        f"the signed data gives {what} several values ({shown}); a check cannot choose one",
        code="ambiguous_value",
    )


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


def credential_view(expanded: list[Any], *, vcdm1: bool) -> CredentialView:
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


def presentation_view(expanded: list[Any]) -> PresentationView:
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
