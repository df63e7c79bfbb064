"""JSON-LD expansion specialised to the pinned contexts (not public API).

pyld re-processes the pinned contexts, and every type- and property-scoped context in them, on
every document: most of a verification went there. This module keeps each active context that
pyld computes, keyed by the (already kept) context it was derived from and the context applied,
so a context is processed once per process. The contexts that ordinary credentials reach are
shipped already processed (``schemas/contexts/processed-contexts.json``, written by pyld itself:
``tools/processed_contexts.py``, and a test requires that regenerating it changes nothing), so
the common path never imports pyld at all; a context not in that file is processed by pyld on
first use. IRI expansion is pyld's ``_expand_iri`` (without a base) restated, and differential
tests hold it to pyld's. The walk over the document mirrors pyld's
expansion algorithm (pyld 3.3 ``_expand``, ``_expand_object``, ``_expand_value``) step for step,
for the subset of JSON-LD that the JSON-level safety rules let through: the output is the same
list of node objects, with the same keys in the same order, as pyld's.

The walk also proves that every term is defined: it raises :class:`DroppedTerm` exactly where
pyld's drop callback would fire. Anything it was not built for (a keyword other than ``@id`` and
``@type`` in the input, a language, index, id or type map, a reverse or nested property, a
context it cannot key, a pyld error) raises :class:`Fallback`; the caller then runs pyld itself,
so an unusual document is judged by the reference implementation rather than by a guess.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from ._contexts import (
    _PINNED,
    PYLD_LOCK,
    context_resolver,
    document_loader,
    is_allowed_context,
    pyld_jsonld,
)
from ._resources import data_path

__all__ = [
    "DroppedTerm",
    "Fallback",
    "build_snapshot",
    "expand",
    "expand_iri",
    "fallback_counts",
    "weight",
]

SNAPSHOT_FILE = "processed-contexts.json"
_SNAPSHOT_FORMAT = 2
# The file decides which terms are defined, so it is pinned like the contexts it was made from
# (tools/processed_contexts.py --write updates this line).
SNAPSHOT_SHA256 = "fbb312c08c55518285afe5875af640e754a8a05835893878e49196ffecbf6bc6"

# More distinct active contexts than the pinned contexts can produce in real documents: past this,
# a document is probably walking combinations of type-scoped contexts on purpose.
_MAX_CONTEXTS = 4096
_MAX_MEMO = 65536
_MAX_KEPT_WEIGHT = 32  # about 2,000 characters (see weight())
_MISSING = object()
# pyld's _is_absolute_iri, compiled once ("$", as in pyld, also matches before a final newline).
_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_UNSUPPORTED_CONTAINERS = ("@language", "@index", "@id", "@type")
# pyld's KEYWORDS and KEYWORD_PATTERN (pyld 3.3 jsonld.py).
_KEYWORDS = frozenset(
    {
        *("@base", "@container", "@context", "@default", "@direction", "@embed", "@explicit"),
        *("@first", "@graph", "@id", "@import", "@included", "@index", "@json", "@language"),
        *("@list", "@nest", "@none", "@omitDefault", "@propagate", "@protected", "@preserve"),
        *("@requireAll", "@reverse", "@set", "@type", "@value", "@version", "@vocab"),
    }
)
_KEYWORD_LIKE = re.compile(r"^@[a-zA-Z]+$")

_FALLBACKS: Counter[str] = Counter()


class Fallback(Exception):  # noqa: N818 - a signal, not an error
    """The fast path cannot decide this document; run pyld."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DroppedTerm(Exception):  # noqa: N818 - mirrors pyld's drop callback
    """A property that pyld would silently drop (an undefined term)."""

    def __init__(self, term: object) -> None:
        super().__init__(term)
        self.term = term


def note_fallback(reason: str) -> None:
    """Count one document that went to pyld, by reason (read by ``bench/``)."""
    _FALLBACKS[reason] += 1


def fallback_counts() -> dict[str, int]:
    """How many documents each engine sent to pyld since the process started, by reason."""
    return dict(_FALLBACKS)


