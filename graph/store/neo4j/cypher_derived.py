"""The Cypher that builds the derived data (:mod:`graph.derived`) in Neo4j.

=============================================  ===========================================================
derived data                                   kept as
=============================================  ===========================================================
per pair, per (type, nature): n, last, mass    ``(a)-[:MET {type, nature, n, last, mass}]->(b)``, a.id < b.id
per tie: kind, since, shared, its evidence     ``(a)-[:TIE {kind, since, shared, types, natures, ns, lasts,
                                               masses, p, q}]->(b)``, the lists in (type, nature) order
                                               (none without an interaction);
                                               ``p``, ``q``: the type-weighted evidence
per person: number of ties                     ``Person.ties``
per organisation: activity per nature          ``Organisation.personal_n``, ``_last``, ``_mass``; ``business_*``
team ties                                      ``(member)-[:TEAM_TIE {org_id, org_kind, role, p, q, kind,
                                               shared}]->(other)``
per organisation: team reach                   ``Organisation.team_reach`` (none: no rep reaches it)
=============================================  ===========================================================

Each builder is a function of ``scoped``: ``False`` builds for everyone; ``True`` only what
touches the people in ``$people`` (every pair with an end among them, built from whichever
end is in the list, the pair once). Every statement commits as it goes
(``CALL { ... } IN TRANSACTIONS``) and converges when run again (``MERGE``, ``SET``), so a
lost connection or a killed process is mended by running it again; the builds for everyone
of ``MET``, ``TIE`` and ``TEAM_TIE`` ``CREATE`` into a type emptied first (:func:`_made`), and
are run again after emptying it again; :data:`MET_DELTA` keeps the refresh's run on each row
it changes. Masses, decays and type weights are rendered from :mod:`graph.formula`.
"""

from __future__ import annotations

from graph.formula import DECAY, MASS, WEIGHT, Var, render

__all__ = ["DELETE_ALL", "DELETE_AROUND", "EVIDENCE_REF", "FRIEND_REF", "met", "tie", "shared", "TIE_COUNTS_ALL",
           "TIE_COUNTS_OF", "team", "TEAM_OTHERS", "REACH_CLEAR", "REACH_ALL", "REACH_OF", "activity", "TOUCHED",
           "AROUND", "PAIRS_AROUND", "PAIRS_ORGS", "DELETE_PAIRS",
           "MET_PAIRS", "MET_DELTA", "STALE_PAIR_TIES", "TIE_PAIRS", "TEAM_PAIRS", "TIE_COUNT"]

#: Deletes every derived relationship of one type (``{rel}``), committing as it goes.
DELETE_ALL = """
    MATCH ()-[r:{rel}]->()
    CALL (r) {{ DELETE r }} IN TRANSACTIONS OF 10000 ROWS
"""

#: Deletes the derived relationships of the people in ``$people``.
DELETE_AROUND = """
    UNWIND $people AS pid
    MATCH (a:Person {id: pid})
    CALL (a) {
        MATCH (a)-[r:MET|TIE|TEAM_TIE]-()
        DELETE r
    } IN TRANSACTIONS OF 100 ROWS
"""

#: The newest interaction date (the index on ``Interaction.date`` in descending order).
EVIDENCE_REF = """
    MATCH (i:Interaction) WHERE i.date IS NOT NULL
    RETURN i.date AS ref ORDER BY i.date DESC LIMIT 1
"""
#: The newest dated friendship.
FRIEND_REF = "MATCH ()-[k:KNOWS]->() RETURN max(k.since) AS ref"

#: The ties around the people in ``$people``, for :func:`graph.derived.touched`: ``[pid, other]``
#: for whoever they have a kept tie with (before a change) or an interaction or a friendship
#: with (after it).
TOUCHED = """
    UNWIND $people AS pid
    MATCH (a:Person {id: pid})
    CALL (a) {
        MATCH (a)-[:TIE]-(b:Person) RETURN b.id AS id
        UNION
        MATCH (a)-[:ATTENDED]->(:Interaction)<-[:ATTENDED]-(b:Person) RETURN b.id AS id
        UNION
        MATCH (a)-[:KNOWS]-(b:Person) RETURN b.id AS id
    }
    RETURN collect([pid, id]) AS ties
"""

