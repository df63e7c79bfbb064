"""Route search between framework levels.

The graph's nodes are ``(framework id, level label)``; every usable level link of a referencing is
an edge in both directions (a national -> EQF referencing also answers EQF -> national).
A search is breadth-first, so the routes found are the shortest; among equally short routes the
one with the strongest weakest link wins, then a fixed order that prefers meta-frameworks as
intermediates, which keeps answers stable from run to run.

ISCED 2011 is a classification of programmes, not a qualifications framework, so its edges are
only followed when no route through the frameworks exists (the research note's "last resort").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, lru_cache

from ._data import registry, resolve
from ._model import (
    CONFIDENCE_RANK,
    NO_REFERENCING,
    Comparison,
    Confidence,
    Referencing,
    Route,
    RouteStep,
)

ISCED = "ISCED-2011"

Node = tuple[str, str]
_KIND_ORDER = {"meta": 0, "national": 1, "classification": 2}


@dataclass(frozen=True, slots=True)
class _Edge:
    to: Node
    confidence: Confidence
    step: RouteStep
    isced: bool


@dataclass(frozen=True, slots=True)
class _Graph:
    edges: dict[Node, tuple[_Edge, ...]]
    sort_key: dict[Node, tuple[int, str, int]]


def _label(node: Node) -> str:
    return f"{node[0]} {node[1]}"


def _step(
    ref: Referencing, a: Node, b: Node, confidence: Confidence, note: str | None
) -> RouteStep:
    return RouteStep(
        from_node=_label(a),
        to_node=_label(b),
        kind=ref.kind,
        status=ref.status,
        confidence=confidence,
        source=ref.source,
        note=note,
    )


@cache
def graph() -> _Graph:
    """Build the level graph once per process."""
    reg = registry()
    best: dict[tuple[Node, Node], _Edge] = {}
    for fw in reg.frameworks.values():
        for ref in fw.referencing:
            if not ref.usable:
                continue
            isced = ISCED in (fw.id, ref.target)
            for link in ref.levels:
                confidence = ref.confidence_for(link)
                a: Node = (fw.id, link.level)
                for target in link.targets:
                    b: Node = (ref.target, target)
                    for x, y in ((a, b), (b, a)):
                        edge = _Edge(y, confidence, _step(ref, x, y, confidence, link.note), isced)
                        # Two documents linking the same pair of levels: keep the stronger one.
                        old = best.get((x, y))
                        if old is None or (
                            CONFIDENCE_RANK[confidence] > CONFIDENCE_RANK[old.confidence]
                        ):
                            best[(x, y)] = edge
    edges: dict[Node, list[_Edge]] = {}
    for (x, _), edge in best.items():
        edges.setdefault(x, []).append(edge)
    sort_key = {
        (fw.id, lvl.label): (_KIND_ORDER[fw.kind], fw.id, i)
        for fw in reg.frameworks.values()
        for i, lvl in enumerate(fw.levels)
    }
    return _Graph(
        edges={node: tuple(sorted(es, key=lambda e: sort_key[e.to])) for node, es in edges.items()},
        sort_key=sort_key,
    )


@dataclass(frozen=True, slots=True)
class _Label:
    ranks: tuple[int, ...]  # confidence ranks of the links so far, weakest first
    nodes: tuple[Node, ...]
    edges: tuple[_Edge, ...]

    @property
    def rank(self) -> int:
        """Rank of the weakest link: the route's confidence."""
        return self.ranks[0] if self.ranks else CONFIDENCE_RANK["high"]


def _better(new: _Label, old: _Label, keys: dict[Node, tuple[int, str, int]]) -> bool:
    # Weakest link first, then the next weakest and so on (so among "low" routes the one whose
    # other links are strong wins), then the fixed node order.
    if new.ranks != old.ranks:
        return new.ranks > old.ranks
    return [keys[n] for n in new.nodes] < [keys[n] for n in old.nodes]


