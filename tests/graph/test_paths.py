"""Rapport paths: planted examples, edge cases, and a brute-force property check."""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Iterable

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.analysis.paths import PathSearchTooLarge, best_paths, path_strength
from graph.errors import RelmapError, UsageError


def graph(*edges: tuple[str, str, float]) -> nx.Graph:
    G = nx.Graph()
    for u, v, s in edges:
        G.add_edge(u, v, strength=s, kind="friend")  # extra attributes are ignored
    return G


def paths_of(result: list[tuple[list[str], float]]) -> list[list[str]]:
    return [p for p, _ in result]


PLANTED = graph(("R", "A", 0.9), ("A", "T", 0.9), ("R", "T", 0.5), ("R", "D", 0.3), ("D", "T", 0.3),
                ("A", "D", 0.05))


# -- planted examples ---------------------------------------------------------------------------

def test_strong_two_hop_beats_weak_direct_then_decoy() -> None:
    result = best_paths(PLANTED, ["R"], "T", k=3)
    assert paths_of(result) == [["R", "A", "T"], ["R", "T"], ["R", "D", "T"]]
    assert [s for _, s in result] == pytest.approx([0.81, 0.5, 0.09])


def test_k_limits_and_larger_k_returns_all() -> None:
    assert paths_of(best_paths(PLANTED, ["R"], "T", k=1)) == [["R", "A", "T"]]
    everything = best_paths(PLANTED, ["R"], "T", k=10, max_hops=3)
    assert paths_of(everything) == [["R", "A", "T"], ["R", "T"], ["R", "D", "T"],
                                    ["R", "A", "D", "T"], ["R", "D", "A", "T"]]
    strengths = [s for _, s in everything]
    assert strengths == sorted(strengths, reverse=True)
    assert best_paths(PLANTED, ["R"], "T", k=0) == []


def test_max_hops_excludes_a_strong_long_path() -> None:
    G = graph(("R", "A", 1.0), ("A", "B", 1.0), ("B", "T", 1.0), ("R", "T", 0.2))
    assert paths_of(best_paths(G, ["R"], "T", max_hops=3)) == [["R", "A", "B", "T"], ["R", "T"]]
    assert paths_of(best_paths(G, ["R"], "T", max_hops=2)) == [["R", "T"]]
    assert best_paths(G, ["R"], "T", max_hops=0) == []


def test_multiple_sources_compete_and_do_not_relay() -> None:
    G = graph(("R1", "R2", 1.0), ("R2", "T", 0.5), ("R1", "T", 0.2), ("R1", "A", 0.9), ("A", "T", 0.4))
    result = best_paths(G, ["R1", "R2"], "T", k=5)
    # R1 - R2 - T (0.5) is not offered: R2 is a source, and R2 - T stands for it.
    assert paths_of(result) == [["R2", "T"], ["R1", "A", "T"], ["R1", "T"]]
    # With R1 alone, the route through R2 is an ordinary path.
    assert paths_of(best_paths(G, ["R1"], "T", k=5)) == [["R1", "R2", "T"], ["R1", "A", "T"], ["R1", "T"]]
    # Any iterable, duplicates and unknown sources are fine; a bare string is one source.
    assert best_paths(G, iter(["R2", "R1", "R2", "nobody"]), "T", k=5) == result
    assert best_paths(G, "R1", "T", k=5) == best_paths(G, ["R1"], "T", k=5)


def test_avoid() -> None:
    assert paths_of(best_paths(PLANTED, ["R"], "T", avoid={"A"})) == [["R", "T"], ["R", "D", "T"]]
    assert paths_of(best_paths(PLANTED, ["R"], "T", avoid=["A", "D"])) == [["R", "T"]]
    assert best_paths(PLANTED, ["R"], "T", avoid={"T"}) == []
    G = graph(("R1", "T", 0.9), ("R2", "T", 0.4), ("R1", "R2", 1.0))
    # An avoided source is not a source, and no path passes through it either.
    assert paths_of(best_paths(G, ["R1", "R2"], "T", avoid={"R1"})) == [["R2", "T"]]
    assert best_paths(G, ["R1"], "T", avoid={"R1"}) == []


