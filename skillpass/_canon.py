"""JSON-LD safety rules and canonicalization (not public API).

pyld silently drops undefined terms, relative or malformed IRIs, nulls, empty arrays and a few
keywords from the RDF it produces, so a signature over its canonical form would not cover them.
:func:`check_and_expand` therefore enforces, on issue and on verify alike, that every piece of
the JSON reaches the signed RDF exactly once and in exactly one JSON spelling:

* JSON level: only allow-listed context URLs, at the top only, and after the base context
  inline context objects that define terms as absolute IRIs and nothing more (no ``@vocab``,
  ``@base``, ``@import``, remote scoped contexts or keyword aliases besides ``@id``/``@type``);
  no other ``@`` keywords except language value objects (``@value`` with ``@language`` and/or
  ``@direction``); no nulls, empty arrays, non-finite or imprecise numbers, integers beyond
  2^53, integral floats; bounded size and nesting.
* Expanded level: every property is a defined term (pyld's drop callback), every ``@id`` and
  ``@type`` an absolute, well-formed IRI, no blank-node identifiers written by the author, typed
  literals in their one canonical JSON spelling, no duplicate statements, no ``@index``, a
  bounded number of blank nodes. A base direction is signed as the i18n datatype.

Canonicalization (RDFC-1.0, pyld's URDNA2015) runs on the checked expanded form and under a
deadline, because a crafted graph of blank nodes can make it exponential.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import fields
from json.encoder import encode_basestring_ascii
from typing import Any

from . import _fastld, _rdfc
from ._contexts import (
    CREDENTIALS_V1,
    CREDENTIALS_V2,
    PYLD_LOCK,
    context_resolver,
    document_loader,
    pyld_jsonld,
)
from ._contexts import is_allowed_context as _is_allowed_context
from ._records import record
from .errors import ContextError, MalformedValueError, RangeError, SkillpassError

__all__ = [
    "Limits",
    "canonicalize_rdfc",
    "check_and_expand",
    "check_deadline",
    "check_document",
    "check_json",
    "check_node_map_work",
    "is_absolute_iri",
    "node_map_work",
    "start_deadline",
]

# The Open Badges 3.0 context spells the XML Schema namespace with https; accept both spellings.
_XSDS = ("http://www.w3.org/2001/XMLSchema#", "https://www.w3.org/2001/XMLSchema#")
_XSD_BOOLEAN = frozenset(x + "boolean" for x in _XSDS)
_XSD_INTEGER = frozenset(x + "integer" for x in _XSDS)
_XSD_NUMERIC = frozenset(x + t for x in _XSDS for t in ("double", "float"))
_MAX_SAFE_INT = 2**53 - 1

# RFC 3987 is far looser than what credentials need; this accepts an absolute IRI with a scheme
# and no characters that RFC 3987 excludes (space, controls, <>"{}|\^`).
# \Z, not $: "$" also matches before a trailing newline.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]*\Z")


def is_absolute_iri(value: object) -> bool:
    """The one IRI check of the safety rules: an absolute IRI with a scheme and none of the
    characters RFC 3987 excludes (pyld drops anything else from the signed data)."""
    return isinstance(value, str) and _IRI.match(value) is not None


_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*\Z")


@record
class Limits:
    """Bounds on the work spent on one untrusted document.

    The caps keep the worst case linear (pyld's node map is quadratic in the values of one
    property, and every distinct ``previousProof`` set is canonicalized again); a document over
    a cap is refused at once with its own code. ``max_seconds`` is one deadline over the whole
    verification (a presentation and its credentials share it): real credentials need
    milliseconds, a poison graph of symmetric blank nodes would need years.
    """

    max_bytes: int = 1_000_000  # total length of keys and strings, in characters
    max_depth: int = 32
    max_values: int = 20_000  # JSON values of any kind
    max_blank_nodes: int = 256
    max_values_per_property: int = 128  # values of one property of one node
    max_proofs: int = 8  # proofs of one document (a set or chain)
    # Comparisons pyld's node map makes to merge values (quadratic in the values of one
    # property of one node), summed over every canonicalization of one document.
    max_node_map_work: int = 40_000
    max_seconds: float = 1.0

    def __post_init__(self) -> None:
        for spec in fields(self):
            name = spec.name
            value = getattr(self, name)
            if (
                not isinstance(value, (int, float))
                or isinstance(value, bool)
                or not math.isfinite(value)  # NaN would pass every comparison, switching it off
                or value <= 0
            ):
                raise ValueError(f"Limits.{name} must be a positive, finite number")


def start_deadline(limits: Limits) -> float:
    """The ``time.monotonic()`` value by which work on one document must be done."""
    return time.monotonic() + limits.max_seconds


def check_node_map_work(work: int, limits: Limits) -> None:
    """Refuse a document whose values would cost pyld's node map more than the limit."""
    if work > limits.max_node_map_work:
        raise RangeError(
            f"the document repeats values of one property too often for bounded work "
            f"({work:,} merge comparisons; the limit is {limits.max_node_map_work:,})",
            code="too_many_values",
        )


def check_deadline(deadline: float | None) -> None:
    """Raise ``verification_timeout`` once ``deadline`` has passed."""
    if deadline is not None and time.monotonic() > deadline:
        raise RangeError(
            "verification took longer than its time budget (Limits.max_seconds)",
            code="verification_timeout",
        )


