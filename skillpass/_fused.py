"""The safety rules and the fast expansion in one pass over a document (not public API).

:func:`skillpass._canon.check_and_expand` applies three sets of rules in turn: the JSON-level
rules (a walk over the JSON), the expansion (``_fastld``, a second walk) and the expanded-form
rules (a third walk, over the expanded form). Each walk costs about as much as the others, and
together they were most of an ``eddsa-jcs-2022`` verification. :func:`run` does all three in
the expansion's walk: the JSON-level rules as each value is met, the expanded-form rules as each
node object, value object and node reference is made. Rules about one node (duplicate values, a
subject described twice) run when the node is complete. What depends only on the active
context and on names (never on a document's values) is worked out once and kept in
``_fastld``'s per-context tables: a key's member plan (its IRI, how its scalars read, whether
the key is defined), a node's layout (its members in sorted order, whether each IRI is the
member's alone), how a node with given keys and context URLs is entered, and what a node's
types make of its context and of the type rules. Strings and budgets, which are the
document's, are checked every time. Those tables are bounded (``_fastld.weight``), and keep
nothing keyed by a long string or a str subclass.

The pass only ever *accepts*. Whatever it cannot accept (a broken rule, a document the fast
expansion was not built for, anything unexpected) raises :class:`Unsure`, and the caller runs
the three walks as before: they decide, and they report the error with its code and JSON
pointer exactly as they always have. So for every document the outcome is the reference's
outcome; differential tests (``tests/skillpass/test_fused.py``) hold the pass to that on
generated documents, and the expanded form it returns to ``_fastld``'s (and so to pyld's).

The per-graph sets of statements and of value counts that the expanded-form rules keep are
replaced here by checks within each node: a subject with properties may be described only once
per graph (``ambiguous_value``), so two statements about one subject can only meet inside one
node.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from . import _canon, _fastld
from ._canon import Limits

__all__ = ["Unsure", "run", "unsure_counts"]

_XSD_BOOLEAN = _canon._XSD_BOOLEAN
_XSD_INTEGER = _canon._XSD_INTEGER
_XSD_NUMERIC = _canon._XSD_NUMERIC
_IRI = _canon._IRI
_LANGUAGE = _canon._LANGUAGE
_GOOD_IRIS = _canon._GOOD_IRIS
_MAX_SAFE_INT = _canon._MAX_SAFE_INT
_I18N = "https://www.w3.org/ns/i18n#"

# What the expanded-form rules allow as the JSON value of a literal typed with a datatype: the
# kind of each datatype IRI met so far (they come from the pinned contexts, so few).
_ANY, _BOOL, _INT, _NUMBER, _STR, _REFUSED = range(6)
# How a member is read (see _Pass.member_plan): a scalar member as a plain literal, a node
# reference, a typed literal, or by _Engine._scalar; anything else by the general path.
_PLAIN, _ID, _TYPED, _SCALAR, _KEYWORD, _COMPLEX = range(6)
_KINDS: dict[str, int] = {"@json": _ANY}
_MAX_KINDS = 4096

_UNSURE: Counter[str] = Counter()
_NONE = object()
_EXACT_STR = frozenset([str])


class Unsure(Exception):  # noqa: N818 - a signal, not an error
    """The pass does not accept this document: run the rules one after another."""


def unsure_counts() -> dict[str, int]:
    """How many documents the pass handed back, by reason (read by ``bench/`` and tests)."""
    return dict(_UNSURE)


def run(
    doc: Any,
    *,
    allow_test_contexts: bool,
    limits: Limits,
    skip_proof: bool,
    proof_context_ok: bool = True,
) -> tuple[list[Any], bool]:
    """``check_json(doc)`` and ``check_and_expand`` of ``doc`` (without its top-level
    ``proof`` when ``skip_proof``: the unsecured document) in one pass.

    Returns the expanded form and whether the document is JCS-plain (see ``check_json``);
    raises :class:`Unsure` where the reference walks must decide.
    """
    walk = _Pass(_fastld._engine(allow_test_contexts), limits, allow_test_contexts)
    walk.proof_context_ok = proof_context_ok
    walk.skip_proof = skip_proof
    try:
        expanded = walk.document(doc)
    except Unsure as exc:
        _UNSURE[str(exc)] += 1
        raise
    except Exception as exc:  # a rule, a fallback, or a surprise: the reference decides
        reason = getattr(exc, "code", None) or getattr(exc, "reason", None) or type(exc).__name__
        _UNSURE[str(reason)] += 1
        raise Unsure(str(reason)) from None
    return expanded, walk.plain[0]


def _datatype_kind(datatype: Any) -> int:
    kind = _KINDS.get(datatype)
    if kind is not None:
        return kind
    if type(datatype) is not str:
        return _REFUSED
    if datatype.startswith(_I18N) or datatype.startswith("_:") or not _IRI.match(datatype):
        kind = _REFUSED
    elif datatype in _XSD_BOOLEAN:
        kind = _BOOL
    elif datatype in _XSD_INTEGER:
        kind = _INT
    elif datatype in _XSD_NUMERIC:
        kind = _NUMBER
    else:
        kind = _STR
    if len(_KINDS) >= _MAX_KINDS:
        _KINDS.clear()
        _KINDS["@json"] = _ANY
    _KINDS[datatype] = kind
    return kind


def _good_iri(value: Any) -> bool:
    """The expanded-form rules' IRI check (``_ExpandedChecker.iri``) as a yes or no."""
    if type(value) is not str:
        return False
    if value in _GOOD_IRIS:
        return True
    if value.startswith("_:") or not _IRI.match(value):
        return False
    _canon.remember_good_iri(value)
    return True