def test_empty_answers() -> None:
    assert best_paths(PLANTED, ["R"], "nobody") == []        # target not in the graph
    assert best_paths(PLANTED, ["R", "T"], "T") == []        # target is a source
    assert best_paths(PLANTED, ["T"], "T") == []
    assert best_paths(PLANTED, [], "T") == []
    assert best_paths(PLANTED, ["ghost"], "T") == []         # unknown sources are ignored
    G = graph(("R", "A", 0.9), ("B", "T", 0.9))
    G.add_node("lonely")
    assert best_paths(G, ["R"], "T") == []                   # no path at all
    assert best_paths(G, ["lonely"], "T") == []


def test_strength_one_and_tiny_strengths() -> None:
    G = graph(("R", "A", 1.0), ("A", "T", 1.0), ("R", "B", 1e-9), ("B", "T", 1e-9), ("R", "T", 1.0),
              ("R", "C", 1e-9), ("C", "D", 1e-9), ("D", "T", 1e-9))
    result = best_paths(G, ["R"], "T", k=4)
    assert paths_of(result) == [["R", "T"], ["R", "A", "T"], ["R", "B", "T"], ["R", "C", "D", "T"]]
    assert [s for _, s in result] == pytest.approx([1.0, 1.0, 1e-18, 1e-27], rel=1e-12)


def test_ties_fewer_hops_then_node_ids_independent_of_insertion_order() -> None:
    # Paths whose edges carry the same strengths tie exactly, whatever the order of the edges.
    edges = [("R", "T", 0.5), ("R", "B", 0.5), ("B", "T", 1.0), ("R", "A", 1.0), ("A", "T", 0.5),
             ("R", "F", 0.8), ("F", "T", 0.6), ("R", "E", 0.6), ("E", "T", 0.8), ("R", "C", 0.5),
             ("C", "D", 1.0), ("D", "T", 1.0), ("R", "G", 0.1), ("G", "T", 0.1)]
    expected = [["R", "T"], ["R", "A", "T"], ["R", "B", "T"], ["R", "C", "D", "T"],
                ["R", "E", "T"], ["R", "F", "T"], ["R", "G", "T"]]
    for seed in range(8):
        shuffled = [(v, u, s) if seed % 2 else (u, v, s) for u, v, s in edges]
        random.Random(seed).shuffle(shuffled)
        G = graph(*shuffled)
        for k in range(1, 9):
            assert paths_of(best_paths(G, ["R"], "T", k=k)) == expected[:k]
    # Summed as floats, -log(0.1) - log(0.3) - log(0.5) comes out above the same terms reversed;
    # the tie is still exact, so node ids decide.
    G = graph(("R", "A", 0.1), ("A", "B", 0.3), ("B", "T", 0.5), ("R", "C", 0.5), ("C", "D", 0.3), ("D", "T", 0.1))
    assert paths_of(best_paths(G, ["R"], "T", k=1)) == [["R", "A", "B", "T"]]
    assert paths_of(best_paths(G, ["T"], "R", k=1)) == [["T", "B", "A", "R"]]


def test_near_ties_from_float_rounding_are_ordered_deterministically() -> None:
    # 0.3 * 0.3, 0.9 * 0.1 and 0.09 differ only by float rounding (in product or in log space).
    assert 0.3 * 0.3 != 0.9 * 0.1 and -math.log(0.9) - math.log(0.1) < -math.log(0.09)
    edges = [("R", "T", 0.09), ("R", "B", 0.3), ("B", "T", 0.3), ("R", "A", 0.9), ("A", "T", 0.1),
             ("R", "C", 0.3), ("C", "T", 0.3), ("R", "D", 0.5), ("D", "T", 0.5)]
    first = best_paths(graph(*edges), ["R"], "T", k=5)
    assert first[0][0] == ["R", "D", "T"]
    assert sorted(map(tuple, paths_of(first[1:]))) == [("R", "A", "T"), ("R", "B", "T"), ("R", "C", "T"),
                                                       ("R", "T")]
    assert all(math.isclose(s, 0.09) for _, s in first[1:])
    assert paths_of(first).index(["R", "B", "T"]) + 1 == paths_of(first).index(["R", "C", "T"])
    for seed in range(8):
        shuffled = edges[:]
        random.Random(seed).shuffle(shuffled)
        for k in range(1, 6):
            assert best_paths(graph(*shuffled), ["R"], "T", k=k) == first[:k]