#: How many people the store holds (a rebuild for some of them may build everything instead).
PEOPLE_COUNT = "MATCH (p:Person) RETURN count(p) AS n"

#: Everyone the people in ``$people`` have a kept tie with, and the organisations of their team ties.
AROUND = """
    CALL () {
        UNWIND $people AS pid
        MATCH (:Person {id: pid})-[:TIE]-(b:Person)
        RETURN collect(DISTINCT b.id) AS tied
    }
    CALL () {
        UNWIND $people AS pid
        MATCH (:Person {id: pid})-[t:TEAM_TIE]-()
        RETURN collect(DISTINCT t.org_id) AS orgs
    }
    RETURN tied, orgs
"""


def _source(scoped: bool) -> str:
    """The people a statement builds from: everyone, or those in ``$people``."""
    return "UNWIND $people AS pid MATCH (a:Person {id: pid})" if scoped else "MATCH (a:Person)"


def _pairs(scoped: bool) -> str:
    """Which pairs ``(a, b)`` a person ``a`` builds: each pair once, from its lower id unless
    only the other end is in ``$people``."""
    return "(a.id < b.id OR NOT b.id IN $people)" if scoped else "a.id < b.id"


#: ``x`` and ``y``: the pair's two people, lower id first.
_ORIENT = "CASE WHEN a.id < b.id THEN a ELSE b END AS x, CASE WHEN a.id < b.id THEN b ELSE a END AS y"

_MASS = render(MASS, "cypher", {"age": "age", "size": "size", "half_life": "$half_life"})


#: The ``MET`` rows of the pair ``{a}``, ``{b}`` (its interactions ``i``), ``{orient}`` naming them
#: ``x`` and ``y``, the lower id first.
_MET_SET = """WITH {a}, {b}, i, toFloat(duration.inDays(i.date, $ref).days) AS age,
                 toFloat(COUNT {{ (i)<-[:ATTENDED]-(:Person) }}) AS size
            WITH {a}, {b}, i, """ + _MASS.replace("{", "{{").replace("}", "}}") + """ AS w
            WITH {a}, {b}, i.type AS type, i.nature AS nature, count(*) AS n, max(i.date) AS last, sum(w) AS mass
            WITH {orient}, type, nature, n, last, mass
            MERGE (x)-[m:MET {{type: type, nature: nature}}]->(y)
            SET m.n = n, m.last = last, m.mass = mass"""


def _made(statement: str, scoped: bool) -> str:
    """``statement`` (one ``MERGE``) as it builds for some people (``scoped``), or, ``CREATE``
    instead, for everyone: a build for everyone empties the relationship type first, and
    ``MERGE`` would look for each relationship among those of its dense ends in vain (a rebuild
    at 20k people: ``MET`` 15.1 s with ``MERGE``, 12.0 s with ``CREATE``; ``TIE`` 12.4 s and
    8.9 s; a whole 20k load 0.94x and 0.98x the time). Not idempotent: run
    again, the type is emptied again first (:meth:`~graph.store.neo4j.bolt.Bolt.autocommit`'s
    ``again``)."""
    assert statement.count("MERGE (") == 1
    return statement if scoped else statement.replace("MERGE (", "CREATE (")


def met(scoped: bool) -> str:
    """One ``MET`` per pair of people who attended an interaction together, type and nature;
    the mass (:data:`graph.formula.MASS`) as of ``$ref`` with half-life ``$half_life``."""
    return _made(f"""
        {_source(scoped)}
        CALL (a) {{
            MATCH (a)-[:ATTENDED]->(i:Interaction)<-[:ATTENDED]-(b:Person)
            WHERE {_pairs(scoped)}
            {_MET_SET.format(a="a", b="b", orient=_ORIENT)}
        }} IN TRANSACTIONS OF 500 ROWS
    """, scoped)


