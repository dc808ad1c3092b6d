"""The Cypher of a Neo4j reader's reads (:class:`graph.store.neo4j.reader.Neo4jReader`).

Three groups: the plain reads of the input (people, organisations, accounts, deals); the
*kept* reads of the derived data (:mod:`graph.store.neo4j.cypher_derived`); and the *live*
reads that compute the same from the input rows as of any date. Reads of many rows are
:func:`~graph.store.neo4j.bolt.packed` (unsorted: the reader sorts). Masses, decays, type
weights and tie strengths are rendered from :mod:`graph.formula`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields

from graph.formula import DECAY, MASS, TIE_STRENGTH, Expr, Lookup, Num, Var, render
from graph.store.neo4j.bolt import Packed, packed

__all__ = ["ROUTES_KEPT", "PEOPLE_BY_ID", "PEOPLE_AT_ORGS", "PEOPLE_AT_KINDS", "PEOPLE_NAMED", "ORGS_BY_ID", "ORGS_BY_KIND",
           "ORGS_NAMED", "ACCOUNTS", "DEALS", "NEIGHBOURS_TIE", "NEIGHBOURS_TIE_AMONG", "NEIGHBOURS_TIE_INTO",
           "TIE_COUNTS", "PAIR_TIES", "TIES_BY_ID", "TIES_OF", "TEAM_OF_MEMBERS", "TEAM_OF_OTHERS", "TEAM_REPS",
           "TEAM_SUMS", "TEAM_REACH", "ACTIVITY_KEPT", "NEIGHBOURS_LIVE", "EVENTS_OF", "PAIR_EVENTS",
           "FRIENDSHIPS_OF", "ACTIVITY_LIVE", "ROLE_WEIGHT", "stages", "PERSON_COLUMNS", "ORG_COLUMNS"]

# -- the input ------------------------------------------------------------------------------
PERSON_COLUMNS = ("id", "name", "org_id", "title", "role", "email")
_PERSON = "p.id AS id, p.name AS name, o.id AS org_id, p.title AS title, p.role AS role, p.email AS email"
ORG_COLUMNS = ("id", "name", "kind", "industry", "annual_revenue")
_ORG = "o.id AS id, o.name AS name, o.kind AS kind, o.industry AS industry, o.annual_revenue AS annual_revenue"

PEOPLE_BY_ID = packed(f"""
    UNWIND $ids AS pid
    MATCH (p:Person {{id: pid}})-[:WORKS_AT]->(o:Organisation)
    RETURN {_PERSON}
""", *PERSON_COLUMNS)

PEOPLE_AT_ORGS = packed(f"""
    UNWIND $ids AS oid
    MATCH (p:Person)-[:WORKS_AT]->(o:Organisation {{id: oid}})
    RETURN {_PERSON}
""", *PERSON_COLUMNS)

PEOPLE_AT_KINDS = packed(f"""
    MATCH (p:Person)-[:WORKS_AT]->(o:Organisation)
    WHERE o.kind IN $kinds AND ($role IS NULL OR p.role = $role)
    RETURN {_PERSON}
""", *PERSON_COLUMNS)

#: Whose name contains ``$text`` (case-insensitively) or whose id is it: the exact id first.
PEOPLE_NAMED = f"""
    MATCH (p:Person)-[:WORKS_AT]->(o:Organisation)
    WHERE toLower(p.name) CONTAINS toLower($text) OR p.id = $text
    RETURN {_PERSON} ORDER BY (p.id = $text) DESC, p.name, p.id LIMIT $limit
"""

ORGS_BY_ID = packed(f"UNWIND $ids AS oid MATCH (o:Organisation {{id: oid}}) RETURN {_ORG}", *ORG_COLUMNS)
ORGS_BY_KIND = packed(f"MATCH (o:Organisation) WHERE o.kind IN $kinds RETURN {_ORG}", *ORG_COLUMNS)
ORGS_NAMED = f"""
    MATCH (o:Organisation)
    WHERE toLower(o.name) CONTAINS toLower($text) OR o.id = $text
    RETURN {_ORG} ORDER BY (o.id = $text) DESC, o.name, o.id LIMIT $limit
