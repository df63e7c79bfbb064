"""RDFC-1.0 canonical N-Quads for the common case, straight from expanded JSON-LD (not public API).

A credential's blank nodes (the credential subject, an achievement, the proof graph…) almost always
differ from one another in their own statements. RDFC-1.0 then needs only its first step: hash each
blank node's quads with itself written ``_:a`` and the others ``_:z`` ("Hash First Degree Quads"),
and issue ``_:c14n0``, ``_:c14n1``… in the order of those hashes. That step is linear; the
exponential part of the algorithm (Hash N-Degree Quads) only runs for blank nodes whose first-degree
hashes collide, and for those :func:`canonicalize` returns ``None`` so that the caller runs pyld's
URDNA2015 under its deadline.

The quads come from a direct walk of the expanded form rather than pyld's node map: the canonical
form depends only on the set of quads, not on the order or the temporary labels. Terms are written
exactly as pyld writes them (pyld, not the RDFC-1.0 text, is the reference here: pyld escapes a
tab as ``\\t`` and leaves other control characters as they are). Booleans and integers are written
as pyld's ``_object_to_rdf`` writes them; other non-string literals (doubles, ``@json``) are
converted by pyld's own ``_object_to_rdf`` (imported then), so they keep pyld's lexical forms.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ._contexts import PYLD_LOCK, pyld_jsonld
from ._fastld import _ABSOLUTE_IRI, Fallback

__all__ = ["canonicalize"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE = f"<{_RDF}type>"
_RDF_FIRST = f"<{_RDF}first>"
_RDF_REST = f"<{_RDF}rest>"
_RDF_NIL = f"<{_RDF}nil>"
_RDF_LANGSTRING = f"{_RDF}langString"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_RDF_OPTIONS = {
    "produceGeneralizedRdf": False,
    "rdfDirection": None,
    "processingMode": "json-ld-1.1",
}

# IRIs already checked, with their N-Quads form: the vocabulary repeats from document to document.
_IRIS: dict[str, str] = {}
_MAX_IRIS = 16384
_NEEDS_ESCAPE = re.compile(r'[\\\t\n\r"]')

# Datatypes whose literals pyld writes in a form of their own (or without a datatype).
_SPECIAL_DATATYPES = ("@json", _XSD_DOUBLE, _RDF_LANGSTRING, _XSD_STRING)

Quad = tuple[str, str, str, str]  # subject, predicate, object, graph ("" for the default graph)


def _escape(text: str) -> str:
    """pyld's N-Quads ``escape`` (pyld.nquads): backslash, tab, newline, return and quote."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    return (
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace('"', '\\"')
    )