#: The type-weighted evidence of one nature (``{nature}``) of the ``MET`` rows ``ms``
#: (:data:`graph.formula.WEIGHT` with ``$weights``, times the mass), summed in their order.
_WEIGHED_SUM = ("reduce(s = 0.0, e IN ms | s + CASE WHEN e.nature = '{nature}' THEN "
                + render(WEIGHT * Var("mass"), "cypher", {"type": "e.type", "nature": "e.nature", "mass": "e.mass"})
                + " ELSE 0.0 END)")

#: A ``TIE`` from ``x`` to ``y`` from the friendship ``k`` and the ``MET`` rows ``ms`` (in order):
#: their lists (none when there is no ``MET`` row: a friendship alone, as Neo4j's bulk importer
#: writes it too), and their type-weighted evidence ``p`` (personal) and ``q`` (business), which
#: the team ties copy and the team routes read.
_TIE_LISTS = ", ".join(f"t.{kept} = CASE WHEN size(ms) > 0 THEN [m IN ms | m.{field}] END" for kept, field in
                       (("types", "type"), ("natures", "nature"), ("ns", "n"), ("lasts", "last"), ("masses", "mass")))
_TIE_SET = f"""MERGE (x)-[t:TIE]->(y)
            SET t.kind = k.kind, t.since = k.since, {_TIE_LISTS},
                t.p = {_WEIGHED_SUM.format(nature="personal")}, t.q = {_WEIGHED_SUM.format(nature="business")}"""


def tie(scoped: bool) -> str:
    """One ``TIE`` per pair with a ``MET`` or a ``KNOWS``: the friendship's kind and since, the
    ``MET`` rows as parallel lists in (type, nature) order; ``shared`` is 0 until :func:`shared`."""
    return _made(f"""
        {_source(scoped)}
        CALL (a) {{
            MATCH (a)-[r:MET|KNOWS]-(b:Person)
            WHERE {_pairs(scoped)}
            WITH a, b, r ORDER BY r.type, r.nature
            WITH a, b, collect(r) AS rs
            WITH {_ORIENT}, [r IN rs WHERE type(r) = 'KNOWS'][0] AS k, [r IN rs WHERE type(r) = 'MET'] AS ms
            {_TIE_SET}, t.shared = 0
        }} IN TRANSACTIONS OF 500 ROWS
    """, scoped)


def shared(scoped: bool) -> str:
    """Each ``TIE``'s number of common friends (every friendship)."""
    return f"""
        {_source(scoped)}
        CALL (a) {{
            MATCH (a)-[:KNOWS]-(c:Person)-[:KNOWS]-(b:Person)
            WHERE {_pairs(scoped)}
            WITH a, b, count(DISTINCT c) AS n
            WITH {_ORIENT}, n
            MATCH (x)-[t:TIE]->(y)
            SET t.shared = n
        }} IN TRANSACTIONS OF 500 ROWS
    """


# -- by pair (a refresh: graph.derived.Scope) ------------------------------------------------------
#: The pairs ``$pairs`` (``[a, b]``) both of whose people are held, as ``x`` and ``y``, the
#: lower id (as Cypher orders them) first.
_PAIRS = "UNWIND $pairs AS pr MATCH (a:Person {id: pr[0]}) MATCH (b:Person {id: pr[1]}) WITH " + _ORIENT

#: The pairs around what changed: each person of ``$people`` with everyone they have a kept tie,
#: an interaction or a friendship with; each end of a friendship of ``$friended`` (added or
#: removed) with each friend of the other end (their friends in common changed).
PAIRS_AROUND = f"""
    CALL () {{
        {TOUCHED.replace("RETURN collect([pid, id]) AS ties", "RETURN collect([pid, id]) AS around")}
    }}
    CALL () {{
        UNWIND $friended AS f
        UNWIND [[f[0], f[1]], [f[1], f[0]]] AS e
        MATCH (:Person {{id: e[1]}})-[:KNOWS]-(z:Person) WHERE z.id <> e[0]
        RETURN collect([e[0], z.id]) AS friends
    }}
    RETURN around + friends AS pairs
"""