"""

#: Every rep-account assignment and every deal (from the relationship type's own lookup index).
ACCOUNTS = packed("""
    MATCH (rep)-[c:COVERS]->(o)
    RETURN o.id AS org_id, rep.id AS rep_id, c.role AS role, c.since AS since
""", "org_id", "rep_id", "role", "since", dates=("since",))
DEALS = packed("""
    MATCH (d:Deal)-[:FOR]->(o)
    OPTIONAL MATCH (rep)-[:HANDLES]->(d)
    RETURN d.id AS id, o.id AS org_id, d.amount AS amount, d.status AS status, rep.id AS rep_id,
           d.closed_on AS closed_on, d.product AS product
""", "id", "org_id", "amount", "status", "rep_id", "closed_on", "product", dates=("closed_on",))

# -- kept: the ties --------------------------------------------------------------------------
#: Who each of ``$ids`` has a tie with (one ``TIE`` per pair: no DISTINCT), with the tie's element
#: id (:data:`TIES_BY_ID` reads it back) and the other's number of ties (``d``: next to its id in
#: the store, so as good as free).
NEIGHBOURS_TIE = packed("""
    UNWIND $ids AS pid
    MATCH (p:Person {id: pid})-[t:TIE]-(o)
    RETURN pid AS a, o.id AS b, elementId(t) AS e, o.ties AS d
""", "a", "b", "e", "d")

#: :data:`NEIGHBOURS_TIE` kept to the others in ``$among``, checked by id on every tie walked
#: (cheaper than :data:`NEIGHBOURS_TIE_INTO` when ``$among`` is much longer than those) ...
NEIGHBOURS_TIE_AMONG = packed("""
    UNWIND $ids AS pid
    MATCH (p:Person {id: pid})-[t:TIE]-(o)
    WHERE o.id IN $among
    RETURN pid AS a, o.id AS b, elementId(t) AS e, o.ties AS d
""", "a", "b", "e", "d")

#: ... or ``$among`` looked up first, and every tie's other end checked against those nodes
#: (no property read per tie walked: 0.85 of the time on a path query's last ring at 1M).
NEIGHBOURS_TIE_INTO = packed("""
    MATCH (o:Person) WHERE o.id IN $among
    WITH collect(o) AS others
    UNWIND $ids AS pid
    MATCH (p:Person {id: pid})-[t:TIE]-(o)
    WHERE o IN others
    RETURN pid AS a, o.id AS b, elementId(t) AS e, o.ties AS d
""", "a", "b", "e", "d")

#: The number of ties of each of ``$ids``.
TIE_COUNTS = packed("UNWIND $ids AS pid MATCH (p:Person {id: pid}) RETURN pid AS id, p.ties AS n", "id", "n")

#: What a ``TIE`` holds (the dates as ISO text: ``lasts`` a list of them; a tie without an
#: interaction keeps no lists: empty ones).
_TIE_FIELDS = """t.kind AS kind, t.since AS since, t.shared AS shared, coalesce(t.types, []) AS types,
           coalesce(t.natures, []) AS natures, coalesce(t.ns, []) AS ns,
           [d IN coalesce(t.lasts, []) | toString(d)] AS lasts, coalesce(t.masses, []) AS masses"""
_TIE_COLUMNS = ("a", "b", "kind", "since", "shared", "types", "natures", "ns", "lasts", "masses")

#: The ``TIE`` of each of the given pairs (``[a, b]``, a < b) that has one.
PAIR_TIES = packed(f"""
    UNWIND $pairs AS pr
    MATCH (a:Person {{id: pr[0]}})-[t:TIE]->(b:Person {{id: pr[1]}})
    RETURN a.id AS a, b.id AS b, {_TIE_FIELDS}