class _Quads:
    def __init__(self) -> None:
        self.quads: list[Quad] = []
        self.blank = 0

    def new_blank(self) -> str:
        self.blank += 1
        return f"_:x{self.blank}"

    @staticmethod
    def iri(value: Any) -> str:
        term = _IRIS.get(value) if type(value) is str else None
        if term is not None:
            return term
        # Exactly str: a subclass's __str__ (what the f-string writes) or __eq__ may not be
        # str's, and what is kept here is read for every later document.
        if type(value) is not str or value.startswith("_:") or not _ABSOLUTE_IRI.match(value):
            raise Fallback("rdfc_iri")  # pyld would skip or relabel it: let pyld decide
        if len(_IRIS) >= _MAX_IRIS:
            _IRIS.clear()  # IRIs come from documents: bound what they can make us keep
        term = _IRIS[value] = f"<{value}>"
        return term

    def node(self, node: Any, graph: str) -> str:
        """Emit a node object's statements into ``graph``; return its term."""
        if not isinstance(node, dict) or "@value" in node or "@list" in node:
            raise Fallback("rdfc_node")
        subject = self.iri(node["@id"]) if "@id" in node else self.new_blank()
        quads = self.quads
        for prop, values in node.items():
            if prop == "@id":
                continue
            if prop == "@type":
                for type_ in values:
                    quads.append((subject, _RDF_TYPE, self.iri(type_), graph))
            elif prop == "@graph":
                for item in values:
                    self.node(item, subject)
            elif prop[:1] == "@":
                raise Fallback(f"rdfc_keyword:{prop}")
            else:
                predicate = self.iri(prop)
                for item in values:
                    quads.append((subject, predicate, self.object(item, graph), graph))
        return subject

    def object(self, item: Any, graph: str) -> str:
        if not isinstance(item, dict):
            raise Fallback("rdfc_value")
        if "@value" in item:
            return self.literal(item)
        if "@list" in item:
            members = item["@list"]
            if not members:
                return _RDF_NIL
            head = subject = self.new_blank()
            for i, member in enumerate(members):
                value = self.object(member, graph)
                rest = self.new_blank() if i + 1 < len(members) else _RDF_NIL
                self.quads.append((subject, _RDF_FIRST, value, graph))
                self.quads.append((subject, _RDF_REST, rest, graph))
                subject = rest
            return head
        return self.node(item, graph)

    @staticmethod
    def literal(item: dict[str, Any]) -> str:
        value = item["@value"]
        datatype = item.get("@type")
        if isinstance(value, str) and datatype not in ("@json", _XSD_DOUBLE, _RDF_LANGSTRING):
            if "@language" in item:
                if datatype is not None or "@direction" in item:
                    raise Fallback("rdfc_literal")
                language = item["@language"]
                return f'"{_escape(value)}"@{language}' if language else f'"{_escape(value)}"'
            if "@direction" in item:
                raise Fallback("rdfc_literal")
            if datatype is None or datatype == _XSD_STRING:
                return f'"{_escape(value)}"'
            return f'"{_escape(value)}"^^<{datatype}>'
        plain = "@language" not in item and "@direction" not in item
        if plain and datatype not in _SPECIAL_DATATYPES and isinstance(datatype, (str, type(None))):
            # pyld's _object_to_rdf: a boolean is "true"/"false", an integer (below 1e21, as
            # every JSON-safe one is) its decimal digits; both keep a datatype they were given.
            if type(value) is bool:
                return f'"{"true" if value else "false"}"^^<{datatype or _XSD_BOOLEAN}>'
            if type(value) is int and abs(value) < 10**21:
                return f'"{value}"^^<{datatype or _XSD_INTEGER}>'
        # Doubles, @json and the rest: pyld's own conversion, for its lexical forms.
        jsonld = pyld_jsonld()
        from pyld.identifier_issuer import IdentifierIssuer

        with PYLD_LOCK:
            term = jsonld.JsonLdProcessor()._object_to_rdf(
                item, IdentifierIssuer("_:y"), [], _RDF_OPTIONS
            )
        if term is None or term.get("type") != "literal" or not isinstance(term["value"], str):
            raise Fallback("rdfc_literal")
        text = f'"{_escape(term["value"])}"'
        if term["datatype"] == _RDF_LANGSTRING:
            return text + (f"@{term['language']}" if term.get("language") else "")
        if term["datatype"] == _XSD_STRING:
            return text
        return f"{text}^^<{term['datatype']}>"


def quads(expanded: list[Any]) -> list[Quad]:
    """The RDF dataset of an expanded document, with temporary blank node labels."""
    collector = _Quads()
    for node in expanded:
        collector.node(node, "")
    result = collector.quads
    if len(set(result)) != len(result):
        # pyld's node map merges repeated statements; the safety rules refuse them first, so
        # this is a document the fast path was not built for.
        raise Fallback("rdfc_duplicate_quad")
    return result


def canonicalize(expanded: list[Any]) -> str | None:
    """RDFC-1.0 canonical N-Quads, or ``None`` when some blank nodes need Hash N-Degree Quads.

    Raises :class:`~skillpass._fastld.Fallback` for an expanded form it was not built for.
    """
    dataset = quads(expanded)
    # RDFC-1.0 §4.4.3 step 2: the quads that mention each blank node, once per mention.
    mentions: dict[str, list[Quad]] = {}
    for quad in dataset:
        s, _, o, g = quad
        for term in (s, o, g):
            if term[:2] == "_:":
                mentions.setdefault(term, []).append(quad)
    # §4.6 Hash First Degree Quads.
    by_hash: dict[str, str] = {}
    for blank, its_quads in mentions.items():
        lines = []
        for s, p, o, g in its_quads:
            s = ("_:a" if s == blank else "_:z") if s[:2] == "_:" else s
            o = ("_:a" if o == blank else "_:z") if o[:2] == "_:" else o
            g = ("_:a" if g == blank else "_:z") if g[:2] == "_:" else g
            lines.append(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n")
        lines.sort()
        digest = hashlib.sha256("".join(lines).encode()).hexdigest()
        if digest in by_hash:
            return None  # two blank nodes alike at first degree: the full algorithm decides
        by_hash[digest] = blank
    # §4.4.3 step 5: unique hashes, in code point order, get the canonical identifiers.
    canonical = {blank: f"_:c14n{i}" for i, (_, blank) in enumerate(sorted(by_hash.items()))}
    lines = []
    for s, p, o, g in dataset:
        if s[:2] == "_:":
            s = canonical[s]
        if o[:2] == "_:":
            o = canonical[o]
        if g[:2] == "_:":
            g = canonical[g]
        lines.append(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n")
    lines.sort()
    return "".join(lines)