#: The organisations of the pairs' team ties.
PAIRS_ORGS = f"""
    {_PAIRS}
    MATCH (x)-[t:TEAM_TIE]-(y)
    RETURN collect(DISTINCT t.org_id) AS orgs
"""

#: Each pair's ``MET``, ``TIE`` and ``TEAM_TIE`` deleted.
DELETE_PAIRS = f"""
    {_PAIRS}
    CALL (x, y) {{
        MATCH (x)-[r:MET|TIE|TEAM_TIE]-(y)
        DELETE r
    }} IN TRANSACTIONS OF 1000 ROWS
"""

#: Each pair's ``MET`` rows (as :func:`met`), ``TIE`` (as :func:`tie`, with its friends in
#: common: :func:`shared`) and ``TEAM_TIE`` from each team end (as :func:`team`), built again.
MET_PAIRS = f"""
    {_PAIRS}
    CALL (x, y) {{
        MATCH (x)-[:ATTENDED]->(i:Interaction)<-[:ATTENDED]-(y)
        {_MET_SET.format(a="x", b="y", orient="x, y")}
    }} IN TRANSACTIONS OF 500 ROWS
"""
#: Each pair's ``MET`` rows with the share of the interactions changed added and taken away
#: (``$met``: ``{sign, date, type, nature, people}``, ``sign`` ``1`` as it is now, ``-1`` as it
#: was), instead of counted again from every interaction of the pair (a rep's are thousands);
#: a row left with no interaction goes; a row whose last interaction may have gone gets its
#: ``last`` from the interactions (its count and mass are the sums'), as the embedded store's
#: ``PART_EVIDENCE_DELTA``. The rows are written already, so that is the ``last`` now. Each row
#: changed keeps the refresh's ``$run`` (``_delta``), so that the statement run again (after a
#: lost connection) adds nothing twice.
MET_DELTA = f"""
    UNWIND $met AS i
    WITH i, toFloat(duration.inDays(i.date, $ref).days) AS age, toFloat(size(i.people)) AS size
    WITH i, {_MASS} AS w
    UNWIND range(0, size(i.people) - 2) AS j
    UNWIND range(j + 1, size(i.people) - 1) AS k
    WITH CASE WHEN i.people[j] < i.people[k] THEN i.people[j] ELSE i.people[k] END AS a,
         CASE WHEN i.people[j] < i.people[k] THEN i.people[k] ELSE i.people[j] END AS b, i, w
    WITH a, b, i.type AS type, i.nature AS nature, sum(i.sign) AS dn, sum(i.sign * w) AS dm,
         max(CASE WHEN i.sign > 0 THEN i.date END) AS last, max(CASE WHEN i.sign < 0 THEN i.date END) AS cut
    CALL (a, b, type, nature, dn, dm, last, cut) {{
        MATCH (x:Person {{id: a}}) MATCH (y:Person {{id: b}})
        MERGE (x)-[m:MET {{type: type, nature: nature}}]->(y)
        WITH x, y, m, dn, dm, last, cut WHERE m._delta IS NULL OR m._delta <> $run
        WITH x, y, m, dn, dm, last, cut IS NOT NULL AND m.last IS NOT NULL AND cut >= m.last AS recount
        CALL (x, y, m, recount) {{
            WITH x, y, m WHERE recount
            MATCH (x)-[:ATTENDED]->(e:Interaction)<-[:ATTENDED]-(y)
            WHERE e.type = m.type AND e.nature = m.nature
            RETURN max(e.date) AS again
        }}
        WITH m, coalesce(m.n, 0) + dn AS n, coalesce(m.mass, 0.0) + dm AS mass,
             CASE WHEN recount THEN again WHEN m.last IS NULL OR last > m.last THEN last ELSE m.last END AS newest
        FOREACH (_ IN CASE WHEN n > 0 THEN [1] ELSE [] END |
                 SET m.n = n, m.mass = mass, m.last = newest, m._delta = $run)
        FOREACH (_ IN CASE WHEN n > 0 THEN [] ELSE [1] END | DELETE m)
    }} IN TRANSACTIONS OF 1000 ROWS
"""