def test_distinct_paths() -> None:
    G = nx.complete_graph([f"n{i}" for i in range(6)])
    nx.set_edge_attributes(G, 0.5, "strength")
    result = best_paths(G, ["n0"], "n5", k=10, max_hops=4)
    assert len(result) == 10
    assert len({tuple(p) for p in paths_of(result)}) == 10
    assert paths_of(result)[:5] == [["n0", "n5"], ["n0", "n1", "n5"], ["n0", "n2", "n5"],
                                    ["n0", "n3", "n5"], ["n0", "n4", "n5"]]


def test_search_cap_raises_a_relmap_error() -> None:
    G = nx.complete_graph([f"n{i:02d}" for i in range(30)])
    nx.set_edge_attributes(G, 0.5, "strength")
    with pytest.raises(PathSearchTooLarge, match="more than 50 partial paths") as info:
        best_paths(G, ["n00"], "n29", k=10, max_hops=4, max_expansions=50)
    assert isinstance(info.value, RelmapError) and info.value.exit_code == 1
    assert len(best_paths(G, ["n00"], "n29", k=10, max_hops=4)) == 10  # the default cap is plenty


def test_bad_arguments_and_bad_strengths() -> None:
    with pytest.raises(UsageError):
        best_paths(PLANTED, ["R"], "T", k=-1)
    with pytest.raises(UsageError):
        best_paths(PLANTED, ["R"], "T", max_hops=-1)
    with pytest.raises(UsageError):
        best_paths(nx.DiGraph(PLANTED), ["R"], "T")
    for bad in (0.0, -0.5, 1.5, math.nan, None, "0.5"):
        G = graph(("R", "A", 0.9), ("A", "T", 0.9))
        G["A"]["T"]["strength"] = bad
        with pytest.raises(RelmapError, match="strength"):
            best_paths(G, ["R"], "T")
    G = graph(("R", "A", 1), ("A", "T", 0.5))  # any real number in (0, 1] will do
    assert best_paths(G, ["R"], "T") == [(["R", "A", "T"], 0.5)]
    del G["R"]["A"]["strength"]
    with pytest.raises(RelmapError, match="'R'-'A'|'A'-'R'"):
        best_paths(G, ["R"], "T")


def test_path_strength() -> None:
    assert path_strength(PLANTED, ["R", "A", "T"]) == 0.9 * 0.9
    assert path_strength(PLANTED, ["R"]) == 1.0
    with pytest.raises(UsageError, match="not joined"):
        path_strength(PLANTED, ["R", "nobody"])
    for path, s in best_paths(PLANTED, ["R"], "T", k=10):
        assert path_strength(PLANTED, path) == s


# -- property: the same answer as brute force over every simple path ------------------------------

NODES = list("ABCDEFGH")
TENTHS = [round(0.1 * i, 1) for i in range(1, 11)]
STRENGTHS = st.one_of(st.sampled_from(TENTHS), st.floats(1e-9, 1.0), st.sampled_from([1.0, 1e-9, 0.5]))


def brute_force(G: nx.Graph, sources: Iterable[str], target: str, max_hops: int,
                avoid: Collection[str]) -> list[tuple[list[str], float]]:
    starts = {s for s in sources if s in G and s not in avoid}
    if target not in G or target in avoid or target in starts or max_hops < 1:
        return []
    found = []
    for s in starts:
        for p in nx.all_simple_paths(G, s, target, cutoff=max_hops):
            if any(v in avoid for v in p) or any(v in starts for v in p[1:-1]):
                continue
            found.append((p, math.prod(G[u][v]["strength"] for u, v in zip(p, p[1:]))))
    found.sort(key=lambda ps: -ps[1])
    return found


def edge_strengths(G: nx.Graph, path: list[str]) -> list[float]:
    return sorted(G[u][v]["strength"] for u, v in zip(path, path[1:]) if G[u][v]["strength"] != 1.0)


def rank_key(G: nx.Graph, path: list[str]) -> tuple[int, int, list[str]]:
    """How best_paths ranks: -log(strength) of each edge in whole units of 2**-40, summed; then hops; then ids."""
    cost = sum(round(-math.log(G[u][v]["strength"]) * 2.0 ** 40) for u, v in zip(path, path[1:]))
    return cost, len(path), path


def levels(found: list[tuple[list[str], float]]) -> list[tuple[float, list[tuple[str, ...]]]]:
    """Group paths sorted strongest first into levels of (math.isclose) equal strength."""
    out: list[tuple[float, list[tuple[str, ...]]]] = []
    for p, s in found:
        if out and math.isclose(s, out[-1][0]):
            out[-1][1].append(tuple(p))
        else:
            out.append((s, [tuple(p)]))
    return out


