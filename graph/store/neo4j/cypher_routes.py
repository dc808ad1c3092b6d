"""The Cypher of the team routes (:mod:`graph.derived`) in Neo4j: each person's two best reps
(``Person.route_reps``, ``route_rep_s``: :func:`route_reps`) and ``$limit`` strongest two-hop
routes from a rep (``Person.route_via``, ``route_v``: :func:`routes`; ``v = strength(m, y) *
strength(m's best rep other than y, m)``, strongest first, ties broken by ``m``), for everyone
or for some people. Strengths are rendered from :mod:`graph.formula` from each tie's kept
type-weighted evidence (``p``, ``q``).

A refresh computes the routes of the people it reaches from scratch. Valuing again only the
routes a change touches and putting them together with the kept lists, as the embedded store
does (:mod:`graph.store.sqlite.sql_routes`), was measured here and saves nothing: at 100k
people and a 1% change, 12.5 s for 80,000 people against 12.3 s for everyone from scratch
(Cypher's cost is per person, not per tie).
"""

from __future__ import annotations

from graph.formula import TIE_STRENGTH
from graph.store.neo4j.cypher_reads import stages

__all__ = ["ROUTE_REPS_OF", "TIED_TO", "route_reps", "routes"]

#: The kept best reps of ``$people`` (who has them), to see whose changed.
ROUTE_REPS_OF = """
    UNWIND $people AS pid
    MATCH (m:Person {id: pid}) WHERE m.route_reps IS NOT NULL
    RETURN collect([m.id, m.route_reps, m.route_rep_s]) AS reps
"""

#: Everyone with a kept tie to someone of ``$people``.
TIED_TO = """
    UNWIND $people AS pid
    MATCH (:Person {id: pid})-[:TIE]-(y:Person)
    RETURN collect(DISTINCT y.id) AS tied
"""

_TEAM_STRENGTH = stages(TIE_STRENGTH, {"p": "t.p", "q": "t.q", "kind": "t.kind", "n": "toFloat(t.shared)"},
                        "m, rid, t", returns=("strength",))
_TIE_STRENGTH = stages(TIE_STRENGTH, {"p": "t.p", "q": "t.q", "kind": "t.kind", "n": "toFloat(t.shared)"},
                       "y, m, t", returns=("strength",))


def route_reps(scoped: bool) -> str:
    """Each person's (in ``$people``, or everyone's) two strongest ties to reps, the person not a
    rep: ``route_reps`` (ids) and ``route_rep_s`` (strengths as kept, with the routes' formula:
    its parameters); none for someone without one (what was kept is written over)."""
    source = "UNWIND $people AS pid MATCH (m:Person {id: pid})" if scoped else "MATCH (m:Person)"
    return f"""
        {source}
        CALL (m) {{
            CALL (m) {{
                MATCH (r:Person {{role: 'rep'}})-[t:TEAM_TIE]->(m)
                WHERE NOT (m.role = 'rep' AND t.org_kind = 'own')
                WITH m, r.id AS rid, t
                {_TEAM_STRENGTH}
                WITH rid, strength ORDER BY strength DESC, rid
                RETURN collect(rid)[0..2] AS reps, collect(strength)[0..2] AS ss
            }}
            SET m.route_reps = CASE WHEN size(reps) > 0 THEN reps END,
                m.route_rep_s = CASE WHEN size(ss) > 0 THEN ss END
        }} IN TRANSACTIONS OF 2000 ROWS
    """


def routes(scoped: bool) -> str:
    """The team routes of each person (in ``$people``, or everyone): the ``$limit`` people ``m``
    with the strongest ``strength(m, y) * strength(m's best rep other than y, m)``, as
    ``route_via`` and ``route_v``; none for someone without a route (what was kept is written
    over)."""
    source = "UNWIND $people AS pid MATCH (y:Person {id: pid})" if scoped else "MATCH (y:Person)"
    return f"""
        {source}
        CALL (y) {{
            CALL (y) {{
                MATCH (y)-[t:TIE]-(m:Person) WHERE m.route_reps IS NOT NULL
                {_TIE_STRENGTH}
                WITH m.id AS mid, strength * (CASE WHEN m.route_reps[0] = y.id THEN m.route_rep_s[1]
                                                   ELSE m.route_rep_s[0] END) AS v
                WHERE v IS NOT NULL
                WITH mid, v ORDER BY v DESC, mid
                RETURN collect(mid)[0..$limit] AS vias, collect(v)[0..$limit] AS vs
            }}
            SET y.route_via = CASE WHEN size(vias) > 0 THEN vias END,
                y.route_v = CASE WHEN size(vs) > 0 THEN vs END
        }} IN TRANSACTIONS OF 1000 ROWS
    """