""", *_TIE_COLUMNS, dates=("since",))

#: The ``TIE`` relationships of the given element ids (from :data:`NEIGHBOURS_TIE` in the same
#: reader): a seek each, where :data:`PAIR_TIES` looks up both people and the tie between them
#: (0.3 of the time on a path query's pairs at 1M).
TIES_BY_ID = packed(f"""
    UNWIND $rels AS rid
    MATCH (a)-[t:TIE]->(b)
    WHERE elementId(t) = rid
    RETURN a.id AS a, b.id AS b, {_TIE_FIELDS}
""", *_TIE_COLUMNS, dates=("since",))

#: Every ``TIE`` of each of ``$ids``, the other end at an organisation of ``$kinds`` (null: any).
TIES_OF = packed(f"""
    UNWIND $ids AS pid
    MATCH (p:Person {{id: pid}})-[t:TIE]-(o:Person)
    WHERE $kinds IS NULL OR EXISTS {{ (o)-[:WORKS_AT]->(w:Organisation) WHERE w.kind IN $kinds }}
    WITH pid, o.id AS oid, t
    RETURN CASE WHEN pid < oid THEN pid ELSE oid END AS a, CASE WHEN pid < oid THEN oid ELSE pid END AS b,
           {_TIE_FIELDS}
""", *_TIE_COLUMNS, dates=("since",))

# -- kept: the team's ties -------------------------------------------------------------------
_TEAM_COLUMNS = ("member", "other", "p", "q", "kind", "shared")

#: The team ties of the members ``$ids``, the other end at an organisation of ``$kinds`` (null: any).
TEAM_OF_MEMBERS = packed("""
    UNWIND $ids AS pid
    MATCH (:Person {id: pid})-[t:TEAM_TIE]->(x:Person)
    WHERE $kinds IS NULL OR t.org_kind IN $kinds
    RETURN pid AS member, x.id AS other, t.p AS p, t.q AS q, t.kind AS kind, t.shared AS shared
""", *_TEAM_COLUMNS)

#: The team ties of anyone in ``$ids`` to the team.
TEAM_OF_OTHERS = packed("""
    UNWIND $ids AS pid
    MATCH (:Person {id: pid})<-[t:TEAM_TIE]-(m:Person)
    RETURN m.id AS member, pid AS other, t.p AS p, t.q AS q, t.kind AS kind, t.shared AS shared