@st.composite
def cases(draw: st.DrawFn) -> tuple[nx.Graph, list[str], str, int, int, set[str]]:
    nodes = NODES[:draw(st.integers(2, 8))]
    G = nx.Graph()
    G.add_nodes_from(nodes)
    for i, u in enumerate(nodes):
        for v in nodes[i + 1:]:
            if draw(st.sampled_from([True, True, False])):  # about two edges in three
                G.add_edge(u, v, strength=draw(STRENGTHS))
    target = draw(st.sampled_from(nodes))
    others = [n for n in nodes if n != target]
    sources = draw(st.lists(st.sampled_from(others), min_size=1, max_size=4))
    avoid = set(draw(st.lists(st.sampled_from([n for n in others if n not in sources] or others), max_size=2)))
    # Now and then: the target is a source, is avoided or is unknown; a source is unknown or avoided.
    odd = draw(st.sampled_from(["no"] * 16 + ["target source", "target avoided", "target unknown", "ghost",
                                              "source avoided"]))
    if odd == "target source":
        sources.append(target)
    elif odd == "target avoided":
        avoid.add(target)
    elif odd == "target unknown":
        target = "Z"
    elif odd == "ghost":
        sources.append("Y")
    elif odd == "source avoided":
        avoid.add(sources[0])
    return G, sources, target, draw(st.integers(1, 6)), draw(st.integers(1, 5)), avoid


@settings(max_examples=400, deadline=None)
@given(case=cases())
def test_matches_brute_force(case: tuple[nx.Graph, list[str], str, int, int, set[str]]) -> None:
    G, sources, target, k, max_hops, avoid = case
    result = best_paths(G, sources, target, k=k, max_hops=max_hops, avoid=avoid)
    expected = brute_force(G, sources, target, max_hops, avoid)

    starts = {s for s in sources if s in G and s not in avoid}
    for path, s in result:  # each answer is a valid simple path with its true strength
        assert len(path) >= 2 and len(path) - 1 <= max_hops and len(set(path)) == len(path)
        assert path[0] in starts and path[-1] == target
        assert not set(path) & avoid and not set(path[1:-1]) & starts
        assert all(G.has_edge(u, v) for u, v in zip(path, path[1:]))
        assert s == path_strength(G, path)
    assert len({tuple(p) for p, _ in result}) == len(result)

    # Same strengths, in the same order, as the top k of brute force ...
    assert len(result) == min(k, len(expected))
    for (_, got), (_, want) in zip(result, expected):
        assert math.isclose(got, want)
    # ... and the same paths at each strength level (the last level may be cut by k).
    got_levels = levels(result)
    want_levels = levels(expected)[:len(got_levels)]
    assert len(got_levels) == len(want_levels)
    for n, ((_, got_paths), (_, want_paths)) in enumerate(zip(got_levels, want_levels)):
        if n < len(got_levels) - 1:
            assert sorted(got_paths) == sorted(want_paths)
        else:
            assert set(got_paths) <= set(want_paths)
    # Paths whose edges carry the same strengths tie exactly: fewer hops first, then node ids.
    for n, (p, _) in enumerate(result):
        for q, _ in result[n + 1:]:
            if edge_strengths(G, p) == edge_strengths(G, q):
                assert (len(p), p) < (len(q), q)
    # In full: the documented rank key (whole-unit edge costs, hops, node ids) over every path.
    assert paths_of(result) == sorted((p for p, _ in expected), key=lambda p: rank_key(G, p))[:k]


@settings(max_examples=100, deadline=None)
@given(case=cases(), seed=st.integers(0, 2**16))
def test_answer_does_not_depend_on_insertion_order(case: tuple[nx.Graph, list[str], str, int, int, set[str]],
                                                   seed: int) -> None:
    G, sources, target, k, max_hops, avoid = case
    rng = random.Random(seed)
    nodes, edges = list(G.nodes), list(G.edges(data=True))
    rng.shuffle(nodes)
    rng.shuffle(edges)
    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_edges_from((v, u, d) if rng.random() < 0.5 else (u, v, d) for u, v, d in edges)
    shuffled_sources = sources[:]
    rng.shuffle(shuffled_sources)
    assert best_paths(H, shuffled_sources, target, k=k, max_hops=max_hops, avoid=avoid) == \
        best_paths(G, sources, target, k=k, max_hops=max_hops, avoid=avoid)
