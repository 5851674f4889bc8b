"""Positions for graphs too large for the browser's physics (see :func:`compute_layout`)."""

from __future__ import annotations

import heapq
import math
import zlib
from collections import Counter, deque

__all__ = ["BACKBONE", "compute_layout"]

#: how many of the best-connected nodes the Python layout runs a spring layout on
BACKBONE = 400


def compute_layout(
    nodes: list[str],
    edges: list[tuple[str, str]],
    kinds: dict[str, str] | None = None,
    *,
    seed: int = 42,
    spacing: float = 36.0,
) -> dict[str, tuple[float, float]]:
    """Pixel positions for a graph too large for the browser's physics, in time linear in the
    graph beyond a fixed-size core per connected part.

    Each connected part is laid out on its own:

    1. its core, the :data:`BACKBONE` best-connected nodes grown outwards from its biggest hub
       (so the core is itself connected), gets a Fruchterman-Reingold spring layout (networkx,
       fixed ``seed``, 50 iterations), scaled so that linked core nodes sit about as far apart
       as the discs of leaves around them are wide;
    2. every other node of the part is placed, breadth first, on a sunflower spiral around the
       neighbour that reached it, so a hub's leaves form a disc around the hub.

    The parts are then packed in rows, biggest first, single nodes last and grouped by kind.
    The result depends only on the input (and ``seed``); coordinates are rounded to 0.1 px.
    """
    import networkx as nx

    kinds = kinds or {}
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from((u, v) for u, v in edges if u != v)
    if g.number_of_nodes() == 0:
        return {}
    degree = dict(g.degree())
    golden = math.pi * (3.0 - math.sqrt(5.0))

    def disc(k: int) -> float:
        """Radius of the sunflower of ``k`` leaves around a node."""
        return spacing * (1.2 + 0.75 * math.sqrt(max(k - 1, 0))) if k else spacing * 0.6

    def layout_part(part: set[str]) -> dict[str, tuple[float, float]]:
        root = min(part, key=lambda x: (-degree[x], x))
        if len(part) == 1:
            return {root: (0.0, 0.0)}
        # the core: grown from the biggest hub, best-connected first
        core: list[str] = []
        heap, seen = [(-degree[root], root)], {root}
        while heap and len(core) < BACKBONE:
            _, x = heapq.heappop(heap)
            core.append(x)
            for w in g[x]:
                if w not in seen:
                    seen.add(w)
                    heapq.heappush(heap, (-degree[w], w))
        in_core = set(core)
        # a new graph, not g.subgraph(): a subgraph view may iterate its nodes in set order,
        # which changes with the hash seed and would change the layout from run to run
        sub = nx.Graph()
        sub.add_nodes_from(core)
        sub.add_edges_from((u, w) for u in core for w in g[u] if w in in_core)
        raw = (
            nx.spring_layout(sub, seed=seed, iterations=50)
            if len(core) > 2
            else {x: (float(i), 0.0) for i, x in enumerate(sorted(core))}
        )
        outside = {x: sum(1 for w in g[x] if w not in in_core) for x in core}
        lengths = sorted(math.dist(raw[u], raw[v]) for u, v in sub.edges())
        wanted = sorted(disc(outside[u]) + disc(outside[v]) for u, v in sub.edges())
        median = lengths[len(lengths) // 2] if lengths else 1.0
        factor = (wanted[len(wanted) // 2] if wanted else spacing * 2) / (median or 1.0)
        pos = {x: (float(raw[x][0]) * factor, float(raw[x][1]) * factor) for x in core}
        children: Counter[str] = Counter()
        queue = deque(core)
        while queue:
            u = queue.popleft()
            ux, uy = pos[u]
            phase = (zlib.crc32(u.encode("utf-8")) % 360) * math.pi / 180.0
            for v in sorted((w for w in g[u] if w not in pos), key=lambda w: (-degree[w], w)):
                i = children[u]
                children[u] += 1
                r = spacing * (1.2 + 0.75 * math.sqrt(i))
                pos[v] = (
                    ux + r * math.cos(phase + i * golden),
                    uy + r * math.sin(phase + i * golden),
                )
                queue.append(v)
        return pos

    parts = sorted(
        nx.connected_components(g),
        key=lambda p: (-len(p), kinds.get(min(p), ""), min(p)),
    )
    placed: dict[str, tuple[float, float]] = {}
    boxes = []
    for part in parts:
        pos = layout_part(part)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        margin = spacing
        boxes.append((pos, min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin))
    # shelf packing: rows as wide as the biggest part (or as a square of the total area)
    area = sum((b[3] - b[1]) * (b[4] - b[2]) for b in boxes)
    width = max(boxes[0][3] - boxes[0][1], math.sqrt(area))
    x0 = y0 = row = 0.0
    for pos, left, top, right, bottom in boxes:
        w, h = right - left, bottom - top
        if x0 > 0 and x0 + w > width:
            x0, y0, row = 0.0, y0 + row, 0.0
        for node, (x, y) in pos.items():
            placed[node] = (x - left + x0, y - top + y0)
        x0 += w
        row = max(row, h)
    return {x: (round(placed[x][0], 1) + 0.0, round(placed[x][1], 1) + 0.0) for x in nodes}