def weight(key: Any) -> int:
    """What keeping ``key`` in a memo counts against ``_MAX_MEMO``: its strings come from
    documents, so a long one counts for more (the memo's memory stays bounded, not only its
    number of entries)."""
    if type(key) is str:
        return 1 + len(key) // 64
    if type(key) is tuple:
        return 1 + sum(map(weight, key))
    if isinstance(key, (str, tuple)):
        # A subclass (library callers can pass one): its methods, ``__eq__`` and ``__hash__``
        # need not be str's, so what it expanded to must not be kept for the equal strs.
        return _MAX_KEPT_WEIGHT + 1
    return 1


def _arrayify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _is_keyword(value: Any) -> bool:
    return isinstance(value, str) and value in _KEYWORDS


def expand_iri(ctx: Mapping[str, Any], value: Any, *, vocab: bool) -> Any:
    """pyld's ``_expand_iri(ctx, value, vocab=vocab, base=None)`` outside context processing."""
    if value is None or not isinstance(value, str) or value in _KEYWORDS:
        return value
    if _KEYWORD_LIKE.match(value):
        return None  # looks like a keyword but is none: pyld ignores it
    mappings = ctx["mappings"]
    if vocab and value in mappings:
        mapping = mappings[value]
        return None if mapping is None else mapping["@id"]
    if value.find(":") > 0:
        prefix, suffix = value.split(":", 1)
        if prefix == "_" or suffix.startswith("//"):
            return value  # a blank node label or an absolute IRI
        mapping = mappings.get(prefix)
        if mapping and mapping["_prefix"]:
            return mapping["@id"] + suffix
        if _ABSOLUTE_IRI.match(value):
            return value
    if vocab and "@vocab" in ctx:
        return ctx["@vocab"] + value
    return value  # no base: a relative IRI stays relative