#: Each pair's ``TIE`` and ``TEAM_TIE`` that no longer hold (after :data:`MET_DELTA`): a tie
#: without a ``MET`` or a ``KNOWS``, a team tie from someone no longer on the team. The others
#: stay, for :data:`TIE_PAIRS` and :data:`TEAM_PAIRS` to write over (deleting and making them
#: again costs more: 7 s of a 100k refresh).
STALE_PAIR_TIES = f"""
    {_PAIRS}
    CALL (x, y) {{
        MATCH (x)-[r:TIE|TEAM_TIE]-(y)
        WITH x, y, r, startNode(r) AS m
        WHERE NOT EXISTS {{ (x)-[:MET|KNOWS]-(y) }}
           OR (type(r) = 'TEAM_TIE' AND NOT EXISTS {{ (m)-[:WORKS_AT]->(:Organisation {{kind: 'own'}}) }})
        DELETE r
    }} IN TRANSACTIONS OF 1000 ROWS
"""

TIE_PAIRS = f"""
    {_PAIRS}
    CALL (x, y) {{
        MATCH (x)-[r:MET|KNOWS]-(y)
        WITH x, y, r ORDER BY r.type, r.nature
        WITH x, y, collect(r) AS rs
        WITH x, y, [r IN rs WHERE type(r) = 'KNOWS'][0] AS k, [r IN rs WHERE type(r) = 'MET'] AS ms
        CALL (x, y) {{
            OPTIONAL MATCH (x)-[:KNOWS]-(c:Person)-[:KNOWS]-(y)
            RETURN count(DISTINCT c) AS shared
        }}
        {_TIE_SET}, t.shared = shared
    }} IN TRANSACTIONS OF 500 ROWS
"""

#: How many ties are kept (a change to most of them builds everything instead).
TIE_COUNT = "MATCH ()-[t:TIE]->() RETURN count(t) AS n"


#: Each person's number of ties, for everyone ...
TIE_COUNTS_ALL = """
    MATCH (p:Person)
    CALL (p) { SET p.ties = COUNT { (p)-[:TIE]-() } } IN TRANSACTIONS OF 10000 ROWS
"""
#: ... or for those in ``$ids``.
TIE_COUNTS_OF = """
    UNWIND $ids AS pid
    MATCH (p:Person {id: pid})
    CALL (p) { SET p.ties = COUNT { (p)-[:TIE]-() } } IN TRANSACTIONS OF 10000 ROWS
"""

#: What a ``TEAM_TIE`` from ``m`` to ``x`` (at ``o``) holds, from their ``TIE`` ``t``.
_TEAM_SET = """
            MERGE (m)-[tt:TEAM_TIE]->(x)
            SET tt.org_id = o.id, tt.org_kind = o.kind, tt.role = x.role, tt.p = t.p, tt.q = t.q, tt.kind = t.kind,
                tt.shared = t.shared
"""


def team(scoped: bool) -> str:
    """One ``TEAM_TIE`` per tie of each team member (anyone at an ``own`` organisation) in
    ``$people`` (or everyone on the team), from the ``TIE``: the other's organisation, its kind
    and the other's role, the weighted personal and business evidence (the tie's ``p`` and ``q``),
    the friendship's kind and the common friends."""
    source = ("UNWIND $people AS pid MATCH (m:Person {id: pid})-[:WORKS_AT]->(:Organisation {kind: 'own'})"
              if scoped else "MATCH (m:Person)-[:WORKS_AT]->(:Organisation {kind: 'own'})")
    return _made(f"""
        {source}
        CALL (m) {{
            MATCH (m)-[t:TIE]-(x:Person)-[:WORKS_AT]->(o:Organisation)
            {_TEAM_SET}
        }} IN TRANSACTIONS OF 200 ROWS
    """, scoped)