@lru_cache(maxsize=4096)
def _search(source: Node, target: str, with_isced: bool) -> tuple[_Label, ...]:
    """Shortest routes from ``source`` to levels of ``target`` (at most one per level).

    Layered breadth-first search: every node keeps its best label among the shortest paths. The
    search stops at the first layer that reaches the target framework, so only those levels count:
    a longer route to another level would stack a further assumption on an answer already found.
    """
    g = graph()
    keys = g.sort_key
    seen: set[Node] = {source}
    frontier: dict[Node, _Label] = {source: _Label((), (source,), ())}
    while frontier:
        layer: dict[Node, _Label] = {}
        for node in sorted(frontier, key=keys.__getitem__):
            here = frontier[node]
            for edge in g.edges.get(node, ()):
                if edge.to in seen or (edge.isced and not with_isced):
                    continue
                cand = _Label(
                    tuple(sorted((*here.ranks, CONFIDENCE_RANK[edge.confidence]))),
                    (*here.nodes, edge.to),
                    (*here.edges, edge),
                )
                old = layer.get(edge.to)
                if old is None or _better(cand, old, keys):
                    layer[edge.to] = cand
        hits = [lab for node, lab in layer.items() if node[0] == target]
        if hits:
            hits.sort(key=lambda lab: (-lab.rank, keys[lab.nodes[-1]]))
            return tuple(hits)
        seen.update(layer)
        frontier = layer
    return ()


_CONFIDENCE_BY_RANK: dict[int, Confidence] = {0: "low", 1: "medium", 2: "high"}


def _route(label: _Label) -> Route:
    return Route(
        level=label.nodes[-1][1],
        path=tuple(_label(n) for n in label.nodes),
        via=tuple(n[0] for n in label.nodes[1:-1]),
        confidence=_CONFIDENCE_BY_RANK[label.rank],
        sources=tuple(e.step for e in label.edges),
    )


def _localised(comparison: Comparison, lang: str) -> Comparison:
    reg = registry()
    vias = [v for r in comparison.routes for v in r.via]
    ids = dict.fromkeys([comparison.from_framework, *vias, comparison.to_framework])
    nodes = dict.fromkeys(
        [f"{comparison.from_framework} {comparison.from_level}"]
        + [node for r in comparison.routes for node in r.path]
    )
    level_names: list[tuple[str, str]] = []
    for node in nodes:
        fid, label = node.rsplit(" ", 1)
        name = reg.frameworks[fid].level(label).display_name(lang)
        if name is not None:
            level_names.append((node, name))
    return replace(
        comparison,
        lang=lang,
        names=tuple((fid, reg.frameworks[fid].display_name(lang)) for fid in ids),
        level_names=tuple(level_names),
    )


def compare(
    from_framework: str, level: str | int, to_framework: str, lang: str | None = None
) -> Comparison:
    """See :func:`skillpass.frameworks.compare`."""
    if lang is not None and not isinstance(lang, str):
        raise TypeError(f"lang must be a str, not {type(lang).__name__}")
    result = _compare(from_framework, level, to_framework)
    return result if lang is None else _localised(result, lang)


def _compare(from_framework: str, level: str | int, to_framework: str) -> Comparison:
    if isinstance(level, bool) or not isinstance(level, str | int):
        raise TypeError(f"level must be a str or int, not {type(level).__name__}")
    source_fw = resolve(from_framework)
    target_fw = resolve(to_framework)
    label = source_fw.level(level).label
    source: Node = (source_fw.id, label)
    if source_fw.id == target_fw.id:
        route = Route(level=label, path=(_label(source),), via=(), confidence="high", sources=())
        return Comparison(source_fw.id, label, target_fw.id, (route,))
    labels = _search(source, target_fw.id, False) or _search(source, target_fw.id, True)
    routes = tuple(_route(lab) for lab in labels)
    return Comparison(
        source_fw.id, label, target_fw.id, routes, reason=None if routes else NO_REFERENCING
    )