DEFAULT_LIMITS = Limits()


def _fail(code: str, message: str, path: str) -> MalformedValueError:
    return MalformedValueError(message, code=code, path=path or "/")


def _ptr(path: str, key: str | int) -> str:
    return f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"


def check_json(
    doc: Any,
    *,
    allow_test_contexts: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    proof_context_ok: bool = True,
) -> bool:
    """JSON-level safety rules (see the module docstring); raises ``SkillpassError``.

    Returns whether the document (and so every part of it) is plain JSON for RFC 8785: no
    floats and only ASCII keys, where the C JSON encoder writes JCS exactly (see ``_jcsfast``);
    False when that is unknown.
    """
    if not isinstance(doc, dict):
        raise _fail("not_an_object", "a credential or presentation is a JSON object", "")
    _check_contexts(doc.get("@context"), allow_test_contexts)
    try:
        plain = _walk_fast(doc, allow_test_contexts, limits, proof_context_ok)
    except _UnusualValueError:
        _walk_with_paths(doc, allow_test_contexts, limits, proof_context_ok)
        plain = False
    except SkillpassError:
        # The fast walk keeps no JSON pointers: walk again with them, to say where. Both walks
        # apply the same rules in the same order, so this one raises the same error; should it
        # not, the first error stands (fail closed).
        _walk_with_paths(doc, allow_test_contexts, limits, proof_context_ok)
        raise
    _check_scoped_work(doc)
    return plain


def _walk_fast(doc: Any, allow_test_contexts: bool, limits: Limits, proof_context_ok: bool) -> bool:
    """:func:`_walk_with_paths` without the paths (most documents pass: a pointer for every
    value cost a quarter of the walk). Any error is raised again, with its path, by the other.
    Returns whether the document is JCS-plain (see :func:`check_json`)."""
    budget = [limits.max_bytes, limits.max_values, 0]
    plain = [True]
    _fast_walker(allow_test_contexts, limits, proof_context_ok, budget, plain)(doc, 0, True, False)
    return plain[0]


def _fast_walker(
    allow_test_contexts: bool,
    limits: Limits,
    proof_context_ok: bool,
    budget: list[int],
    plain: list[bool],
) -> Callable[[Any, int, bool, bool], None]:
    """The fast walk, ``walk(value, depth, context_ok, in_context)``, spending ``budget``
    (characters, values, node-map work) and clearing ``plain`` (shared with ``_fused``, which
    walks the parts of a document it does not expand with it)."""
    max_depth = limits.max_depth
    max_per_property = limits.max_values_per_property

    def walk(value: Any, depth: int, context_ok: bool, in_context: bool) -> None:
        budget[1] -= 1
        if budget[1] < 0:
            raise RangeError("the document has too many values", code="document_too_large")
        if depth > max_depth:
            raise RangeError("too deep", code="document_too_deep")
        kind = type(value)
        if kind is str:
            if not value.isascii():
                _check_text(value, "")
            budget[0] -= len(value)
            if budget[0] < 0:
                raise RangeError("the document is too large", code="document_too_large")
        elif kind is dict:
            value_object = "@value" in value and not in_context
            if value_object:
                _check_value_object(value, "")
            for key, item in value.items():
                if type(key) is not str:
                    raise _UnusualValueError
                budget[0] -= len(key)
                if not key.isascii():
                    _check_text(key, "")
                    plain[0] = False  # RFC 8785 sorts keys by UTF-16 units, Python by code points
                if key[:1] == "@" and not in_context and not value_object:
                    if not (key == "@context" and context_ok):
                        raise _fail("keyword_not_allowed", key, "")
                    if depth > 0:
                        _check_contexts(item, allow_test_contexts)
                if type(item) is str:
                    # A string member inline (most values are): what walk() does for it.
                    budget[1] -= 1
                    if budget[1] < 0:
                        raise RangeError("too many values", code="document_too_large")
                    if depth + 1 > max_depth:  # as walk() compares (a limit may be fractional)
                        raise RangeError("too deep", code="document_too_deep")
                    if not item.isascii():
                        _check_text(item, "")
                    budget[0] -= len(item)
                    if budget[0] < 0:
                        raise RangeError("the document is too large", code="document_too_large")
                    continue
                walk(
                    item,
                    depth + 1,
                    context_ok
                    and (
                        (key == "proof" and proof_context_ok)
                        or (key == "verifiableCredential" and depth == 0)
                    ),
                    in_context or key == "@context",
                )
        elif kind is list:
            if not value:
                raise _fail("empty_array", "empty", "")
            n = len(value)
            if n > max_per_property:
                raise RangeError("too many values", code="too_many_values")
            budget[2] += n * (n - 1) // 2
            check_node_map_work(budget[2], limits)
            for item in value:
                if type(item) is list:
                    raise _fail("nested_array", "arrays of arrays are not allowed", "")
                walk(item, depth + 1, context_ok, in_context)
        elif kind is bool:
            pass
        elif kind is int:
            if value > _MAX_SAFE_INT or value < -_MAX_SAFE_INT:
                raise _fail("unsafe_integer", "unsafe integer", "")
        elif kind is float:
            _check_float(value, "")
            plain[0] = False  # RFC 8785 writes numbers as ECMAScript does
        elif value is None:
            raise _fail("null_value", "null", "")
        else:
            raise _UnusualValueError  # a subclass of a JSON type, or no JSON: the full walk

    return walk


