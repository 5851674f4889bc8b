"""Network analysis: every measure checked against values worked out by hand on small graphs,
invariants on the Ordos network, the commands, and the Gephi/Cytoscape exports read back."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

import networkx as nx
import pytest

from ecograph.analysis import (
    MEASURES,
    analysis_view,
    brokers,
    communities,
    export_network,
    gaps,
    measures,
    rank,
)
from ecograph.cli import main
from ecograph.lookup import CitationView
from ecograph.network import Projection
from ecograph.vocab import vocabulary


def FakeProjection(edges: list[tuple[str, str]], kinds: dict[str, str] | None = None) -> Projection:
    """A hand-made projection: a real :class:`Projection` over a graph built here."""
    graph = nx.MultiDiGraph()
    nodes = sorted({n for edge in edges for n in edge} | set(kinds or {}))
    for node in nodes:
        kind = (kinds or {}).get(node, "University")
        graph.add_node(node, kinds=[kind], labels={"zh": f"节点{node}", "en": f"node {node}"})
    for source, target in edges:
        graph.add_edge(
            source, target, key="collaboratesWith", predicate="collaboratesWith", status="done",
            basis="explicit",
            citations=[CitationView(f"{source}与{target}合作", "s1", {"zh": "一", "en": "1"})],
        )  # fmt: skip
    return Projection(graph, None, vocabulary())


def scores(projection, *names):
    directed, undirected = analysis_view(projection, exclude=())
    return measures(directed, undirected, names)


def test_path_of_three_by_hand() -> None:
    # a — b — c: b is in the middle of everything
    values = scores(
        FakeProjection([("a", "b"), ("b", "c")]),
        "degree",
        "betweenness",
        "closeness",
        "eigenvector",
    )
    assert values["degree"] == {"a": 0.5, "b": 1.0, "c": 0.5}
    assert values["betweenness"] == {"a": 0.0, "b": 1.0, "c": 0.0}
    assert values["closeness"]["b"] == 1.0 and values["closeness"]["a"] == pytest.approx(2 / 3)
    # the adjacency eigenvector of a path of three is (1, √2, 1); shares of its sum
    assert values["eigenvector"]["b"] == pytest.approx(math.sqrt(2) / (2 + math.sqrt(2)), abs=1e-6)
    assert values["eigenvector"]["a"] == pytest.approx(1 / (2 + math.sqrt(2)), abs=1e-6)


def test_pagerank_by_hand() -> None:
    # a → b ← c, b dangles: p_b = 0.9 / (1 + 0.85 - 0.85/3), p_a = p_c = (1 - p_b) / 2
    values = scores(FakeProjection([("a", "b"), ("c", "b")]), "pagerank")["pagerank"]
    p_b = 0.9 / (1 + 0.85 - 0.85 / 3)
    assert values["b"] == pytest.approx(p_b, abs=1e-8)
    assert values["a"] == values["c"] == pytest.approx((1 - p_b) / 2, abs=1e-8)


TWO_TRIANGLES = [("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"), ("d", "e"), ("e", "f"), ("d", "f")]


def test_communities_by_hand() -> None:
    result = communities(FakeProjection(TWO_TRIANGLES), exclude=())
    assert [sorted(m["id"] for m in c.members) for c in result.communities] == [
        ["a", "b", "c"],
        ["d", "e", "f"],
    ]
    # m = 7; each triangle has 3 inner links and degree sum 7: Q = 2 (3/7 - (7/14)^2)
    assert result.modularity == pytest.approx(2 * (3 / 7 - 0.25), abs=1e-9)
    assert [c.name for c in result.communities] == ["c", "d"]  # the most central member names it


def test_brokers_by_hand() -> None:
    result = brokers(FakeProjection(TWO_TRIANGLES), exclude=(), top=None)
    assert sorted(p["id"] for p in result.articulation_points) == ["c", "d"]
    assert [(b["source"]["id"], b["target"]["id"]) for b in result.bridges] == [("c", "d")]
    hole = {h["id"]: h for h in result.structural_holes}
    # c has contacts a, b, d and one tie among them (a–b): effective size 3 - 2·1/3
    assert hole["c"]["effective_size"] == pytest.approx(3 - 2 / 3, abs=1e-9)
    # constraint of c: (1/3 + 1/3·1/2)² twice for a and b, (1/3)² for d
    assert hole["c"]["constraint"] == pytest.approx(2 * 0.25 + 1 / 9, abs=1e-9)
    assert hole["a"]["effective_size"] == pytest.approx(1.0)


def test_rank_orders_ties_by_id_and_filters_kinds() -> None:
    projection = FakeProjection([("b", "a"), ("c", "a"), ("d", "a")], kinds={"a": "Laboratory"})
    result = rank(projection, "degree", exclude=())
    assert [r.id for r in result.rows] == ["a", "b", "c", "d"]  # b, c, d tie: by id
    only = rank(projection, "degree", kinds=["Laboratory"], exclude=())
    assert [r.id for r in only.rows] == ["a"]
    without = rank(projection, "degree", exclude=("Laboratory",))
    assert [r.id for r in without.rows] == ["b", "c", "d"] and without.edges == 0


def test_gaps_by_hand() -> None:
    projection = FakeProjection(
        [("lab", "hydrogen"), ("project", "hydrogen"), ("project2", "hydrogen")],
        kinds={
            "lab": "Laboratory",
            "project": "ResearchProject",
            "project2": "ResearchProject",
            "hydrogen": "Field",
            "storage": "Field",
        },
    )
    result = gaps(projection)
    rows = {r.field: r for r in result.rows}
    assert (
        rows["hydrogen"].counts["Laboratory"] == 1
        and rows["hydrogen"].counts["ResearchProject"] == 2
    )
    assert rows["hydrogen"].linked["ResearchProject"] == ["project", "project2"]
    assert result.unsupported == ["storage"]
    assert (
        "hydrogen" in result.missing["PolicyDocument"]
        and "hydrogen" not in result.missing["Laboratory"]
    )


# --------------------------------------------------------------------------- the Ordos network


def test_projection_has_no_sections_observations_or_literals(ordos_kg) -> None:
    graph = ordos_kg.network().graph
    kinds = {k for _, d in graph.nodes(data=True) for k in d["kinds"]}
    assert not kinds & {"DocumentSection", "Observation", "Indicator", "Unit"}
    assert all(isinstance(n, str) and n in ordos_kg.data.records for n in graph.nodes)
    for _, _, data in graph.edges(data=True):
        assert (
            data["predicate"]
            and data["status"] in ("done", "ongoing", "planned")
            and data["citations"]
        )


def test_invariants_on_the_ordos_network(ordos_kg) -> None:
    result = ordos_kg.rank("all", top=None, exclude=[])
    assert sum(r.scores["pagerank"] for r in result.rows) == pytest.approx(1.0, abs=1e-6)
    _directed, undirected = analysis_view(ordos_kg.network(), exclude=())
    leaves = [n for n in undirected if undirected.degree(n) == 1]
    by_id = {r.id: r for r in result.rows}
    assert leaves and all(by_id[n].scores["betweenness"] == 0.0 for n in leaves)
    parts = ordos_kg.communities(exclude=[])
    members = [m["id"] for c in parts.communities for m in c.members] + [
        i["id"] for i in parts.isolates
    ]
    assert len(members) == len(set(members)) == len(undirected)
    default = ordos_kg.rank(top=None)
    assert "ordos" not in {r.id for r in default.rows}  # the city is left out by default
    assert ordos_kg.rank("pagerank", top=None, exclude=[]).rows[0].id == "ordos"  # and would lead


def test_rank_is_deterministic(ordos_kg) -> None:
    first = ordos_kg.rank("all", top=None)
    second = ordos_kg.rank("all", top=None)
    assert first.to_dict() == second.to_dict()


def test_gaps_on_ordos(ordos_kg) -> None:
    result = ordos_kg.gaps()
    rows = {r.labels["zh"]: r for r in result.rows}
    assert rows["现代煤化工"].counts["PilotPlatform"] == 2
    assert rows["氢能"].counts["TechnologyAchievement"] >= 1
    assert rows["低空经济"].field in result.missing["Laboratory"]


@pytest.mark.parametrize("command", [
    ["rank"], ["rank", "--measure", "all", "--format", "csv"], ["rank", "--format", "json"],
    ["rank", "--exclude-type", "none", "--top", "3"], ["communities"],
    ["communities", "--format", "csv"], ["brokers"], ["brokers", "--format", "json"], ["gaps"],
    ["gaps", "--format", "csv"], ["gaps", "--format", "json", "--lang", "en"],
])  # fmt: skip
def test_analysis_commands(runner, command: list[str]) -> None:
    result = runner.invoke(main, command, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    if "json" in command:
        json.loads(result.output)
    if "csv" in command:
        rows = list(csv.reader(io.StringIO(result.output)))
        assert len(rows) > 2 and len({len(r) for r in rows}) == 1


def test_rank_cli_output(runner) -> None:
    result = runner.invoke(
        main, ["rank", "--exclude-type", "none", "--top", "1"], catch_exceptions=False
    )
    assert "1     ordos  " in result.output and "excluded: nothing" in result.output
    bad = runner.invoke(main, ["rank", "--exclude-type", "Nonsense"])
    # misuse: a usage error (exit 2) that names the option
    assert bad.exit_code == 2 and "unknown kind 'Nonsense'" in bad.output
    assert "Invalid value for '--exclude-type'" in bad.output


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_export_reads_back(fmt: str, runner, tmp_path: Path, ordos_kg) -> None:
    target = tmp_path / f"ordos.{fmt}"
    result = runner.invoke(
        main, ["export", "--format", fmt, "-o", str(target)], catch_exceptions=False
    )
    assert result.exit_code == 0
    graph = nx.read_graphml(target) if fmt == "graphml" else nx.read_gexf(target)
    projection = ordos_kg.network().graph
    assert graph.number_of_nodes() == projection.number_of_nodes()
    assert graph.number_of_edges() == projection.number_of_edges()
    node = graph.nodes["ordos-laboratory"]
    assert node["label_zh"] == "鄂尔多斯实验室" and node["label_en"] == "Ordos Laboratory"
    assert float(node["pagerank"]) > 0


def test_network_csv_export(runner, tmp_path: Path, ordos_kg) -> None:
    result = runner.invoke(
        main, ["export", "--format", "csv", "-o", str(tmp_path / "net")], catch_exceptions=False
    )
    assert result.exit_code == 0
    nodes = list(csv.DictReader((tmp_path / "net" / "nodes.csv").open(encoding="utf-8")))
    edges = list(csv.DictReader((tmp_path / "net" / "edges.csv").open(encoding="utf-8")))
    projection = ordos_kg.network().graph
    assert len(nodes) == projection.number_of_nodes() and len(edges) == projection.number_of_edges()
    lab = next(n for n in nodes if n["id"] == "ordos-laboratory")
    assert lab["kinds"] == "Laboratory;NewTypeRDInstitution" and lab["label_zh"] == "鄂尔多斯实验室"
    graph = nx.from_edgelist(
        [(e["source"], e["target"]) for e in edges], create_using=nx.MultiDiGraph
    )
    assert graph.number_of_edges() == len(edges)
    assert runner.invoke(main, ["export", "--format", "csv"]).exit_code == 2  # csv needs a folder


def test_export_network_is_deterministic(ordos_kg) -> None:
    assert export_network(ordos_kg.network(), "graphml") == export_network(
        ordos_kg.network(), "graphml"
    )


# --------------------------------------------------------------------------- the fast engine


def _random_projection(n: int, seed: int) -> FakeProjection:
    graph = nx.barabasi_albert_graph(n, 2, seed=seed)
    return FakeProjection([(f"n{u:04d}", f"n{v:04d}") for u, v in graph.edges])


@pytest.mark.parametrize("seed", [1, 2])
def test_igraph_gives_the_networkx_values(seed: int) -> None:
    projection = _random_projection(400, seed)
    projection.graph.add_node("lonely", kinds=["Field"], labels={"zh": "孤", "en": "alone"})
    directed, undirected = analysis_view(projection, exclude=())
    slow = measures(directed, undirected, MEASURES, engine="networkx")
    fast = measures(directed, undirected, MEASURES, engine="igraph")
    for name in MEASURES:
        assert max(abs(slow[name][n] - fast[name][n]) for n in undirected) < 1e-6, name
    assert (
        rank(projection, "all", exclude=(), top=None, engine="igraph").to_dict()["rows"][0]["id"]
        == (
            rank(projection, "all", exclude=(), top=None, engine="networkx").to_dict()["rows"][0][
                "id"
            ]
        )
    )


def test_igraph_eigenvector_gives_the_networkx_values_component_by_component() -> None:
    edges = [(f"a{u:03d}", f"a{v:03d}") for u, v in nx.barabasi_albert_graph(60, 2, seed=3).edges]
    edges += [("s0", f"s{i}") for i in range(1, 6)]  # a star
    edges += [(f"c{i}", f"c{(i + 1) % 6}") for i in range(6)]  # an even cycle: bipartite
    edges += [("p0", "p1"), ("p1", "p2"), ("e0", "e1")]  # a path of three and a single edge
    projection = FakeProjection(edges)
    projection.graph.add_node("lonely", kinds=["Field"], labels={"zh": "孤", "en": "alone"})
    directed, undirected = analysis_view(projection, exclude=())
    slow = measures(directed, undirected, ("eigenvector",), engine="networkx")["eigenvector"]
    fast = measures(directed, undirected, ("eigenvector",), engine="igraph")["eigenvector"]
    assert max(abs(slow[n] - fast[n]) for n in undirected) < 1e-6
    assert fast["lonely"] == 0.0 and fast["e0"] == fast["e1"] > 0
    assert fast["s0"] > fast["s1"] == fast["s5"] and len({fast[f"c{i}"] for i in range(6)}) == 1
    # each component's scores add up to its share of the nodes
    assert sum(fast[f"c{i}"] for i in range(6)) == pytest.approx(6 / len(undirected), abs=1e-5)


@pytest.mark.parametrize("engine", ["igraph", "networkit"])
def test_fast_communities_match_networkx_on_clear_structure(engine: str) -> None:
    edges = []
    for block in range(4):  # four 5-cliques in a ring
        members = [f"b{block}m{i}" for i in range(5)]
        edges += [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
        edges.append((members[0], f"b{(block + 1) % 4}m1"))
    projection = FakeProjection(edges)
    slow = communities(projection, exclude=(), engine="networkx")
    fast = communities(projection, exclude=(), engine=engine)
    again = communities(projection, exclude=(), engine=engine)
    assert fast.to_dict() == again.to_dict()  # a seed gives one answer
    as_sets = lambda r: sorted(sorted(m["id"] for m in c.members) for c in r.communities)  # noqa: E731
    assert as_sets(slow) == as_sets(fast) and len(fast.communities) == 4
    assert fast.modularity == pytest.approx(slow.modularity)


def test_sampled_betweenness_estimates_the_exact_value(monkeypatch) -> None:
    import ecograph.analysis as analysis

    projection = _random_projection(1500, 7)
    directed, undirected = analysis_view(projection, exclude=())
    exact = measures(directed, undirected, ("betweenness",), engine="igraph")["betweenness"]
    monkeypatch.setattr(analysis, "FAST_ENGINE_THRESHOLD", 1000)
    monkeypatch.setattr(analysis, "BETWEENNESS_SAMPLES", 300)
    for engine in ("igraph", "networkx"):
        estimate = measures(directed, undirected, ("betweenness",), engine=engine)["betweenness"]
        top = sorted(exact, key=lambda n: (-exact[n], n))[:5]
        for node in top:
            assert estimate[node] == pytest.approx(exact[node], rel=0.25), (engine, node)


def _holes_graphs():
    yield "karate", nx.karate_club_graph()
    yield "barabasi-albert", nx.barabasi_albert_graph(300, 3, seed=7)
    yield "complete", nx.complete_graph(6)
    yield "star", nx.star_graph(8)
    yield "path", nx.path_graph(7)
    yield (
        "two triangles and a bridge",
        nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3)]),
    )
    for seed in range(5):
        yield f"gnp {seed}", nx.gnp_random_graph(60, 0.08 + seed * 0.05, seed=seed)


@pytest.mark.parametrize(
    "name,graph", list(_holes_graphs()), ids=[name for name, _ in _holes_graphs()]
)
def test_structural_holes_give_the_networkx_values(name: str, graph) -> None:
    from ecograph.analysis import structural_holes

    nodes = [n for n in graph if graph.degree(n) > 0]
    effective, constraint = structural_holes(graph, nodes)
    expected_effective = nx.effective_size(graph, nodes=nodes)
    expected_constraint = nx.constraint(graph, nodes=nodes)
    assert set(effective) == set(constraint) == set(nodes)
    for n in nodes:
        assert effective[n] == pytest.approx(expected_effective[n], abs=1e-12), (name, n)
        assert constraint[n] == pytest.approx(expected_constraint[n], abs=1e-12), (name, n)


def test_structural_holes_of_some_nodes_only() -> None:
    from ecograph.analysis import structural_holes

    graph = nx.barabasi_albert_graph(100, 2, seed=3)
    some = [0, 5, 50, 99]
    effective, constraint = structural_holes(graph, some)
    assert set(effective) == set(some)
    assert constraint == pytest.approx(nx.constraint(graph, nodes=some), abs=1e-12)
    assert effective == pytest.approx(nx.effective_size(graph, nodes=some), abs=1e-12)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv"])
def test_an_isolated_entity_has_no_community(fmt: str, runner, tmp_path: Path) -> None:
    """In the test city the briefing (a Document) has no relation: it belongs to no community,
    so its community is empty, not 0 (Gephi showed every isolated entity as one community);
    GEXF carries only ecograph's attributes (no stray ``networkx_key``)."""
    from .conftest import TESTS

    shili = str(TESTS / "data" / "shili")
    target = tmp_path / ("net" if fmt == "csv" else f"shili.{fmt}")
    result = runner.invoke(
        main,
        ["export", "--data", shili, "--format", fmt, "-o", str(target)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        nodes = {n["id"]: n for n in csv.DictReader((target / "nodes.csv").open(encoding="utf-8"))}
        communities = {k: n["community"] for k, n in nodes.items()}
    else:
        graph = nx.read_graphml(target) if fmt == "graphml" else nx.read_gexf(target)
        communities = {k: d.get("community", "") for k, d in graph.nodes(data=True)}
    assert communities["briefing"] == ""
    assert all(str(c) not in ("", "0") for k, c in communities.items() if k != "briefing")
    if fmt == "gexf":
        text = target.read_text(encoding="utf-8")
        assert "networkx_key" not in text
        titles = set(re.findall(r'<attribute id="[^"]+" title="([^"]+)"', text))
        assert titles == {
            "label_zh",
            "label_en",
            "kind",
            "kinds",
            "community",
            "degree",
            "betweenness",
            "closeness",
            "pagerank",
            "eigenvector",
            "predicate",
            "status",
            "basis",
            "quote",
            "section",
        }  # fmt: skip (the labels are GEXF's own label attributes)