class _Pass:
    """One document's walk: the budgets of the JSON-level rules, the blank-node count and the
    subjects described in the current graph."""

    __slots__ = (
        *("_subtree", "allow", "blank_left", "budget", "described", "e", "limits"),
        *("max_depth", "max_per_property", "plain", "proof_context_ok", "skip_proof"),
    )

    def __init__(self, engine: Any, limits: Limits, allow_test_contexts: bool) -> None:
        self.e = engine
        self.limits = limits
        self.allow = allow_test_contexts
        self.proof_context_ok = True
        self.skip_proof = False
        # As _canon's JSON walk keeps them: characters, values, node-map merge work.
        self.budget = [limits.max_bytes, limits.max_values, 0]
        self.plain = [True]
        self.max_depth = limits.max_depth
        self.max_per_property = limits.max_values_per_property
        self.blank_left = limits.max_blank_nodes
        self.described: set[str] = set()
        self._subtree: Any = None

    # -- the JSON-level rules where the expansion does not go -----------------------------------

    def subtree(self, value: Any, depth: int, context_ok: bool, in_context: bool) -> None:
        """``check_json``'s walk of a value the expansion does not read (the document's proof,
        an ``@context``, a ``@json`` value), with this document's budgets."""
        if self._subtree is None:
            self._subtree = _canon._fast_walker(
                self.allow, self.limits, self.proof_context_ok, self.budget, self.plain
            )
        self._subtree(value, depth, context_ok, in_context)

    def string(self, value: str, depth: int) -> None:
        budget = self.budget
        budget[1] -= 1
        if budget[1] < 0:
            raise Unsure("document_too_large")
        if depth > self.max_depth:
            raise Unsure("document_too_deep")
        if not value.isascii():
            _canon._check_text(value, "")
        budget[0] -= len(value)
        if budget[0] < 0:
            raise Unsure("document_too_large")

    def number(self, value: Any, kind: type) -> None:
        """The JSON-level rules of a number or boolean (``kind``: its exact type); anything
        else (null, a subclass of a JSON type) is unsure. The caller counts the value."""
        if kind is int:
            if value > _MAX_SAFE_INT or value < -_MAX_SAFE_INT:
                raise Unsure("unsafe_integer")
        elif kind is float:
            _canon._check_float(value, "")
            self.plain[0] = False
        elif kind is not bool:
            raise Unsure("not_plain_json")

    def array(self, value: list[Any], depth: int) -> None:
        budget = self.budget
        budget[1] -= 1
        if budget[1] < 0:
            raise Unsure("document_too_large")
        if depth + 1 > self.max_depth:
            # check_json counts each item one level below its array, and an array is never
            # empty: so an array at the limit is too deep (items() does not check numbers).
            # Written as check_json compares: a limit may be fractional.
            raise Unsure("document_too_deep")
        n = len(value)
        if not n:
            raise Unsure("empty_array")
        if n > self.max_per_property:
            raise Unsure("too_many_values")
        budget[2] += n * (n - 1) // 2
        if budget[2] > self.limits.max_node_map_work:
            raise Unsure("too_many_values")

    # -- expansion (``_fastld._Engine``'s walk, step for step) with the rules --------------------

    def document(self, doc: Any) -> list[Any]:
        if type(doc) is not dict:
            raise Unsure("not_an_object")
        if "@context" not in doc:
            raise Unsure("missing_context")  # entry() checks the document's contexts
        if self.max_per_property < 1:
            # (A fractional limit.) The expanded-form rules count every property's values,
            # one value too; the pass counts only those of properties given several.
            raise Unsure("too_many_values")
        self.budget[1] -= 1
        initial = self.e.initial
        node = self.node(initial, None, doc, False, 0, True, self.e._prop(initial, None))
        # check_json's bound on inline scoped contexts. The expansion took only context URLs,
        # so only the proofs it did not expand can hold an inline context.
        proofs = doc.get("proof") if self.skip_proof else None
        if proofs is not None and not all(
            type(p) is dict
            and (
                type(local := p.get("@context")) is str
                or local is None
                or (type(local) is list and all(type(url) is str for url in local))
            )
            for p in (proofs if type(proofs) is list else [proofs])
        ):
            _canon._check_scoped_work(doc)
        if node is None:
            return []
        if "@graph" in node and len(node) == 1:
            raise Unsure("top_level_graph")
        return [node]

    def node(
        self,
        ctx: Any,
        prop: Any,
        element: dict[str, Any],
        inside_list: bool,
        depth: int,
        context_ok: bool,
        info: tuple[Any, Any, bool],
    ) -> dict[str, Any] | None:
        """``_Engine._expand`` of a JSON object, and the rules of a node object (``info``:
        ``_Engine._prop(ctx, prop)``)."""
        e = self.e
        if depth:  # the document's own value was counted by document()
            budget = self.budget
            budget[1] -= 1
            if budget[1] < 0:
                raise Unsure("document_too_large")
            if depth > self.max_depth:
                raise Unsure("document_too_deep")
        shape = tuple(element)  # the node's keys
        if not _EXACT_STR.issuperset(map(type, shape)):
            # A key that is not exactly a str: check_json's full walk takes it (and calls the
            # document not JCS-plain); the plans kept for the equal str would not see it.
            raise Unsure("invalid_key")
        memo_key: Any = (prop, shape)
        local = element.get("@context", _NONE)
        if local is not _NONE:
            # Context URLs are part of how a node is entered: kept by their values.
            if not context_ok:
                raise Unsure("keyword_not_allowed")
            if type(local) is list and _EXACT_STR.issuperset(map(type, local)):
                memo_key = (*memo_key, tuple(local))
            elif type(local) is str:
                memo_key = (*memo_key, local)
            else:
                memo_key = None  # anything else is not kept (and goes to pyld)
        entry = e._t(ctx).entries.get(memo_key) if memo_key is not None else None
        if entry is None:
            entry = self.entry(ctx, element, info, depth, memo_key)
        expanded_prop, ctx, tables, keys, type_keys, context_facts = entry
        if context_facts is not None:
            # The JSON-level rules of the node's context URLs, with this document's budgets.
            count, chars, n = context_facts
            budget = self.budget
            budget[1] -= count
            budget[0] -= chars
            if n:  # an array of n URLs, a level further down
                if n > self.max_per_property or depth + 2 > self.max_depth:
                    raise Unsure("too_many_values")
                budget[2] += n * (n - 1) // 2
                if budget[2] > self.limits.max_node_map_work:
                    raise Unsure("too_many_values")
        type_scoped = ctx
        typed: Any = None
        if len(type_keys) == 1:
            # The context the node's types give it, worked out once per context and types.
            types = element[type_keys[0]]
            if type(types) is str:
                memo_key = (type_keys[0], types)
            elif type(types) is list and _EXACT_STR.issuperset(map(type, types)):
                memo_key = (type_keys[0], tuple(types))
            else:
                memo_key = None
            if memo_key is not None:
                typed = tables.typed.get(memo_key)
        else:
            memo_key = None
        if typed is None:
            type_key = None
            for key in type_keys:
                type_key = type_key or key
                types = [t for t in _fastld._arrayify(element[key]) if isinstance(t, str)]
                for type_ in sorted(types):
                    scoped = e._term(type_scoped, type_, "@context")
                    if scoped is not None and scoped is not False:
                        ctx = e._scoped(ctx, scoped, propagate=False)
            first = element[type_key] if type_key is not None else None
            if first and isinstance(first, list):
                first = first[0]
            # _Engine._expand_object: a node whose (first) type is @json is left to pyld.
            json_node = isinstance(first, str) and e._vocab(ctx, first) == "@json"
            typed = (type_key, ctx, e._t(ctx), None, json_node)
            if memo_key is not None:
                facts = self.type_facts(type_scoped, memo_key[1])
                typed = (type_key, ctx, typed[2], facts, json_node)
                e._remember(tables.typed, memo_key, typed)
        type_key, ctx, tables, type_facts, json_node = typed
        if json_node:
            raise Unsure("json_type_node")
        node: dict[str, Any] = {}
        multi: list[Any] = []
        self.members(
            ctx,
            tables,
            expanded_prop,
            element,
            keys,
            node,
            type_key,
            type_scoped,
            depth,
            context_ok,
            type_facts,
            multi,
            shape,
        )
        if "@type" in node and not isinstance(node["@type"], list):
            node["@type"] = [node["@type"]]
        budget = self.budget
        if budget[0] < 0 or budget[1] < 0:
            raise Unsure("document_too_large")  # members() spends without looking
        if not inside_list and (prop is None or expanded_prop == "@graph"):
            count = len(node)
            if count == 0 or (count == 1 and "@id" in node):
                return None  # free-floating: not in the expanded form, so not checked
        self.check_node(node, multi, type_facts is not None)
        return node

    def graph_node(
        self,
        ctx: Any,
        prop: Any,
        element: dict[str, Any],
        inside_list: bool,
        depth: int,
        context_ok: bool,
        info: tuple[Any, Any, bool],
    ) -> dict[str, Any] | None:
        """:meth:`node` for an object that becomes a named graph of its own: the subjects
        described there are counted apart from the enclosing graph's."""
        outer, self.described = self.described, set()
        try:
            return self.node(ctx, prop, element, inside_list, depth, context_ok, info)
        finally:
            self.described = outer

    def entry(
        self,
        ctx: Any,
        element: dict[str, Any],
        info: tuple[Any, Any, bool],
        depth: int,
        memo_key: Any,
    ) -> tuple[Any, ...]:
        """How a node is entered (``_Engine._expand`` up to its types): the property's IRI, the
        context after reverting a type-scoped one and applying the property's own and the
        node's, its tables, its keys sorted and those among them that alias ``@type``, and
        what the JSON-level rules count for the node's context URLs. Kept under ``memo_key``
        (the property, the node's keys and its context URLs; None: not kept)."""
        e = self.e
        if "@value" in element:
            raise Unsure("value_object")  # the expansion leaves these to pyld
        expanded_prop, property_scoped, _ = info
        # A node is expanded with no type-scoped context of its parent's (the callers pass
        # none), so the one to revert is the active context's own.
        type_scoped = ctx if ctx.get("previousContext") else None
        must_revert = True
        if type_scoped and len(element) <= 2 and "@context" not in element:
            for key in sorted(element):
                expanded_key = e._vocab(type_scoped, key)
                if expanded_key == "@value":
                    raise Unsure("value_object")
                if expanded_key == "@id" and len(element) == 1:
                    must_revert = False
                    break
        ctx_after = ctx["previousContext"] if must_revert and "previousContext" in ctx else ctx
        if property_scoped is not None:
            ctx_after = e._scoped(ctx_after, property_scoped, override_protected=True)
        context_facts = None
        if "@context" in element:
            local = element["@context"]
            _canon._check_contexts(local, self.allow)
            if memo_key is None:
                self.subtree(local, depth + 1, False, True)
            else:  # URL strings (_check_contexts refused the empty array, and any non-URL)
                urls = local if type(local) is list else [local]
                for url in urls:
                    if not url.isascii():
                        _canon._check_text(url, "")
                n = len(local) if type(local) is list else 0
                context_facts = (len(urls) + (n > 0), sum(map(len, urls)), n)
            ctx_after = e._document_context(ctx_after, local)
        tables = e._t(ctx_after)
        keys = sorted(element)
        type_aliases = tables.aliases or e._type_aliases(tables)
        type_keys = [k for k in keys if k in type_aliases]
        entry = (expanded_prop, ctx_after, tables, keys, type_keys, context_facts)
        if memo_key is not None:
            e._remember(e._t(ctx).entries, memo_key, entry)
        return entry

    def type_facts(self, ctx: Any, types: str | tuple[str, ...]) -> tuple[Any, ...] | None:
        """What the rules make of a node's types written as ``types`` in ``ctx``, once: their
        IRIs (when every rule on them holds), how many JSON values and characters they are,
        and whether they are an array; None when keyword() must decide."""
        items = (types,) if type(types) is str else types
        if not items or not all(t.isascii() and t[:1] != "@" for t in items):
            return None
        iris = [self.e._vocab(ctx, t) for t in items]
        if not all(_good_iri(iri) for iri in iris) or len(set(iris)) != len(iris):
            return None
        is_list = type(types) is not str
        count = len(items) + is_list
        return iris, count, sum(map(len, items)), is_list, len(items)

    def layout(
        self, tables: Any, ctx: Any, keys: list[str], skip: bool, layout_key: Any
    ) -> tuple[Any, ...]:
        """A node's members in ``ctx``, for its sorted ``keys``, worked out once: each key
        with its member plan (``@context`` and a skipped ``proof`` aside), the characters the
        keys count, whether all are ASCII, and whether a proof is skipped."""
        entries = []
        chars = 0
        has_proof = False
        ascii_keys = True
        for key in keys:
            if key == "@context":
                chars += 8
                continue
            if skip and key == "proof":
                has_proof = True
                chars += 5
                continue
            member = tables.members.get(key)
            if member is None:
                member = self.member_plan(tables, ctx, key)
            chars += len(key)
            ascii_keys = ascii_keys and key.isascii()
            entries.append((key, member))
        # A property no other key of the node expands to gets its value list at once.
        iris = [member[0] for _, member in entries if member[1] != _KEYWORD]
        flat = tuple(
            (key, member[0], member[1], iris.count(member[0]) == 1, member)
            for key, member in entries
        )
        layout = (flat, chars, ascii_keys, has_proof)
        self.e._remember(tables.layouts, layout_key, layout)
        return layout

    def member_plan(self, tables: Any, ctx: Any, key: Any) -> tuple[Any, ...]:
        """How a member ``key`` of a node in ``ctx`` is read: ``_Engine._plan`` and what the
        rules decide from the key alone (kept per context, as the plans are)."""
        if type(key) is not str:
            raise Unsure("invalid_key")
        if key[:1] == "@":
            raise Unsure("keyword_not_allowed")  # only @context, which members() skips
        if not key.isascii():
            _canon._check_text(key, "")  # a lone surrogate: refused (and no plan kept)
        e = self.e
        plan = tables.plans.get(key)
        if plan is None:
            plan = e._plan(ctx, key)
        expanded, is_keyword, term_ctx, has_list, graph_wrap, map_container, is_json, shape = plan
        datatype = None
        rule = _ANY
        if is_keyword:
            mode = _KEYWORD
        elif has_list or graph_wrap or map_container or is_json:
            mode = _COMPLEX
        else:
            is_graph, keyword_value, type_, language, direction = shape
            if is_graph or keyword_value:
                mode = _COMPLEX  # a scalar there may be dropped (None): the general path
            elif type_ == "@id":
                mode = _ID if language is None and direction is None else _SCALAR
            elif type_ is not None and type_ not in ("@vocab", "@none"):
                mode, datatype, rule = _TYPED, type_, _datatype_kind(type_)
            elif type_ is None and language is None and direction is None:
                mode = _PLAIN
            else:
                mode = _SCALAR
        if not is_keyword and not _good_iri(expanded):
            raise Unsure("invalid_iri")
        info = None if is_keyword else e._prop(term_ctx, key)
        member = (expanded, mode, term_ctx, datatype, rule, plan, info)
        e._remember(tables.members, key, member)
        return member

    def members(
        self,
        ctx: Any,
        tables: Any,
        expanded_prop: Any,
        element: dict[str, Any],
        keys: list[str],
        node: dict[str, Any],
        type_key: Any,
        type_scoped: Any,
        depth: int,
        context_ok: bool,
        type_facts: tuple[Any, ...] | None,
        multi: list[Any],
        shape: tuple[Any, ...],
    ) -> None:
        """``_Engine._expand_object`` with the JSON-level rules of each member (``multi``
        collects the properties that get more than one value)."""
        e = self.e
        budget = self.budget
        child = depth + 1
        if child > self.max_depth:
            raise Unsure("document_too_deep")  # every member is a value at that depth
        skip = not depth and self.skip_proof
        layout_key = (None, shape) if skip else shape
        layout = tables.layouts.get(layout_key)
        if layout is None:
            layout = self.layout(tables, ctx, keys, skip, layout_key)
        entries, key_chars, ascii_keys, has_proof = layout
        if not ascii_keys:
            self.plain[0] = False  # RFC 8785 sorts keys by UTF-16 units, Python by code points
        if has_proof:
            # Not part of the unsecured document: the JSON-level rules only.
            self.subtree(element["proof"], child, self.proof_context_ok, False)
        # The scalars' values and characters, spent at the end (the node's caller looks).
        scalars = 0
        chars = key_chars
        scalar = _SCALAR
        for key, expanded, mode, unique, member in entries:
            value = element[key]
            kind = type(value)
            result: Any
            if kind is str and mode <= scalar:
                # A string member (most are): the JSON rules, then _Engine._scalar.
                if not value.isascii():
                    _canon._check_text(value, "")
                chars += len(value)
                if mode == _PLAIN:
                    result = {"@value": value}
                elif mode == _ID:
                    iri = e._id(member[2], value)
                    if not _good_iri(iri):
                        raise Unsure("invalid_iri")
                    result = {"@id": iri}
                elif mode == _TYPED:
                    rule = member[4]
                    if rule != _STR and rule != _ANY:
                        raise Unsure("datatype_mismatch")
                    result = {"@type": member[3], "@value": value}
                else:
                    result = self.scalar(member[2], member[5][7], value, False)
            elif mode <= scalar and kind is not dict and kind is not list:
                # A number or boolean member.
                self.number(value, kind)
                if mode == _TYPED:
                    rule = member[4]
                    if not (
                        rule == _ANY
                        or (rule == _BOOL and kind is bool)
                        or (rule == _INT and kind is int)
                        or (rule == _NUMBER and (kind is int or kind is float))
                    ):
                        raise Unsure("datatype_mismatch")
                    result = {"@type": member[3], "@value": value}
                elif mode == _SCALAR:
                    result = self.scalar(member[2], member[5][7], value, False)
                else:
                    result = {"@value": value}
            else:
                term_ctx, plan, info = member[2], member[5], member[6]
                if mode == _KEYWORD:
                    if key == type_key and type_facts is not None:
                        # The node's types: the rules on them were answered with the type memo.
                        if "@type" in node or expanded_prop == "@reverse":
                            raise Unsure("keyword_collision")
                        iris, count, type_chars, is_list, n = type_facts
                        budget[1] -= count
                        chars += type_chars
                        if is_list:
                            if n > self.max_per_property:
                                raise Unsure("too_many_values")
                            budget[2] += n * (n - 1) // 2
                            if budget[2] > self.limits.max_node_map_work:
                                raise Unsure("too_many_values")
                            if child + 1 > self.max_depth:  # (limits may be fractions)
                                raise Unsure("document_too_deep")
                        node["@type"] = list(iris)  # the node's own list, not the memo's
                        continue
                    if expanded == "@id" and kind is str and expanded_prop != "@reverse":
                        # A node's id (the commonest keyword): as keyword() would do it.
                        if "@id" in node:
                            raise Unsure("keyword_collision")
                        budget[1] -= 1
                        if not value.isascii():
                            _canon._check_text(value, "")
                        budget[0] -= len(value)
                        node["@id"] = e._id(ctx, value)
                        continue
                    self.keyword(
                        ctx, expanded_prop, expanded, value, kind, node, type_scoped, child
                    )
                    continue
                _, _, _, has_list, graph_wrap, map_container, is_json, value_shape = plan
                if map_container and kind is dict:
                    raise Unsure("map_container")
                # Where check_json lets an @context through: proofs, a presentation's credentials.
                child_ok = context_ok and (
                    (key == "proof" and self.proof_context_ok)
                    or (key == "verifiableCredential" and not depth)
                )
                if is_json:
                    self.subtree(value, child, child_ok, False)
                    result = {"@type": "@json", "@value": copy.deepcopy(value)}
                elif kind is dict:
                    result = (self.graph_node if graph_wrap else self.node)(
                        term_ctx, key, value, False, child, child_ok, info
                    )
                elif kind is list:
                    result = self.items(term_ctx, key, value, child, child_ok, graph_wrap, info)
                else:
                    budget[1] -= 1
                    if kind is str:
                        if not value.isascii():
                            _canon._check_text(value, "")
                        budget[0] -= len(value)
                    else:
                        self.number(value, kind)
                    result = self.scalar(term_ctx, value_shape, value, False)
                if result is None:
                    continue
                if has_list and not (isinstance(result, dict) and "@list" in result):
                    if graph_wrap:
                        raise Unsure("graph_list")
                    result = {"@list": _fastld._arrayify(result)}
                    # An RDF list is one blank node per member.
                    self.blank_left -= len(result["@list"])
                if graph_wrap:
                    if isinstance(result, list):
                        result = [{"@graph": [v]} for v in result]
                        self.blank_left -= len(result)
                    else:
                        if "@value" in result or "@list" in result:
                            raise Unsure("graph_value")
                        result = [{"@graph": [result]}]
                        self.blank_left -= 1
                values = node.get(expanded)
                if values is None:
                    values = node[expanded] = []
                if isinstance(result, list):
                    values.extend(result)
                else:
                    values.append(result)
                if len(values) > 1:
                    multi.append(expanded)
                continue
            scalars += 1
            if unique:
                node[expanded] = [result]
            else:
                values = node.get(expanded)
                if values is None:
                    node[expanded] = [result]
                else:
                    values.append(result)
                    multi.append(expanded)
        budget[0] -= chars
        budget[1] -= scalars

    def keyword(
        self,
        ctx: Any,
        expanded_prop: Any,
        expanded: Any,
        value: Any,
        kind: type,
        node: dict[str, Any],
        type_scoped: Any,
        depth: int,
    ) -> None:
        """A member that expands to ``@id`` or ``@type`` (``_Engine._expand_object``)."""
        if expanded_prop == "@reverse" or expanded in node:
            raise Unsure("keyword_collision")
        if expanded == "@id":
            if kind is not str:
                raise Unsure("id_not_a_string")
            self.string(value, depth)
            node["@id"] = self.e._id(ctx, value)
        elif expanded == "@type":
            if kind is list:
                self.array(value, depth)
                for t in value:
                    if type(t) is not str:
                        raise Unsure("unusual_type")
                    self.string(t, depth + 1)
                types = value
            elif kind is str:
                self.string(value, depth)
                types = [value]
            else:
                raise Unsure("unusual_type")
            vocab = self.e._vocab
            expanded_types = []
            for t in types:
                if t[:1] == "@":
                    raise Unsure("unusual_type")
                iri = vocab(type_scoped, t)
                if iri is None:
                    raise Unsure("unusual_type")
                expanded_types.append(iri)
            node["@type"] = expanded_types
        else:
            raise Unsure("keyword")

    def items(
        self,
        ctx: Any,
        prop: Any,
        element: list[Any],
        depth: int,
        context_ok: bool,
        graph: bool,
        info: tuple[Any, Any, bool],
    ) -> list[Any]:
        """``_Engine._expand`` of an array (``graph``: each item becomes a named graph)."""
        self.array(element, depth)
        e = self.e
        inside_list = info[2]
        out = []
        child = depth + 1
        for item in element:
            kind = type(item)
            if kind is dict:
                value = (self.graph_node if graph else self.node)(
                    ctx, prop, item, inside_list, child, context_ok, info
                )
            elif graph:
                raise Unsure("graph_value")
            elif kind is list:
                raise Unsure("nested_array")
            else:
                if kind is str:
                    self.string(item, child)
                else:
                    self.budget[1] -= 1
                    self.number(item, kind)
                value = self.scalar(ctx, e._value_shape(ctx, prop), item, inside_list)
            if value is not None:
                out.append(value)
        return out

    def scalar(
        self, ctx: Any, shape: tuple[bool, bool, Any, Any, Any], value: Any, inside_list: bool
    ) -> Any:
        """``_Engine._scalar`` and the rules of the value object or node reference it makes."""
        is_graph, is_keyword, type_, language, direction = shape
        if is_graph and not inside_list:
            return None
        if is_keyword:
            raise Unsure("keyword_value")
        is_str = type(value) is str
        if is_str:
            if type_ == "@id":
                iri = self.e._id(ctx, value)
                if not _good_iri(iri):
                    raise Unsure("invalid_iri")
                return {"@id": iri}
            if type_ == "@vocab":
                iri = self.e._vocab(ctx, value)
                if not _good_iri(iri):
                    raise Unsure("invalid_iri")
                return {"@id": iri}
        if type_ is not None and type_ not in ("@id", "@vocab", "@none"):
            kind = _datatype_kind(type_)
            if kind is not _ANY:
                if kind == _STR:
                    ok = is_str
                elif kind == _BOOL:
                    ok = type(value) is bool
                elif kind == _INT:
                    ok = type(value) is int
                elif kind == _NUMBER:
                    ok = type(value) is int or type(value) is float
                else:
                    ok = False
                if not ok:
                    raise Unsure("datatype_mismatch")
            return {"@type": type_, "@value": value}
        if is_str:
            if direction is not None:
                raise Unsure("direction")
            if language is not None:
                if not _LANGUAGE.match(str(language)):
                    raise Unsure("invalid_language")
                return {"@language": language, "@value": value}
        return {"@value": value}

    def check_node(self, node: dict[str, Any], multi: list[Any], types_checked: bool) -> None:
        """The expanded-form rules of one complete node object: a property's own IRI was
        checked with its member plan, and only the properties in ``multi`` have more than one
        value (``types_checked``: the type memo answered the rules on ``@type``)."""
        if "@id" in node:
            subject = node["@id"]
            if not _good_iri(subject):
                raise Unsure("invalid_iri")
            if len(node) > 1:
                if subject in self.described:
                    raise Unsure("ambiguous_value")
                self.described.add(subject)
        else:
            self.blank_left -= 1
        if self.blank_left < 0:  # this node, or the lists and graphs among its values
            raise Unsure("too_many_blank_nodes")
        if not types_checked:
            types = node.get("@type")
            if types is not None:
                for t in types:
                    if not _good_iri(t):
                        raise Unsure("undefined_type")
                if len(set(types)) != len(types):
                    raise Unsure("duplicate_value")
                if len(types) > self.max_per_property:
                    raise Unsure("too_many_values")
        for key in multi:
            values = node[key]
            if len(values) > self.max_per_property:
                raise Unsure("too_many_values")
            seen: set[Any] = set()
            for item in values:
                if "@value" not in item and "@list" not in item:
                    if "@id" not in item:
                        continue  # distinct blank nodes are distinct statements
                    value_key: Any = "@id:" + item["@id"]
                else:
                    value_key = _canon._value_key(item)
                if value_key in seen:
                    raise Unsure("duplicate_value")
                seen.add(value_key)