def _plain(value: Any) -> Any:
    """JSON data of a pyld structure (its contexts may be frozendicts)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _content_key(local: Any) -> str:
    return json.dumps(_plain(local), sort_keys=True, separators=(",", ":"))


def _pinned_digests() -> dict[str, str]:
    return {url: pinned.sha256 for url, pinned in sorted(_PINNED.items())}


@cache
def _load_snapshot() -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]] | None:
    """The shipped processed contexts and the edges between them (None if out of date)."""
    data = data_path("contexts", SNAPSHOT_FILE).read_bytes()
    if hashlib.sha256(data).hexdigest() != SNAPSHOT_SHA256:
        return None  # damaged or not the file this code was released with: pyld decides
    raw = json.loads(data)
    if raw.get("format") != _SNAPSHOT_FORMAT or raw.get("pinned") != _pinned_digests():
        return None  # made for other context files: process them with pyld instead
    # Every scoped context once, shared by the definitions that hold it: the engine keys a
    # scoped context by its identity, as it does pyld's own.
    scoped = raw["scoped"]
    definitions = raw["definitions"]
    for definition in definitions:
        if "@context" in definition:
            definition["@context"] = scoped[definition["@context"]]
    contexts: list[dict[str, Any]] = []
    for item in raw["contexts"]:
        ctx = {k: v for k, v in item.items() if k not in ("mappings", "previousContext")}
        ctx["mappings"] = {
            term: None if i is None else definitions[i] for term, i in item["mappings"].items()
        }
        if "previousContext" in item:
            previous = item["previousContext"]
            ctx["previousContext"] = None if previous is None else contexts[previous]
        contexts.append(ctx)
    edges = [
        (
            contexts[parent],
            kind,
            local if kind == "urls" else scoped[local],
            propagate,
            override,
            contexts[child],
        )
        for parent, kind, local, propagate, override, child in raw["edges"]
    ]
    return contexts, edges


_Plan = tuple[Any, bool, Any, bool, bool, bool, bool, Any]


class _Tables:
    """What the engine has worked out about one active context (kept alive here)."""

    __slots__ = (
        *("aliases", "ctx", "entries", "ids", "layouts", "members", "plans", "props", "shapes"),
        *("typed", "vocab"),
    )

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.vocab: dict[Any, Any] = {}
        self.ids: dict[str, Any] = {}
        self.shapes: dict[Any, tuple[bool, bool, Any, Any, Any]] = {}
        self.props: dict[Any, tuple[Any, Any, bool]] = {}
        self.plans: dict[str, _Plan] = {}
        self.aliases: frozenset[str] | None = None
        # skillpass._fused's plans of a node's members (its own reading of ``plans``).
        self.members: dict[str, tuple[Any, ...]] = {}
        # skillpass._fused: (type key, types) -> the context a node with those types is read in.
        self.typed: dict[tuple[str, Any], tuple[Any, ...]] = {}
        # skillpass._fused: a node's keys -> its members' plans, in sorted order.
        self.layouts: dict[Any, tuple[Any, ...]] = {}
        # skillpass._fused: (property, a node's keys[, its context URLs]) -> how the node is
        # entered.
        self.entries: dict[tuple[Any, ...], tuple[Any, ...]] = {}


class _Engine:
    """Active contexts and expansion for one context policy (strict or with test contexts)."""

    def __init__(self, allow_test_contexts: bool, *, snapshot: bool = True) -> None:
        self.allow_test_contexts = allow_test_contexts
        self._pyld: tuple[Any, dict[str, Any]] | None = None
        # (id(active), key of the applied context, propagate, override) -> (active, applied,
        # result). Every active context in here is kept alive by the entry that made it, so ids
        # are never reused; the applied object is kept for the same reason.
        self._contexts: dict[tuple[int, Any, bool, bool], tuple[Any, Any, Any]] = {}
        # IRI expansions and term facts, per id(active context).
        self._tables: dict[int, _Tables] = {}
        self._entries = 0
        # Scoped contexts are keyed by identity (each is an object inside a kept active
        # context), except while the shipped file is made: by content then, so that equal
        # scoped contexts in pyld's copies of a definition make one entry.
        self._by_content = not snapshot
        self._local_keys: dict[int, tuple[Any, str]] = {}
        # Shipped contexts: how each was made (to make pyld's own on a miss), and pyld's own.
        self._origin: dict[int, tuple[Any, Any, bool, bool] | None] = {}
        self._native: dict[int, Any] = {}
        loaded = _load_snapshot() if snapshot else None
        if loaded is None:
            processor, options = self._pyld_state()
            with PYLD_LOCK:
                self.initial = processor._get_initial_context(options)
            return
        contexts, edges = loaded
        self.initial = contexts[0]
        self._origin[id(self.initial)] = None
        for parent, kind, local, propagate, override, child in edges:
            if kind == "urls":
                if not all(
                    is_allowed_context(url, allow_test_contexts=allow_test_contexts)
                    for url in local
                ):
                    continue  # a test-only context under the strict policy
                key: Any = ("urls", *local)
            else:
                key = ("scoped", id(local))
            entry = (parent, local, child)
            self._contexts.setdefault((id(parent), key, propagate, override), entry)
            self._origin.setdefault(id(child), (parent, local, propagate, override))

    def _pyld_state(self) -> tuple[Any, dict[str, Any]]:
        """pyld's processor and options, made (and pyld imported) on first need."""
        if self._pyld is None:
            jsonld = pyld_jsonld()
            allow = self.allow_test_contexts
            options: dict[str, Any] = {
                "documentLoader": document_loader(allow_test_contexts=allow),
                "contextResolver": context_resolver(allow_test_contexts=allow),
                "base": None,
                "processingMode": "json-ld-1.1",
                "isFrame": False,
                "keepFreeFloatingNodes": False,
                "extractAllScripts": True,
            }
            self._pyld = (jsonld.JsonLdProcessor(), options)
        return self._pyld

    def _native_of(self, ctx: Any) -> Any:
        """pyld's own active context equal to ``ctx`` (a shipped one is remade by pyld)."""
        if id(ctx) not in self._origin:
            return ctx  # made by pyld in this process
        native = self._native.get(id(ctx))
        if native is None:
            processor, options = self._pyld_state()
            origin = self._origin[id(ctx)]
            if origin is None:
                native = processor._get_initial_context(options)
            else:
                parent, local, propagate, override = origin
                native = processor._process_context(
                    self._native_of(parent),
                    local,
                    options,
                    override_protected=override,
                    propagate=propagate,
                )
            native = self._native.setdefault(id(ctx), native)
        return native

    # -- context processing, once per (active context, applied context) -----------------------

    def _process(
        self,
        active: Any,
        local: Any,
        key: Any,
        *,
        propagate: bool = True,
        override_protected: bool = False,
    ) -> Any:
        memo_key = (id(active), key, propagate, override_protected)
        hit = self._contexts.get(memo_key)
        if hit is not None:
            return hit[2]
        if len(self._contexts) >= _MAX_CONTEXTS:
            raise Fallback("context_cache_full")
        processor, options = self._pyld_state()
        with PYLD_LOCK:
            result = processor._process_context(
                self._native_of(active),
                local,
                options,
                override_protected=override_protected,
                propagate=propagate,
            )
        # setdefault: two threads that raced here both go on with the one context kept, so no
        # id used as a key can belong to a context that was dropped (and its id reused).
        return self._contexts.setdefault(memo_key, (active, local, result))[2]

    def _scoped(self, active: Any, local: Any, **flags: bool) -> Any:
        if not self._by_content:
            # An object inside a kept active context: its identity is stable.
            return self._process(active, local, ("scoped", id(local)), **flags)
        known = self._local_keys.get(id(local))
        if known is None:
            known = self._local_keys.setdefault(id(local), (local, _content_key(local)))
        return self._process(active, local, ("scoped", known[1]), **flags)

    def _document_context(self, active: Any, local: Any) -> Any:
        urls = tuple(_arrayify(local))
        # Exactly str: the URLs are kept in a memo key (see weight()).
        if not urls or not all(type(u) is str for u in urls):
            raise Fallback("inline_context")
        return self._process(active, list(urls), ("urls", *urls))

    # -- IRI expansion and term facts, remembered per active context -------------------------

    def _t(self, ctx: Any) -> _Tables:
        tables = self._tables.get(id(ctx))
        if tables is None:
            tables = self._tables.setdefault(id(ctx), _Tables(ctx))
        return tables

    def _remember(self, table: dict[Any, Any], key: Any, value: Any) -> Any:
        """Keep ``value`` under ``key`` in one of the tables (see :func:`weight`); a key
        longer than any vocabulary term (a long id) is not kept, so that documents full of
        them cannot keep flushing what ordinary documents reuse."""
        cost = weight(key)
        if cost > _MAX_KEPT_WEIGHT:
            return value
        self._entries += cost
        if self._entries >= _MAX_MEMO:
            # Keys come from documents: bound what they can make us keep. Every table goes
            # (a walk holding one goes on with it; the next document starts afresh).
            for tables in self._tables.values():
                # skillpass._fused's entries hold tables (often their own): cycles, which the
                # garbage collector would free late, with the document text they keep.
                tables.typed.clear()
                tables.entries.clear()
            self._tables = {}
            self._entries = 0
        table[key] = value
        return value

    def _vocab(self, ctx: Any, value: Any) -> Any:
        """pyld's ``_expand_iri(ctx, value, vocab=True)``, remembered per context."""
        if value is None:
            return None
        table = self._t(ctx).vocab
        try:
            return table[value]
        except KeyError:
            pass
        except TypeError:
            raise Fallback("unhashable_iri") from None
        expanded = None
        if isinstance(value, str) and value[:1] != "@" and value in ctx["mappings"]:
            mapping = ctx["mappings"][value]
            expanded = None if mapping is None else mapping["@id"]
        else:
            expanded = expand_iri(ctx, value, vocab=True)
        return self._remember(table, value, expanded)

    def _id(self, ctx: Any, value: str) -> Any:
        """pyld's ``_expand_iri(ctx, value)`` with no base, remembered per context."""
        table = self._t(ctx).ids
        hit = table.get(value, _MISSING)
        if hit is not _MISSING:
            return hit
        return self._remember(table, value, expand_iri(ctx, value, vocab=False))

    def _key(self, ctx: Any, key: str) -> tuple[Any, bool]:
        """A property's expansion in ``ctx`` and whether it is a keyword."""
        expanded = self._vocab(ctx, key)
        is_keyword = _is_keyword(expanded)
        if expanded is None or not (is_keyword or _ABSOLUTE_IRI.match(expanded)):
            raise DroppedTerm(expanded)
        return expanded, is_keyword

    def _value_shape(self, ctx: Any, prop: Any) -> tuple[bool, bool, Any, Any, Any]:
        """What expanding a scalar reads about ``prop``: @graph?, keyword?, @type, @language,
        @direction."""
        table = self._t(ctx).shapes
        hit = table.get(prop)
        if hit is not None:
            return hit
        expanded = self._vocab(ctx, prop)
        shape = (
            expanded == "@graph",
            _is_keyword(expanded),
            self._term(ctx, prop, "@type"),
            self._term(ctx, prop, "@language"),
            self._term(ctx, prop, "@direction"),
        )
        return self._remember(table, prop, shape)  # type: ignore[no-any-return]

    def _prop(self, ctx: Any, prop: Any) -> tuple[Any, Any, bool]:
        """An active property's expansion, scoped context, and whether it is an @list container."""
        table = self._t(ctx).props
        hit = table.get(prop)
        if hit is not None:
            return hit
        info = (
            self._vocab(ctx, prop),
            self._term(ctx, prop, "@context"),
            "@list" in _arrayify(self._term(ctx, prop, "@container")),
        )
        return self._remember(table, prop, info)  # type: ignore[no-any-return]

    def _type_aliases(self, tables: _Tables) -> frozenset[str]:
        """The keys that expand to ``@type`` in the tables' context."""
        if tables.aliases is None:
            mappings = tables.ctx["mappings"]
            tables.aliases = frozenset(
                [term for term, m in mappings.items() if m is not None and m["@id"] == "@type"]
                + ["@type"]
            )
        return tables.aliases

    def _plan(self, ctx: Any, key: str) -> _Plan:
        """How a node's property expands in ``ctx``: its IRI, whether a keyword, the context
        for its value, @list, @graph wrapping, a map container, @json, and what expanding a
        scalar value reads (see :meth:`_value_shape`). Raises :class:`DroppedTerm` for an
        undefined term, as pyld's drop callback would."""
        table = self._t(ctx).plans
        hit = table.get(key)
        if hit is not None:
            return hit
        expanded, is_keyword = self._key(ctx, key)
        mapping = None if is_keyword else ctx["mappings"].get(key)
        term_ctx = ctx
        if mapping is not None and mapping.get("@context") is not None:
            term_ctx = self._scoped(
                ctx, mapping["@context"], propagate=True, override_protected=True
            )
        container = _arrayify(mapping.get("@container")) if mapping is not None else [None]
        if mapping is not None and mapping.get("reverse"):
            raise Fallback("reverse_property")
        plan = (
            expanded,
            is_keyword,
            term_ctx,
            "@list" in container,
            "@graph" in container and "@id" not in container and "@index" not in container,
            any(c in container for c in _UNSUPPORTED_CONTAINERS),
            mapping is not None and mapping.get("@type") == "@json",
            None if is_keyword else self._value_shape(term_ctx, key),
        )
        return self._remember(table, key, plan)  # type: ignore[no-any-return]

    @staticmethod
    def _term(ctx: Any, key: Any, entry: str) -> Any:
        """pyld's ``get_context_value`` (the context's default language and direction apply)."""
        if key is None:
            return None
        value = ctx.get(entry) if entry in ("@language", "@direction") else None
        mappings = ctx["mappings"]
        if key in mappings:
            mapping = mappings[key]
            if mapping is None:
                return None
            if entry in mapping:
                value = mapping[entry]
        return value

    # -- expansion ------------------------------------------------------------------------------

    def expand(self, doc: dict[str, Any]) -> list[Any]:
        expanded = self._expand(self.initial, None, doc, False, None)
        if isinstance(expanded, dict) and "@graph" in expanded and len(expanded) == 1:
            raise Fallback("top_level_graph")
        if expanded is None:
            return []
        return _arrayify(expanded)

    def _expand(
        self, ctx: Any, prop: Any, element: Any, inside_list: bool, type_scoped: Any
    ) -> Any:
        if isinstance(element, list):
            inside_list = inside_list or self._prop(ctx, prop)[2]
            out = []
            for item in element:
                if isinstance(item, list):
                    raise Fallback("nested_array")
                value = self._expand(ctx, prop, item, inside_list, type_scoped)
                if isinstance(value, list):
                    raise Fallback("set_object")
                if value is not None:
                    out.append(value)
            return out
        if not isinstance(element, dict):
            if element is None or (prop is None and not inside_list):
                return None  # a free-floating scalar
            return self._value(ctx, prop, element, inside_list)

        expanded_prop, property_scoped, _ = self._prop(ctx, prop)
        keys = sorted(element)
        if not type_scoped and ctx.get("previousContext"):
            type_scoped = ctx
        must_revert = True
        if type_scoped and len(element) <= 2 and "@context" not in element:
            for key in keys:
                expanded_key = self._vocab(type_scoped, key)
                if expanded_key == "@value":
                    raise Fallback("value_object")
                if expanded_key == "@id" and len(element) == 1:
                    must_revert = False  # a node reference keeps the type-scoped context
                    break
        if must_revert and "previousContext" in ctx:
            ctx = ctx["previousContext"]
        if property_scoped is not None:
            ctx = self._scoped(ctx, property_scoped, override_protected=True)

        # pyld's _prepare_nested_context: the node's own @context, then type-scoped contexts.
        if "@context" in element:
            ctx = self._document_context(ctx, element["@context"])
        type_scoped = ctx
        type_key = None
        type_aliases = self._type_aliases(self._t(ctx))
        for key in keys:
            if key not in type_aliases:
                continue
            type_key = type_key or key
            types = [t for t in _arrayify(element[key]) if isinstance(t, str)]
            for type_ in sorted(types):
                scoped = self._term(type_scoped, type_, "@context")
                if scoped is not None and scoped is not False:
                    ctx = self._scoped(ctx, scoped, propagate=False)

        node: dict[str, Any] = {}
        self._expand_object(ctx, expanded_prop, element, keys, node, type_key, type_scoped)
        count = len(node)
        if "@type" in node and not isinstance(node["@type"], list):
            node["@type"] = [node["@type"]]
        free_floating = not inside_list and (prop is None or expanded_prop == "@graph")
        if free_floating and (count == 0 or (count == 1 and "@id" in node)):
            return None
        return node

    def _expand_object(
        self,
        ctx: Any,
        expanded_prop: Any,
        element: dict[str, Any],
        keys: list[str],
        node: dict[str, Any],
        type_key: Any,
        type_scoped: Any,
    ) -> None:
        if type_key in element:
            first = element[type_key]
            if first and isinstance(first, list):
                first = first[0]
            if isinstance(first, str) and self._vocab(ctx, first) == "@json":
                raise Fallback("json_type_node")
        plans = self._t(ctx).plans
        for key in keys:
            if key == "@context":
                continue
            value = element[key]
            plan = plans.get(key)
            if plan is None:
                plan = self._plan(ctx, key)
            expanded, is_keyword, term_ctx, has_list, graph_wrap, map_container, is_json, shape = (
                plan
            )
            if is_keyword:
                if expanded_prop == "@reverse" or expanded in node:
                    raise Fallback("keyword_collision")
                if expanded == "@id":
                    if not isinstance(value, str):
                        raise Fallback("id_not_a_string")
                    node["@id"] = self._id(ctx, value)
                elif expanded == "@type":
                    types = _arrayify(value)
                    if not types or not all(isinstance(t, str) and t[:1] != "@" for t in types):
                        raise Fallback("unusual_type")
                    expanded_types = [self._vocab(type_scoped, t) for t in types]
                    if None in expanded_types:
                        raise Fallback("unusual_type")
                    node["@type"] = expanded_types
                else:
                    raise Fallback(f"keyword:{expanded}")
                continue
            if map_container and isinstance(value, dict):
                raise Fallback("map_container")
            if is_json:
                # pyld expands a deep copy of the input; so must we.
                result: Any = {"@type": "@json", "@value": copy.deepcopy(value)}
            elif isinstance(value, (str, int, float)):
                result = self._scalar(term_ctx, shape, value, False)  # _expand's scalar branch
            else:
                result = self._expand(term_ctx, key, value, False, None)
            if result is None:
                continue
            if has_list and not (isinstance(result, dict) and "@list" in result):
                result = {"@list": _arrayify(result)}
            if graph_wrap:
                result = [{"@graph": [v]} for v in _arrayify(result)]
            # pyld's add_value with propertyIsArray: duplicates kept, arrays flattened.
            values = node.get(expanded)
            if values is None:
                values = node[expanded] = []
            if isinstance(result, list):
                values.extend(result)
            else:
                values.append(result)

    def _value(self, ctx: Any, prop: Any, value: Any, inside_list: bool) -> Any:
        """pyld's scalar branch of ``_expand``, then ``_expand_value``."""
        return self._scalar(ctx, self._value_shape(ctx, prop), value, inside_list)

    def _scalar(
        self, ctx: Any, shape: tuple[bool, bool, Any, Any, Any], value: Any, inside_list: bool
    ) -> Any:
        is_graph, is_keyword, type_, language, direction = shape
        if is_graph and not inside_list:
            return None  # a free-floating scalar
        if is_keyword:
            raise Fallback("keyword_value")
        if isinstance(value, str):
            if type_ == "@id":
                return {"@id": self._id(ctx, value)}
            if type_ == "@vocab":
                return {"@id": self._vocab(ctx, value)}
        result: dict[str, Any] = {}
        if type_ is not None and type_ not in ("@id", "@vocab", "@none"):
            result["@type"] = type_
        elif isinstance(value, str):
            if language is not None:
                result["@language"] = language
            if direction is not None:
                result["@direction"] = direction
        if not isinstance(value, (bool, int, float, str)):
            raise Fallback("unusual_scalar")
        result["@value"] = value
        return result