class _UnusualValueError(Exception):
    """The fast walk met a value it leaves to the full walk."""


def _walk_with_paths(
    doc: Any, allow_test_contexts: bool, limits: Limits, proof_context_ok: bool
) -> None:
    budget = [limits.max_bytes, limits.max_values, 0]

    # context_ok: the value (or, for an array, each item) may carry an @context — the document,
    # the credentials embedded in a presentation, and their proofs (eddsa-jcs-2022); no other.
    def walk(value: Any, path: str, depth: int, context_ok: bool, in_context: bool = False) -> None:
        budget[1] -= 1
        if budget[1] < 0:
            raise RangeError(
                "the document has too many values", code="document_too_large", path=path
            )
        if depth > limits.max_depth:
            raise RangeError(
                f"the document is nested deeper than {limits.max_depth} levels",
                code="document_too_deep",
                path=path,
            )
        if isinstance(value, str):
            _check_text(value, path)
            budget[0] -= len(value)
            if budget[0] < 0:
                raise RangeError("the document is too large", code="document_too_large", path=path)
        elif isinstance(value, bool):
            pass
        elif isinstance(value, int):
            if abs(value) > _MAX_SAFE_INT:
                raise _fail(
                    "unsafe_integer",
                    f"integer {value} is outside the JSON-safe range ±(2^53-1)",
                    path,
                )
        elif isinstance(value, float):
            _check_float(value, path)
        elif value is None:
            raise _fail("null_value", "null values are not signed; leave the property out", path)
        elif isinstance(value, list):
            if not value:
                raise _fail(
                    "empty_array", "empty arrays are not signed; leave the property out", path
                )
            if len(value) > limits.max_values_per_property:
                # Refused before any JSON-LD work: the expanded check counts merged nodes too.
                raise RangeError(
                    f"an array has more than {limits.max_values_per_property} values",
                    code="too_many_values",
                    path=path,
                )
            # Each array is (at least) one property's values: a lower bound of the node map's
            # merge work, checked here so that a hopeless document costs no expansion.
            budget[2] += len(value) * (len(value) - 1) // 2
            check_node_map_work(budget[2], limits)
            for i, item in enumerate(value):
                if isinstance(item, list):
                    raise _fail("nested_array", "arrays of arrays are not allowed", _ptr(path, i))
                walk(item, _ptr(path, i), depth + 1, context_ok, in_context)
        elif isinstance(value, dict):
            value_object = "@value" in value and not in_context
            if value_object:
                _check_value_object(value, path)
            for key, item in value.items():
                if not isinstance(key, str):
                    raise _fail("invalid_key", "object keys must be strings", path)
                budget[0] -= len(key)
                child = _ptr(path, key)
                _check_text(key, child)
                if key.startswith("@") and not in_context and not value_object:
                    # Inside an @context, keywords are what _check_contexts allowed.
                    if not (key == "@context" and context_ok):
                        raise _fail(
                            "keyword_not_allowed",
                            f"the JSON-LD keyword {key!r} is not allowed here "
                            "(only a top-level @context)",
                            child,
                        )
                    if depth > 0:
                        _check_contexts(item, allow_test_contexts)
                nested_ok = context_ok and (
                    (key == "proof" and proof_context_ok)
                    or (key == "verifiableCredential" and depth == 0)
                )
                walk(item, child, depth + 1, nested_ok, in_context or key == "@context")
        else:
            raise _fail("invalid_json", f"{type(value).__name__} is not a JSON value", path)

    walk(doc, "", 0, True)


# About 0.1 s of pyld's work (measured at roughly 1 µs per scoped term per node).
_MAX_SCOPED_WORK = 100_000


def _check_scoped_work(doc: dict[str, Any]) -> None:
    """Refuse inline scoped contexts whose terms times the document's objects are too many:
    pyld processes a scoped context again at every node that uses it, and the deadline is not
    checked inside an expansion. Runs after the walks (the contexts are checked)."""
    # The only places the walks allow an @context: the document, its proofs, the credentials
    # a presentation embeds and their proofs.
    parts = [doc] + [v for v in _as_items(doc.get("verifiableCredential")) if isinstance(v, dict)]
    contexts = [part.get("@context") for part in parts]
    for part in parts:
        contexts += [p.get("@context") for p in _as_items(part.get("proof")) if isinstance(p, dict)]
    terms = sum(_scoped_terms(context) for context in contexts)
    if not terms:
        return
    objects = _count_objects(doc)
    if terms * objects > _MAX_SCOPED_WORK:
        raise RangeError(
            f"{terms} scoped term definitions over {objects} objects would cost the "
            "expansion too much work",
            code="context_too_costly",
            path="/@context",
        )