""", *_TEAM_COLUMNS)

#: The reps on the team (for :data:`TEAM_SUMS`).
TEAM_REPS = packed("MATCH (r:Person {role: 'rep'})-[:WORKS_AT]->(:Organisation {kind: 'own'}) RETURN r.id AS id",
                   "id")


def _inputs(expr: Expr) -> set[str]:
    """The names of the :class:`~graph.formula.Var` nodes in ``expr``."""
    if isinstance(expr, Var):
        return {expr.name}
    out: set[str] = set()
    for f in fields(expr):  # type: ignore[arg-type]
        value = getattr(expr, f.name)
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, Expr):
                out |= _inputs(child)
    return out


def stages(steps: Sequence[tuple[str, Expr]], bind: Mapping[str, str], keep: str,
           returns: Sequence[str] | None = None) -> str:
    """``WITH`` clauses that compute the formula ``steps`` (:data:`graph.formula.TIE_STRENGTH`
    and the like), each step a variable of its name: a step goes in the first clause after the
    steps it reads (so every operand of a later step, a clamp's above all, is a variable).
    ``bind`` gives the formula's inputs; ``keep`` the variables every clause carries on; a
    step's value is carried on while a later step reads it or it is one of ``returns``
    (default: every step).

    >>> print(stages((("x", Var("a") * 2.0), ("y", Var("x") + 1.0)), {"a": "t.a"}, "t", returns=("y",)))
    WITH t, (t.a * 2.0) AS x
    WITH t, (x + 1.0) AS y
    """
    level: dict[str, int] = {}
    reads: dict[str, set[str]] = {}
    for name, expr in steps:
        reads[name] = _inputs(expr)
        level[name] = max((level[v] + 1 for v in reads[name] if v in level), default=0)
    wanted = set(returns) if returns is not None else set(level)
    names = {name: name for name, _ in steps}
    clauses = []
    for lv in range(max(level.values(), default=-1) + 1):
        needed = wanted.union(*(reads[n] for n in level if level[n] > lv))
        carried = [n for n, _ in steps if level[n] < lv and n in needed]
        made = [f"{render(expr, 'cypher', {**bind, **names})} AS {name}" for name, expr in steps if level[name] == lv]
        clauses.append("WITH " + ", ".join([keep, *carried, *made]))
    return "\n".join(clauses)


#: The weight of a contact's role in single-rep risk (``$role_weights``; 1.0 for other roles).
ROLE_WEIGHT = Lookup("role_weights", Var("role"), Num(1.0), 1.0)

_KEPT_TIE = {"p": "(t.p * $factor)", "q": "(t.q * $factor)", "kind": "t.kind", "n": "toFloat(t.shared)"}
_WEIGHTED = render(ROLE_WEIGHT * Var("strength"), "cypher", {"role": "t.role"})

#: Per (organisation of ``$kinds``, rep of ``$reps``): the role-weighted sum of the reps' team tie
#: strengths (:data:`graph.formula.TIE_STRENGTH`, the masses faded by ``$factor``) and how many
#: are at least ``$strong``. The one read that computes strengths in the store (see
#: :meth:`graph.store.base.Reader.team_sums`). Each tie's properties are read once, as a map
#: (``t.p``, ``t.q``, ... each read from the store walks the tie's property chain again: at a
#: million people the map makes the read about 1.6 times as fast).
TEAM_SUMS = packed(f"""
    UNWIND $reps AS rep
    MATCH (:Person {{id: rep}})-[tie:TEAM_TIE]->()
    WITH rep, properties(tie) AS t
    WHERE t.org_kind IN $kinds
    {stages(TIE_STRENGTH, _KEPT_TIE, "rep, t", returns=("strength",))}
    RETURN t.org_id AS org_id, rep, sum({_WEIGHTED}) AS weighted,
           sum(CASE WHEN strength >= $strong THEN 1 ELSE 0 END) AS strong
""", "org_id", "rep", "weighted", "strong")

#: Per organisation of ``$kinds`` a rep reaches: how many of its people (kept at load).
TEAM_REACH = packed("""
    MATCH (o:Organisation)
    WHERE o.kind IN $kinds AND o.team_reach IS NOT NULL
    RETURN o.id AS org_id, o.team_reach AS n
""", "org_id", "n")

#: The kept team routes of ``$ids`` (:mod:`graph.derived`).
ROUTES_KEPT = packed("""
    UNWIND $ids AS pid
    MATCH (y:Person {id: pid}) WHERE y.route_via IS NOT NULL
    RETURN y.id AS id, y.route_via AS via, y.route_v AS v
""", "id", "via", "v")

#: The kept activity of every organisation, per nature (``n`` null: none of that nature).
ACTIVITY_KEPT = packed("""
    MATCH (o:Organisation)
    WHERE o.personal_n IS NOT NULL OR o.business_n IS NOT NULL
    RETURN o.id AS org_id, o.personal_n AS pn, toString(o.personal_last) AS pl, o.personal_mass AS pm,
           o.business_n AS bn, toString(o.business_last) AS bl, o.business_mass AS bm
""", "org_id", "pn", "pl", "pm", "bn", "bl", "bm")

# -- live: from the input rows, as of ``$as_of`` -----------------------------------------------
_AMONG = "AND o.id IN $among"
_NEIGHBOURS = """
    UNWIND $ids AS pid
    MATCH (p:Person {{id: pid}})-[:ATTENDED]->(i:Interaction)<-[:ATTENDED]-(o:Person)
    WHERE i.date <= $as_of AND o <> p {among}
    RETURN DISTINCT pid AS a, o.id AS b
    UNION
    UNWIND $ids AS pid
    MATCH (p:Person {{id: pid}})-[k:KNOWS]-(o:Person)
    WHERE (k.since IS NULL OR k.since <= $as_of) {among}
    RETURN DISTINCT pid AS a, o.id AS b
"""
#: Who each of ``$ids`` has a tie with as of ``$as_of`` (ids only), by whether kept to ``$among``
#: (the others are kept to ``$among`` before the rows are made distinct: half the time of a filter after).
NEIGHBOURS_LIVE: dict[bool, Packed] = {among: packed(_NEIGHBOURS.format(among=_AMONG if among else ""), "a", "b")
                                       for among in (False, True)}

_AGE = "toFloat(duration.inDays(i.date, $as_of).days)"
_SIZE = "toFloat(COUNT { (i)<-[:ATTENDED]-(:Person) })"
_LIVE_MASS = render(MASS, "cypher", {"age": "age", "size": "size", "half_life": "$half_life"})
_EVIDENCE_COLUMNS = ("x", "y", "type", "nature", "n", "last", "mass")

#: The interactions on or before ``$as_of`` each of ``$ids`` attended with anyone (the other at
#: an organisation of ``$kinds``; null: any), per (other, type, nature), masses as of ``$as_of``.
EVENTS_OF = packed(f"""
    UNWIND $ids AS pid
    MATCH (p:Person {{id: pid}})-[:ATTENDED]->(i:Interaction)
    WHERE i.date <= $as_of
    WITH p, i, {_AGE} AS age, {_SIZE} AS size
    WITH p, i, {_LIVE_MASS} AS w
    MATCH (i)<-[:ATTENDED]-(other:Person)
    WHERE other <> p
      AND ($kinds IS NULL OR EXISTS {{ (other)-[:WORKS_AT]->(o:Organisation) WHERE o.kind IN $kinds }})
    RETURN p.id AS x, other.id AS y, i.type AS type, i.nature AS nature,
           count(*) AS n, max(i.date) AS last, sum(w) AS mass
""", *_EVIDENCE_COLUMNS, dates=("last",))

#: The interactions on or before ``$as_of`` of exactly the given pairs (``[a, b]``, a < b).
PAIR_EVENTS = packed(f"""
    UNWIND $pairs AS pr
    MATCH (a:Person {{id: pr[0]}})-[:ATTENDED]->(i:Interaction)<-[:ATTENDED]-(b:Person {{id: pr[1]}})
    WHERE i.date <= $as_of
    WITH a, b, i, {_AGE} AS age, {_SIZE} AS size
    WITH a, b, i, {_LIVE_MASS} AS w
    RETURN a.id AS x, b.id AS y, i.type AS type, i.nature AS nature, count(*) AS n, max(i.date) AS last,
           sum(w) AS mass
""", *_EVIDENCE_COLUMNS, dates=("last",))

#: The friendships touching any of ``$ids``, declared on or before ``$as_of`` (or undated).
FRIENDSHIPS_OF = packed("""
    UNWIND $ids AS pid
    MATCH (p:Person {id: pid})-[k:KNOWS]-(:Person)
    WHERE k.since IS NULL OR k.since <= $as_of
    WITH DISTINCT k
    RETURN startNode(k).id AS a, endNode(k).id AS b, k.kind AS kind, k.since AS since
""", "a", "b", "kind", "since", dates=("since",))

_LIVE_DECAY = render(DECAY, "cypher", {"age": _AGE, "half_life": "$half_life"})

#: The interactions about each organisation on or before ``$as_of``, per nature (:data:`graph.formula.DECAY`).
ACTIVITY_LIVE = packed(f"""
    MATCH (i:Interaction)-[:ABOUT]->(o:Organisation)
    WHERE i.date <= $as_of
    RETURN o.id AS org_id, i.nature AS nature, count(*) AS n, max(i.date) AS last, sum({_LIVE_DECAY}) AS mass
""", "org_id", "nature", "n", "last", "mass", dates=("last",))