_ENGINES: dict[bool, _Engine] = {}


def _engine(allow_test_contexts: bool) -> _Engine:
    engine = _ENGINES.get(allow_test_contexts)
    if engine is None:
        engine = _ENGINES.setdefault(allow_test_contexts, _Engine(allow_test_contexts))
    return engine


def _is_pyld_error(exc: Exception) -> bool:
    jsonld = sys.modules.get("pyld.jsonld")  # only pyld raises these, so it is loaded then
    return jsonld is not None and isinstance(exc, jsonld.JsonLdError)


def expand(doc: dict[str, Any], *, allow_test_contexts: bool) -> list[Any]:
    """pyld's expansion of ``doc`` (same output), or :class:`Fallback`, or :class:`DroppedTerm`.

    The document must have passed the JSON-level safety rules.
    """
    try:
        return _engine(allow_test_contexts).expand(doc)
    except (Fallback, DroppedTerm):
        raise
    except RecursionError:
        raise Fallback("recursion") from None
    except Exception as exc:
        if _is_pyld_error(exc):
            raise Fallback("jsonld_error") from None
        raise


def build_snapshot(documents: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The processed-contexts file: every context pyld computes expanding ``documents``
    (under the permissive policy), as JSON data. Used by ``tools/processed_contexts.py``."""
    engine = _Engine(True, snapshot=False)
    for doc in documents:
        with contextlib.suppress(Fallback, DroppedTerm):
            engine.expand(doc)
    index = {id(engine.initial): 0}
    contexts = [engine.initial]
    scoped: list[Any] = []
    scoped_numbers: dict[str, int] = {}

    def scoped_number(local: Any) -> int:
        text = _content_key(local)
        if text not in scoped_numbers:
            scoped_numbers[text] = len(scoped)
            scoped.append(_plain(local))
        return scoped_numbers[text]

    edges = []
    for key, (parent, local, child) in engine._contexts.items():
        if id(child) not in index:
            index[id(child)] = len(contexts)
            contexts.append(child)
        kind = key[1][0]
        applied = _plain(local) if kind == "urls" else scoped_number(local)
        edges.append([index[id(parent)], kind, applied, key[2], key[3], index[id(child)]])
    definitions: list[Any] = []
    numbers: dict[str, int] = {}

    def number(definition: Any) -> int | None:
        if definition is None:
            return None
        text = _content_key(definition)
        if text not in numbers:
            numbers[text] = len(definitions)
            plain = _plain(definition)
            if "@context" in plain:
                plain["@context"] = scoped_number(definition["@context"])
            definitions.append(plain)
        return numbers[text]

    out = []
    for ctx in contexts:
        item: dict[str, Any] = {
            k: _plain(v)
            for k, v in ctx.items()
            if k not in ("mappings", "previousContext", "_uuid")
        }
        item["mappings"] = {term: number(d) for term, d in ctx["mappings"].items()}
        if "previousContext" in ctx:
            previous = ctx["previousContext"]
            item["previousContext"] = None if previous is None else index[id(previous)]
        out.append(item)
    return {
        "about": "JSON-LD active contexts processed by pyld; regenerate with "
        "tools/processed_contexts.py, never edit",
        "format": _SNAPSHOT_FORMAT,
        "pinned": _pinned_digests(),
        "scoped": scoped,
        "definitions": definitions,
        "contexts": out,
        "edges": edges,
    }