def _as_items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _count_objects(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(_count_objects(item) for item in value.values())
    if isinstance(value, list):
        return sum(_count_objects(item) for item in value)
    return 0


def _scoped_terms(context: Any, scoped: bool = False) -> int:
    """How many term definitions ``context`` holds inside scoped contexts (checked contexts
    only: their nesting is bounded)."""
    total = 0
    for item in context if isinstance(context, list) else [context]:
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            if key == "@context":
                total += _scoped_terms(value, scoped)
            elif not key.startswith("@"):
                total += scoped
                if isinstance(value, dict) and "@context" in value:
                    total += _scoped_terms(value["@context"], True)
    return total


_VALUE_KEYS = frozenset({"@value", "@language", "@direction"})


def _check_value_object(value: dict[str, Any], path: str) -> None:
    """A language value object (VCDM 2.0 §11.1): a string with a language tag, a base
    direction or both, and nothing else. A bare ``{"@value": "x"}`` is refused: it signs the
    same RDF as ``"x"``, and every signed value has one JSON spelling."""
    for key in value:
        if key not in _VALUE_KEYS:
            raise _fail(
                "keyword_not_allowed",
                f"a language value object has only @value, @language and @direction, not {key!r}",
                _ptr(path, key),
            )
    if not isinstance(value["@value"], str):
        raise _fail("invalid_language_value", "a language value object's @value is a string", path)
    if "@language" not in value and "@direction" not in value:
        raise _fail(
            "invalid_language_value",
            "a value object without @language or @direction: write the plain string",
            path,
        )
    language = value.get("@language")
    if language is not None and not (isinstance(language, str) and _LANGUAGE.match(language)):
        raise _fail("invalid_language", f"invalid language tag {language!r}", path)
    if "@direction" in value and value["@direction"] not in ("ltr", "rtl"):
        raise _fail("invalid_language_value", "@direction is 'ltr' or 'rtl'", path)


def _check_text(text: str, path: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate (JSON allows "\ud800") has no UTF-8 form to sign.
            raise _fail("invalid_unicode", "a string is not valid Unicode text", path) from None


def _check_float(value: float, path: str) -> None:
    if not math.isfinite(value):
        raise _fail("invalid_number", "NaN and infinities are not JSON numbers", path)
    if value.is_integer():
        # 60.0 and 60 become the same RDF literal: only the integer spelling is accepted.
        raise _fail("ambiguous_number", f"write {int(value)} rather than {value!r}", path)
    if float(f"{value:1.15E}") != value:
        # RDF canonical doubles keep 16 significant digits: nearby floats would collide.
        raise _fail(
            "imprecise_number", f"{value!r} has more precision than its RDF form keeps", path
        )


def _check_contexts(context: Any, allow_test_contexts: bool) -> None:
    urls = context if isinstance(context, list) else [context]
    if context is None or not urls:
        raise _fail("missing_context", "the document has no @context", "/@context")
    for i, url in enumerate(urls):
        if type(url) is str and _is_allowed_context(url, allow_test_contexts=allow_test_contexts):
            continue  # the common case, without making a JSON pointer
        path = f"/@context/{i}"
        if isinstance(url, dict) and i > 0:
            # VCDM 2.0 §4.3: objects may follow the base context.
            _check_inline_context(url, allow_test_contexts, path)
            continue
        if not isinstance(url, str):
            raise ContextError(
                "an inline context object may only follow the base context URL",
                code="context_not_allowed",
                path=path,
            )
        _check_context_url(url, allow_test_contexts, path)
    if urls[0] not in (CREDENTIALS_V2, CREDENTIALS_V1):
        raise _fail(
            "invalid_context",
            f"the first @context must be {CREDENTIALS_V2} (or {CREDENTIALS_V1})",
            "/@context/0",
        )


def _check_context_url(url: str, allow_test_contexts: bool, path: str) -> None:
    if not _is_allowed_context(url, allow_test_contexts=allow_test_contexts):
        raise ContextError(
            f"JSON-LD context {url!r} is not on the allow-list; contexts are never fetched"
            + ("" if allow_test_contexts else " (test-only contexts need opting in)"),
            code="context_not_allowed",
            path=path,
        )


# What an inline context may say. Everything it defines reaches the expanded form, where the
# expanded-level rules check it like any other term; what it may not do is widen that form:
# @vocab makes every term "defined", @base makes relative IRIs absolute, @import and remote
# scoped contexts would load what is not pinned, and aliases of other keywords (@value,
# @index, @nest…) would let a JSON key do what the JSON-level rules refuse to a keyword.
_INLINE_CONTEXT_KEYS = frozenset({"@version", "@protected"})
_TERM_KEYS = frozenset({"@id", "@type", "@context", "@protected", "@container"})
_TERM_CONTAINERS = frozenset({"@set", "@list"})
_KEYWORD_ALIASES = frozenset({"@id", "@type"})


def _context_refused(message: str, path: str) -> ContextError:
    return ContextError(message, code="context_not_allowed", path=path)


_MAX_CONTEXT_DEPTH = 8
# Schemes of the identifiers credentials use; as prefix terms they would re-map those ids.
_IRI_SCHEMES = frozenset(
    {"did", "urn", "http", "https", "uuid", "tag", "mailto", "tel", "data", "ipfs", "ipns", "file"}
    | {"ftp", "sip", "xmpp", "geo", "ldap", "ws", "wss"}
)
_GEN_DELIMS = frozenset(":/?#[]@")


def _check_inline_context(
    context: dict[str, Any], allow_test_contexts: bool, path: str, depth: int = 0
) -> None:
    if depth > _MAX_CONTEXT_DEPTH:
        raise _context_refused("inline contexts are nested too deeply", path)
    if list(context) == ["@context"] and isinstance(context["@context"], dict):
        # {"@context": {...}} is a context document written inline: processors unwrap it.
        _check_inline_context(
            context["@context"], allow_test_contexts, _ptr(path, "@context"), depth + 1
        )
        return
    for key, value in context.items():
        here = _ptr(path, key)
        if key.startswith("@"):
            if key not in _INLINE_CONTEXT_KEYS:
                raise _context_refused(
                    f"an inline context may not use {key} (only term definitions, @protected "
                    "and @version)",
                    here,
                )
            if (key == "@version" and value != 1.1) or (
                key == "@protected" and not isinstance(value, bool)
            ):
                raise _context_refused(f"invalid {key} in an inline context", here)
            continue
        if not key or ":" in key or "/" in key:
            # A term that looks like an IRI or compact IRI would redefine what that IRI means.
            raise _context_refused(f"{key!r} cannot be defined as a term", here)
        if key.lower() in _IRI_SCHEMES and isinstance(value, str) and value[-1:] in _GEN_DELIMS:
            # A simple term ending in a gen-delim is a prefix: every "did:…" id would expand
            # through it, so the JSON would show another id than the one signed.
            raise _context_refused(f"{key!r} would re-map every {key}: IRI", here)
        _check_term_definition(value, allow_test_contexts, here, depth)


def _check_term_definition(value: Any, allow_test_contexts: bool, path: str, depth: int) -> None:
    if isinstance(value, str):
        _check_term_target(value, path)
        return
    if not isinstance(value, dict) or "@id" not in value:
        raise _context_refused("a term definition is an IRI, or an object with an @id IRI", path)
    for key, item in value.items():
        here = _ptr(path, key)
        if key not in _TERM_KEYS:
            raise _context_refused(f"a term definition may not use {key}", here)
        if key == "@id":
            if not isinstance(item, str):
                raise _context_refused("a term's @id is a string", here)
            _check_term_target(item, here)
        elif key == "@type":
            if not (item in ("@id", "@json") or is_absolute_iri(item)):
                raise _context_refused(
                    "a term's @type is @id, @json or an absolute datatype IRI", here
                )
        elif key == "@container":
            if not isinstance(item, str) or item not in _TERM_CONTAINERS:
                raise _context_refused("a term's @container may only be @set or @list", here)
        elif key == "@protected":
            if not isinstance(item, bool):
                raise _context_refused("@protected is true or false", here)
        else:  # @context: a scoped context, under the same rules
            scoped = item if isinstance(item, list) else [item]
            for i, inner in enumerate(scoped):
                inner_path = _ptr(here, i) if isinstance(item, list) else here
                if isinstance(inner, str):
                    _check_context_url(inner, allow_test_contexts, inner_path)
                elif isinstance(inner, dict):
                    _check_inline_context(inner, allow_test_contexts, inner_path, depth + 1)
                else:
                    raise _context_refused("a scoped context is a URL or an object", inner_path)


def _check_term_target(target: str, path: str) -> None:
    if target.startswith("@"):
        if target not in _KEYWORD_ALIASES:
            raise _context_refused(f"a term may not alias the keyword {target}", path)
        return
    if target.startswith("_:") or not is_absolute_iri(target):
        # An absolute IRI, or a compact IRI whose prefix the contexts define (pyld expands it;
        # the expanded-level rules then refuse anything that is not absolute).
        raise _context_refused(f"a term must map to an absolute IRI, not {target!r}", path)


class _DroppedTermError(Exception):
    def __init__(self, term: object) -> None:
        self.term = term


def _on_dropped(term: object) -> None:
    raise _DroppedTermError(term)


def check_and_expand(
    doc: dict[str, Any],
    *,
    allow_test_contexts: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    json_checked: bool = False,
    deadline: float | None = None,
) -> list[Any]:
    """Run every safety rule; return the expanded JSON-LD, ready for :func:`canonicalize_rdfc`.

    ``json_checked`` skips the JSON-level rules when the caller has just applied them to a
    document that contains this one. ``deadline`` (a ``time.monotonic()`` value) is checked
    before and after the expansion, whose own cost the caps bound.
    """
    check_deadline(deadline)
    if not json_checked:
        if _ENGINE == "fast":
            from . import _fused

            try:
                expanded, _ = _fused.run(
                    doc, allow_test_contexts=allow_test_contexts, limits=limits, skip_proof=False
                )
            except _fused.Unsure:
                pass  # the rules one after another decide, and say why
            else:
                check_deadline(deadline)
                return expanded
        check_json(doc, allow_test_contexts=allow_test_contexts, limits=limits)
    expanded = _expand(doc, allow_test_contexts)
    check_deadline(deadline)
    _ExpandedChecker(limits).check(expanded)
    return expanded


def check_document(
    doc: Any,
    *,
    allow_test_contexts: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    deadline: float | None = None,
) -> tuple[bool, list[Any] | None]:
    """:func:`check_json` of a secured document, and on the fast engine, in the same pass,
    :func:`check_and_expand` of its unsecured form (the document without its ``proof``).

    Returns ``check_json``'s answer and that expanded form, or None for it when the document
    must be expanded separately (after the other document-level rules, which report first).
    """
    if _ENGINE == "fast":
        from . import _fused

        try:
            expanded, plain = _fused.run(
                doc, allow_test_contexts=allow_test_contexts, limits=limits, skip_proof=True
            )
        except _fused.Unsure:
            pass
        else:
            check_deadline(deadline)
            return plain, expanded
    return check_json(doc, allow_test_contexts=allow_test_contexts, limits=limits), None


# "fast" expands with _fastld and canonicalizes with _rdfc, falling back to pyld wherever they
# cannot decide; "pyld" runs pyld alone (the reference, for differential tests and the bench).
_ENGINE = "fast"


def _undefined_term(term: object) -> MalformedValueError:
    return MalformedValueError(
        f"property {term!r} is not defined by the document's contexts, so a "
        "signature would not cover it",
        code="undefined_term",
    )


def _expand(doc: dict[str, Any], allow_test_contexts: bool) -> list[Any]:
    if _ENGINE == "fast":
        try:
            return _fastld.expand(doc, allow_test_contexts=allow_test_contexts)
        except _fastld.DroppedTerm as dropped:
            raise _undefined_term(dropped.term) from None
        except _fastld.Fallback as fallback:
            _fastld.note_fallback(f"expand:{fallback.reason}")
    return _pyld_expand(doc, allow_test_contexts)


def _pyld_expand(doc: dict[str, Any], allow_test_contexts: bool) -> list[Any]:
    jsonld = pyld_jsonld()  # imported only when the fast engine steps aside
    processor = jsonld.JsonLdProcessor(on_property_dropped=_on_dropped)
    options = {
        "documentLoader": document_loader(allow_test_contexts=allow_test_contexts),
        "contextResolver": context_resolver(allow_test_contexts=allow_test_contexts),
        # No base: relative IRIs stay relative, so the checks below see them. It must be None:
        # pyld resolves against http://example.org/base/ when the base is "".
        "base": None,
        "processingMode": "json-ld-1.1",
        "extractAllScripts": True,
    }
    try:
        with PYLD_LOCK:
            expanded: list[Any] = processor.expand(doc, options)
    except _DroppedTermError as dropped:
        raise _undefined_term(dropped.term) from None
    except jsonld.JsonLdError as exc:
        raise _from_jsonld_error(exc) from None
    return expanded


def _from_jsonld_error(exc: Exception) -> SkillpassError:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, SkillpassError):
            return cause
        cause = cause.__cause__
    if getattr(exc, "code", None) == "protected term redefinition":
        return ContextError(
            f"an inline context redefines a protected term: {exc}",
            code="protected_term_redefinition",
        )
    return MalformedValueError(f"invalid JSON-LD: {exc}", code="invalid_jsonld")


# IRIs that passed iri(): the vocabulary and the issuers repeat from document to document.
_GOOD_IRIS: set[str] = set()
_MAX_GOOD_IRIS = 16384


# Longer IRIs are checked every time rather than kept: a document chooses them.
_MAX_KEPT_IRI = 512


def remember_good_iri(value: str) -> None:
    """Keep ``value``, which passed the IRI check, so that the next check is a lookup. IRIs
    come from documents: what they can make the process keep is bounded in number and size."""
    if len(value) > _MAX_KEPT_IRI or type(value) is not str:
        return  # (a str subclass may compare equal to strs that are no IRI)
    if len(_GOOD_IRIS) >= _MAX_GOOD_IRIS:
        _GOOD_IRIS.clear()
    _GOOD_IRIS.add(value)


def _value_key(item: Any) -> Any:
    """A key equal for two expanded values exactly when their sorted JSON texts are equal."""
    if isinstance(item, str):
        return encode_basestring_ascii(item)  # what json.dumps writes for a string (a @type)
    if isinstance(item, dict) and "@list" not in item:
        parts = []
        for k, v in item.items():
            if type(v) is str or type(v) is int or type(v) is bool:
                # The type keeps true apart from 1, which compare equal in Python.
                parts.append((k, type(v).__name__, v))
            else:
                return json.dumps(item, sort_keys=True)  # floats, @json values
        return tuple(sorted(parts))
    return json.dumps(item, sort_keys=True)


class _ExpandedChecker:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.blank_nodes = 0
        self.statements: set[tuple[str, str, str]] = set()
        # Values per (subject, property) across the document: one node may be described in
        # several places, and pyld's node map merges them (quadratically).
        self.counts: dict[tuple[str, str], int] = {}
        # Nodes with an IRI described (given properties) in this graph: RDF merges every
        # description of one IRI, so a second description would add facts to the first that a
        # reader of the document's tree (and the checked view) would not see there.
        self.described: set[str] = set()

    def check(self, expanded: list[Any]) -> None:
        for node in expanded:
            self.node(node)

    def node(self, node: Mapping[str, Any]) -> None:
        subject = node.get("@id")
        if "@id" not in node:  # an "@id" of None is an id pyld dropped ("@foo"): see iri()
            self.blank_nodes += 1
            if self.blank_nodes > self.limits.max_blank_nodes:
                raise RangeError(
                    f"more than {self.limits.max_blank_nodes} blank nodes",
                    code="too_many_blank_nodes",
                )
        else:
            self.iri(subject, "an id")
            if str(subject).startswith("_:"):
                raise MalformedValueError(
                    f"blank node identifier {subject!r} is not allowed: canonicalization renames "
                    "blank nodes, so the label would not be signed",
                    code="blank_node_id",
                )
            if any(key != "@id" for key in node):
                if subject in self.described:
                    raise MalformedValueError(
                        f"{subject} is described in two places; RDF merges them, so facts "
                        "written in one would be missed where the other is read",
                        code="ambiguous_value",
                    )
                self.described.add(str(subject))
        for key, values in node.items():
            if key == "@id":
                continue
            if key == "@type":
                self.unique(subject, key, values)
                for t in values:
                    if type(t) is not str or t not in _GOOD_IRIS:
                        self.iri(t, "a type", undefined_code="undefined_type")
                continue
            if key in ("@index", "@direction"):
                raise MalformedValueError(
                    f"{key} is not part of the signed data", code="keyword_not_allowed"
                )
            if key == "@graph":
                # A named graph (an embedded credential, a proof) is its own set of statements:
                # the same triple in two graphs is two quads, both signed.
                outer, self.statements = self.statements, set()
                outer_counts, self.counts = self.counts, {}
                outer_described, self.described = self.described, set()
                for item in values:
                    self.node(item)
                self.statements, self.counts = outer, outer_counts
                self.described = outer_described
                continue
            if key == "@reverse":
                for rev_values in values.values():
                    for item in rev_values:
                        self.node(item)
                continue
            if key.startswith("@"):
                continue  # @included and similar carry node objects handled as values
            if key not in _GOOD_IRIS:
                self.iri(key, "a property")
            self.unique(subject, key, values)
            for item in values:
                self.value(item)

    def unique(self, subject: str | None, prop: str, values: list[Any]) -> None:
        count = len(values)
        if subject is not None:
            count = self.counts[subject, prop] = self.counts.get((subject, prop), 0) + count
        if count > self.limits.max_values_per_property:
            raise RangeError(
                f"{prop} has more than {self.limits.max_values_per_property} values",
                code="too_many_values",
            )
        if subject is None and len(values) == 1:
            return  # one value of a blank node: nothing it could repeat
        # RDF is a set of statements: a repeated value would be dropped, and so not signed.
        seen: set[str] = set()
        for item in values:
            if isinstance(item, dict) and "@value" not in item and "@list" not in item:
                if "@id" not in item:
                    continue  # distinct blank nodes are distinct statements
                key = "@id:" + str(item["@id"])
            else:
                key = _value_key(item)
            if key in seen or (subject is not None and (subject, prop, key) in self.statements):
                raise MalformedValueError(
                    f"a value of {prop} is repeated; RDF keeps one copy, so a repeat is not signed",
                    code="duplicate_value",
                )
            seen.add(key)
            if subject is not None:
                self.statements.add((subject, prop, key))

    def value(self, item: Any) -> None:
        if not isinstance(item, dict):
            return
        if "@value" in item:
            self.literal(item)
        elif "@list" in item:
            # An RDF list is a chain of blank nodes (rdf:first/rdf:rest), one per member.
            self.blank_nodes += len(item["@list"])
            if self.blank_nodes > self.limits.max_blank_nodes:
                raise RangeError(
                    f"more than {self.limits.max_blank_nodes} blank nodes",
                    code="too_many_blank_nodes",
                )
            for member in item["@list"]:
                self.value(member)
        else:
            self.node(item)

    def literal(self, item: Mapping[str, Any]) -> None:
        value = item["@value"]
        datatype = item.get("@type")
        for key in item:
            if key == "@index":
                raise MalformedValueError(
                    f"{key} is not part of the signed data", code="keyword_not_allowed"
                )
        if "@direction" in item and (
            datatype is not None or item["@direction"] not in ("ltr", "rtl")
        ):
            # RDFC signs a direction as the i18n datatype (see _pyld_canonicalize_locked), so a
            # value cannot have both.
            raise MalformedValueError(
                "a base direction applies only to a plain or language-tagged string",
                code="invalid_language_value",
            )
        if isinstance(datatype, str) and datatype.startswith("https://www.w3.org/ns/i18n#"):
            # The datatype RDFC gives a direction: written out, it would be a second spelling
            # of a language value, one whose language the view would not see.
            raise MalformedValueError(
                "a value may not be typed with an i18n datatype; write @language/@direction",
                code="invalid_language_value",
            )
        if "@language" in item and not _LANGUAGE.match(str(item["@language"])):
            raise MalformedValueError(
                f"invalid language tag {item['@language']!r}", code="invalid_language"
            )
        if datatype is None or datatype == "@json":
            return
        self.iri(datatype, "a datatype", undefined_code="undefined_type")
        # One JSON spelling per RDF literal: "true" and true, "5" and 5 would sign the same.
        if datatype in _XSD_BOOLEAN:
            ok = isinstance(value, bool)
        elif datatype in _XSD_INTEGER:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif datatype in _XSD_NUMERIC:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if not ok:
            raise MalformedValueError(
                f"value {value!r} has the wrong JSON type for its datatype {datatype}",
                code="datatype_mismatch",
            )

    @staticmethod
    def iri(value: Any, what: str, *, undefined_code: str = "invalid_iri") -> None:
        if type(value) is str and value in _GOOD_IRIS:
            return
        if isinstance(value, str) and value.startswith("_:"):
            # As a type, a property or an id: canonicalization renames (or, for a property,
            # drops) blank nodes, so the label would not be signed.
            raise MalformedValueError(
                f"{what} {value!r} is a blank node identifier, which a signature does not cover",
                code="blank_node_id",
            )
        if isinstance(value, str) and _IRI.match(value):
            remember_good_iri(value)
            return
        code = undefined_code if isinstance(value, str) and ":" not in value else "invalid_iri"
        raise MalformedValueError(
            f"{what} {value!r} is not an absolute IRI (or an undefined term), so a signature "
            "would not cover it",
            code=code,
        )


def node_map_work(expanded: list[Any]) -> int:
    """How many value comparisons pyld's node map makes for ``expanded``: it merges each new
    value of a node's property into the values already there, one comparison each, per graph."""
    counts: dict[tuple[int, str, str], int] = {}
    work = 0
    graphs = 0

    def add(graph: int, subject: str, prop: str, k: int) -> None:
        nonlocal work
        before = counts.get((graph, subject, prop), 0)
        counts[graph, subject, prop] = before + k
        work += before * k + k * (k - 1) // 2

    def node(item: Mapping[str, Any], graph: int) -> None:
        nonlocal graphs
        # A node without @id is its own blank node: its values never merge with another's.
        subject = item["@id"] if isinstance(item.get("@id"), str) else f"_:{id(item)}"
        for key, values in item.items():
            if key == "@id" or not isinstance(values, list):
                continue
            if key == "@graph":
                graphs += 1
                for child in values:
                    if isinstance(child, dict):
                        node(child, graphs)
                continue
            add(graph, subject, key, len(values))
            for value in values:
                if isinstance(value, dict):
                    value_of(value, graph)

    def value_of(value: Mapping[str, Any], graph: int) -> None:
        if "@value" in value:
            return
        if "@list" in value:
            for member in value["@list"]:
                if isinstance(member, dict):
                    value_of(member, graph)
            return
        node(value, graph)

    for item in expanded:
        if isinstance(item, dict):
            node(item, 0)
    return work


def canonicalize_rdfc(
    expanded: list[Any],
    *,
    limits: Limits = DEFAULT_LIMITS,
    deadline: float | None = None,
    work_checked: bool = False,
) -> str:
    """RDFC-1.0 canonical N-Quads of an expanded, checked document; never empty.

    ``deadline`` (a ``time.monotonic()`` value) defaults to ``limits.max_seconds`` from now.
    ``work_checked`` says the caller has already held the node-map work to the budget.
    """
    if deadline is None:
        deadline = start_deadline(limits)
    check_deadline(deadline)
    if not work_checked:
        check_node_map_work(node_map_work(expanded), limits)
    canonical: str | None = None
    if _ENGINE == "fast":
        # Linear in the quads (it never runs Hash N-Degree Quads), so the deadline checked
        # above and by pyld's path below bounds the whole canonicalization.
        try:
            canonical = _rdfc.canonicalize(expanded)
        except _fastld.Fallback as fallback:
            _fastld.note_fallback(f"rdfc:{fallback.reason}")
        else:
            if canonical is None:
                _fastld.note_fallback("rdfc:first_degree_collision")
    if canonical is None:
        canonical = _pyld_canonicalize(expanded, deadline)
    if not canonical:
        raise MalformedValueError(
            "the document canonicalizes to nothing: no statement would be signed",
            code="empty_canonical_form",
        )
    return canonical


def _pyld_canonicalize(expanded: list[Any], deadline: float) -> str:
    """pyld's URDNA2015, stopped at ``deadline`` (a ``time.monotonic()`` value)."""
    with PYLD_LOCK:
        return _pyld_canonicalize_locked(expanded, deadline)


def _deadline_urdna2015(deadline: float) -> Any:
    """pyld's URDNA2015 that gives up after a deadline (RDFC-1.0 §4.4 warns of poison graphs)."""
    pyld_jsonld()
    from pyld.canon import URDNA2015

    class DeadlineURDNA2015(URDNA2015):  # type: ignore[misc]
        def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
            if time.monotonic() > deadline:
                raise RangeError(
                    "canonicalization took too long (too many interlinked blank nodes)",
                    code="canonicalization_timeout",
                )
            return super().hash_n_degree_quads(id_, issuer)

    return DeadlineURDNA2015()


def _pyld_canonicalize_locked(expanded: list[Any], deadline: float) -> str:
    # The same steps as pyld's to_rdf, without expanding a second time.
    jsonld = pyld_jsonld()  # imported only when the fast engine steps aside
    from pyld.identifier_issuer import IdentifierIssuer

    processor = jsonld.JsonLdProcessor()
    issuer = IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    try:
        processor._create_node_map(expanded, node_map, "@default", issuer)
        options = {
            "produceGeneralizedRdf": False,
            # A value's base direction becomes its datatype (https://www.w3.org/ns/i18n#en_rtl)
            # and so is signed; without this option RDF would drop it. The W3C's reference
            # cryptosuites (eddsa-rdfc-2022, ecdsa-rdfc-2019) canonicalize the same way.
            "rdfDirection": "i18n-datatype",
            "processingMode": "json-ld-1.1",
        }
        dataset = {
            name: processor._graph_to_rdf(graph, issuer, options)
            for name, graph in sorted(node_map.items())
            if name == "@default" or jsonld._is_absolute_iri(name)
        }
        canonical: str = _deadline_urdna2015(deadline).main(
            dataset, {"algorithm": "URDNA2015", "format": "application/n-quads"}
        )
    except jsonld.JsonLdError as exc:
        raise _from_jsonld_error(exc) from None
    except RecursionError:
        # URDNA2015 recurses along chains of blank nodes (only with a raised max_blank_nodes).
        raise RangeError(
            "the graph's blank nodes are chained too deeply to canonicalize",
            code="too_many_blank_nodes",
        ) from None
    return canonical