#: The ``TEAM_TIE`` of team members not in ``$people`` to those in it (:func:`team` makes the rest).
TEAM_OTHERS = f"""
    UNWIND $people AS pid
    MATCH (x:Person {{id: pid}})-[:WORKS_AT]->(o:Organisation)
    CALL (x, o) {{
        MATCH (x)-[t:TIE]-(m:Person)-[:WORKS_AT]->(:Organisation {{kind: 'own'}})
        WHERE NOT m.id IN $people
        {_TEAM_SET}
    }} IN TRANSACTIONS OF 200 ROWS
"""

#: The team ties of the pairs (:func:`team` for each end on the team).
TEAM_PAIRS = f"""
    UNWIND $pairs AS pr
    UNWIND [[pr[0], pr[1]], [pr[1], pr[0]]] AS ends
    MATCH (m:Person {{id: ends[0]}})-[:WORKS_AT]->(:Organisation {{kind: 'own'}})
    MATCH (x:Person {{id: ends[1]}})-[:WORKS_AT]->(o:Organisation)
    CALL (m, x, o) {{
        MATCH (m)-[t:TIE]-(x)
        {_TEAM_SET}
    }} IN TRANSACTIONS OF 500 ROWS
"""

#: Each organisation's reach: how many of its people any rep has a team tie to (cleared first:
#: an organisation no rep reaches has none) ...
REACH_CLEAR = "MATCH (o:Organisation) WHERE o.team_reach IS NOT NULL REMOVE o.team_reach"
REACH_ALL = """
    MATCH (r:Person {role: 'rep'})-[:WORKS_AT]->(:Organisation {kind: 'own'})
    MATCH (r)-[t:TEAM_TIE]->(x)
    WITH t.org_id AS oid, count(DISTINCT x) AS n
    MATCH (o:Organisation {id: oid})
    SET o.team_reach = n
"""
#: ... or of the organisations in ``$orgs``.
REACH_OF = """
    UNWIND $orgs AS oid
    MATCH (o:Organisation {id: oid})
    CALL (o) {
        OPTIONAL MATCH (x:Person)-[:WORKS_AT]->(o)
        WHERE EXISTS { (r:Person {role: 'rep'})-[t:TEAM_TIE]->(x) WHERE t.org_id = o.id }
        RETURN count(x) AS n
    }
    SET o.team_reach = CASE WHEN n > 0 THEN n END
"""

_DECAY = render(DECAY, "cypher", {"age": "toFloat(duration.inDays(i.date, $ref).days)", "half_life": "$half_life"})

_ACTIVITY = f"""
    CALL (o) {{
        OPTIONAL MATCH (i:Interaction)-[:ABOUT]->(o)
        WITH o, i, CASE WHEN i IS NULL THEN 0.0 ELSE {_DECAY} END AS w
        WITH o, sum(CASE WHEN i.nature = 'personal' THEN 1 ELSE 0 END) AS pn,
             max(CASE WHEN i.nature = 'personal' THEN i.date END) AS pl,
             sum(CASE WHEN i.nature = 'personal' THEN w ELSE 0.0 END) AS pm,
             sum(CASE WHEN i.nature = 'business' THEN 1 ELSE 0 END) AS bn,
             max(CASE WHEN i.nature = 'business' THEN i.date END) AS bl,
             sum(CASE WHEN i.nature = 'business' THEN w ELSE 0.0 END) AS bm
        SET o.personal_n = CASE WHEN pn > 0 THEN pn END, o.personal_last = pl,
            o.personal_mass = CASE WHEN pn > 0 THEN pm END,
            o.business_n = CASE WHEN bn > 0 THEN bn END, o.business_last = bl,
            o.business_mass = CASE WHEN bn > 0 THEN bm END
    }} IN TRANSACTIONS OF 1000 ROWS
"""


def activity(scoped: bool) -> str:
    """Each organisation's (in ``$orgs``, or every one's) activity per nature
    (:data:`graph.formula.DECAY` as of ``$ref``); none where it has no interaction of that nature."""
    return ("UNWIND $orgs AS oid MATCH (o:Organisation {id: oid})" if scoped else "MATCH (o:Organisation)") + _ACTIVITY
