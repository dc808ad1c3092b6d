"""Every Cypher statement of the Neo4j store, in one place.

Writes are ``UNWIND $rows`` batches; every value travels as a parameter. Each
load stamps what it writes with ``_run``; what the load did not stamp is then
deleted, so a load converges to exactly its input even after a crash part-way.

>>> "UNWIND $rows" in UPSERT["people"]
True
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Packed", "packed", "SCHEMA", "UPSERT", "STALE_NODES", "STALE_RELATIONSHIPS", "COUNTS", "DUMP", "META_SET", "META_GET",
           "LABELS", "REL_TYPES", "DERIVED_REL_TYPES"]


class Packed(NamedTuple):
    """A read whose rows come back as one list in one record.

    The Python driver spends about 15 µs per record it receives; that is about 90 ms for a
    6,000-row read that the server answers in 5 ms. A list of 6,000 rows in one record
    decodes in 5 to 8 ms. So the reads an analysis makes many rows of are packed. Only
    reads bounded by their input, or already aggregated on the server, are packed; a
    dump of a whole label keeps streaming.

    ``columns`` names the fields of each row, in order. :meth:`graph.store.neo4j.Neo4jStore._read`
    hands the rows back as mappings of them.
    """

    text: str
    columns: tuple[str, ...]
    dates: tuple[str, ...] = ()


def packed(query: str, *columns: str, dates: tuple[str, ...] = ()) -> Packed:
    """``query``'s rows (its ``RETURN`` names ``columns``) collected into one list. The
    ``dates`` columns travel as ISO text: the driver takes about 5 µs to make each
    temporal value, ten times what parsing the text takes.

    >>> packed("UNWIND $ids AS x RETURN x AS a, date() AS d", "a", "d", dates=("d",)).text
    'CALL () { UNWIND $ids AS x RETURN x AS a, date() AS d } RETURN collect([a, toString(d)]) AS rows'
    """
    fields = ", ".join(f"toString({c})" if c in dates else c for c in columns)
    return Packed(f"CALL () {{ {query.strip()} }} RETURN collect([{fields}]) AS rows", columns, dates)


LABELS = ("Organisation", "Person", "Interaction", "Deal")
#: The derived relationship types (see :data:`TIE_BUILD`, :data:`TEAM_BUILD`, :data:`EVIDENCE_BUILD`);
#: the others hold the input.
DERIVED_REL_TYPES = ("TIE", "TEAM_TIE", "MET")
REL_TYPES = DERIVED_REL_TYPES + ("WORKS_AT", "KNOWS", "ATTENDED", "ABOUT", "COVERS", "FOR", "HANDLES")

SCHEMA = [
    "CREATE CONSTRAINT organisation_id IF NOT EXISTS FOR (n:Organisation) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT interaction_id IF NOT EXISTS FOR (n:Interaction) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT deal_id IF NOT EXISTS FOR (n:Deal) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT relmap_meta_key IF NOT EXISTS FOR (n:RelmapMeta) REQUIRE n.key IS UNIQUE",
    "CREATE INDEX person_role IF NOT EXISTS FOR (n:Person) ON (n.role)",
    "CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name)",
    "CREATE INDEX organisation_kind IF NOT EXISTS FOR (n:Organisation) ON (n.kind)",
    "CREATE INDEX organisation_name IF NOT EXISTS FOR (n:Organisation) ON (n.name)",
    "CREATE INDEX interaction_date IF NOT EXISTS FOR (n:Interaction) ON (n.date)",
    "CREATE INDEX deal_status IF NOT EXISTS FOR (n:Deal) ON (n.status)",
]

UPSERT = {
    "organisations": """
        UNWIND $rows AS r
        MERGE (o:Organisation {id: r.id})
        SET o = r, o._run = $run
    """,
    "people": """
        UNWIND $rows AS r
        MERGE (p:Person {id: r.id})
        SET p = r.props, p._run = $run
        WITH p, r
        MATCH (o:Organisation {id: r.org_id})
        MERGE (p)-[w:WORKS_AT]->(o)
        SET w._run = $run
    """,
    "friendships": """
        UNWIND $rows AS r
        MATCH (a:Person {id: r.a})
        MATCH (b:Person {id: r.b})
        MERGE (a)-[k:KNOWS]->(b)
        SET k.kind = r.kind, k.since = r.since, k._run = $run
    """,
    "interactions": """
        UNWIND $rows AS r
        MERGE (i:Interaction {id: r.id})
        SET i = r.props, i._run = $run
        WITH i, r
        OPTIONAL MATCH (o:Organisation {id: r.org_id})
        FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END |
            MERGE (i)-[a:ABOUT]->(o)
            SET a._run = $run)
    """,
    "participants": """
        UNWIND $rows AS r
        MATCH (p:Person {id: r.person})
        MATCH (i:Interaction {id: r.interaction})
        MERGE (p)-[a:ATTENDED]->(i)
        SET a.position = r.position, a._run = $run
    """,
    "accounts": """
        UNWIND $rows AS r
        MATCH (rep:Person {id: r.rep_id})
        MATCH (o:Organisation {id: r.org_id})
        MERGE (rep)-[c:COVERS]->(o)
        SET c.role = r.role, c.since = r.since, c._run = $run
    """,
    "deals": """
        UNWIND $rows AS r
        MERGE (d:Deal {id: r.id})
        SET d = r.props, d._run = $run
        WITH d, r
        MATCH (o:Organisation {id: r.org_id})
        MERGE (d)-[f:FOR]->(o)
        SET f._run = $run
        WITH d, r
        OPTIONAL MATCH (rep:Person {id: r.rep_id})
        FOREACH (_ IN CASE WHEN rep IS NULL THEN [] ELSE [1] END |
            MERGE (rep)-[h:HANDLES]->(d)
            SET h._run = $run)
    """,
}

#: Deletes up to ``$limit`` nodes of a label that the current load did not write.
STALE_NODES = {
    label: f"""
        MATCH (n:{label}) WHERE n._run IS NULL OR n._run <> $run
        WITH n LIMIT $limit
        DETACH DELETE n
        RETURN count(*) AS deleted
    """
    for label in LABELS
}

#: Deletes up to ``$limit`` relationships of a type that the current load did not write.
STALE_RELATIONSHIPS = {
    rel: f"""
        MATCH ()-[r:{rel}]->() WHERE r._run IS NULL OR r._run <> $run
        WITH r LIMIT $limit
        DELETE r
        RETURN count(*) AS deleted
    """
    for rel in REL_TYPES
}

COUNTS = """
    CALL () { MATCH (n:Organisation) RETURN count(n) AS organisations }
    CALL () { MATCH (n:Person) RETURN count(n) AS people }
    CALL () { MATCH ()-[r:KNOWS]->() RETURN count(r) AS friendships }
    CALL () { MATCH (n:Interaction) RETURN count(n) AS interactions }
    CALL () { MATCH ()-[r:COVERS]->() RETURN count(r) AS accounts }
    CALL () { MATCH (n:Deal) RETURN count(n) AS deals }
    RETURN organisations, people, friendships, interactions, accounts, deals
"""

DUMP = {
    "organisations": """
        MATCH (o:Organisation)
        RETURN o.id AS id, o.name AS name, o.kind AS kind, o.industry AS industry,
               o.annual_revenue AS annual_revenue
        ORDER BY id
    """,
    "people": """
        MATCH (p:Person)-[:WORKS_AT]->(o:Organisation)
        RETURN p.id AS id, p.name AS name, o.id AS org_id, p.title AS title, p.role AS role, p.email AS email
        ORDER BY id
    """,
    "friendships": """
        MATCH (a:Person)-[k:KNOWS]->(b:Person)
        RETURN a.id AS a, b.id AS b, k.kind AS kind, k.since AS since
        ORDER BY a, b
    """,
    "interactions": """
        MATCH (i:Interaction)
        OPTIONAL MATCH (i)-[:ABOUT]->(o:Organisation)
        CALL (i) {
            MATCH (p:Person)-[a:ATTENDED]->(i)
            WITH p, a ORDER BY a.position
            RETURN collect(p.id) AS participants
        }
        RETURN i.id AS id, i.date AS date, i.type AS type, i.nature AS nature, participants,
               o.id AS org_id, i.notes AS notes
        ORDER BY id
    """,
    "accounts": """
        MATCH (rep:Person)-[c:COVERS]->(o:Organisation)
        RETURN o.id AS org_id, rep.id AS rep_id, c.role AS role, c.since AS since
        ORDER BY org_id, rep_id
    """,
    "deals": """
        MATCH (d:Deal)-[:FOR]->(o:Organisation)
        OPTIONAL MATCH (rep:Person)-[:HANDLES]->(d)
        RETURN d.id AS id, o.id AS org_id, d.amount AS amount, d.status AS status, rep.id AS rep_id,
               d.closed_on AS closed_on, d.product AS product
        ORDER BY id
    """,
}

META_SET = """
    MERGE (m:RelmapMeta {key: 'store'})
    SET m.revision = $revision, m.loaded_at = datetime(), m.schema_version = $schema_version,
        m.evidence_ref = $evidence_ref, m.evidence_half_life = $evidence_half_life,
        m.evidence_revision = $revision, m.team_revision = $revision, m.team_weights = $team_weights,
        m.friend_ref = $friend_ref, m.team_version = $team_version, m.tie_revision = $revision
    REMOVE m.loading, m.loading_since, m.loading_beat
"""

#: Marks a load in progress (readers wait for it: they must not see half of it); the
#: loader's heartbeat thread keeps ``loading_beat`` fresh, so a killed load shows as stale.
LOADING_SET = """
    MERGE (m:RelmapMeta {key: 'store'})
    SET m.loading = $run, m.loading_since = datetime(), m.loading_beat = datetime()
"""

LOADING_BEAT = "MATCH (m:RelmapMeta {key: 'store'}) WHERE m.loading = $run SET m.loading_beat = datetime()"

#: The revision, and any load in progress with the seconds since its last heartbeat.
STATE = """
    OPTIONAL MATCH (m:RelmapMeta {key: 'store'})
    RETURN m.revision AS revision, m.loading AS loading, toString(m.loading_since) AS since,
           duration.inSeconds(m.loading_beat, datetime()).seconds AS idle
"""

#: What says whether the ``MET`` relationships answer: built by the current load.
META_EVIDENCE = """
    MATCH (m:RelmapMeta {key: 'store'})
    RETURN m.revision AS revision, m.evidence_revision AS evidence_revision, m.evidence_ref AS ref,
           m.evidence_half_life AS half_life, m.tie_revision AS tie_revision, m.friend_ref AS friend_ref
"""

#: :data:`STATE` and :data:`META_EVIDENCE` in one read (the first of a consistent read's).
STATE_AND_EVIDENCE = """
    OPTIONAL MATCH (m:RelmapMeta {key: 'store'})
    RETURN m.revision AS revision, m.loading AS loading, toString(m.loading_since) AS since,
           duration.inSeconds(m.loading_beat, datetime()).seconds AS idle,
           m.evidence_revision AS evidence_revision, m.evidence_ref AS ref, m.evidence_half_life AS half_life,
           m.tie_revision AS tie_revision, m.friend_ref AS friend_ref
"""

# -- the materialised pair evidence ------------------------------------------------
#: The newest interaction date: the reference date of the evidence masses.
EVIDENCE_REF = "MATCH (i:Interaction) RETURN max(i.date) AS ref"

#: One ``(a)-[:MET {type, nature, n, last, mass}]->(b)`` (``a.id < b.id``) per pair of
#: people who attended an interaction together, type and nature; the mass is as of
#: ``$ref`` (see graph/store/evidence.py). Run in its own implicit transaction (it
#: commits every 500 people); MERGE makes a re-run after a lost connection converge.
EVIDENCE_BUILD = """
    MATCH (a:Person)
    CALL (a) {
        MATCH (a)-[:ATTENDED]->(i:Interaction)<-[:ATTENDED]-(b:Person)
        WHERE a.id < b.id
        WITH a, b, i, 2.0 ^ (-toFloat(duration.inDays(i.date, $ref).days) / $half_life)
                   / sqrt(toFloat(COUNT { (i)<-[:ATTENDED]-(:Person) } - 1)) AS w
        WITH a, b, i.type AS type, i.nature AS nature, count(*) AS n, max(i.date) AS last, sum(w) AS mass
        MERGE (a)-[m:MET {type: type, nature: nature}]->(b)
        SET m.n = n, m.last = last, m.mass = mass, m._run = $run
    } IN TRANSACTIONS OF 500 ROWS
"""
META_GET = "MATCH (m:RelmapMeta {key: 'store'}) RETURN m.revision AS revision"

# -- one relationship per tie, for the path reads ---------------------------------------
#: One ``(a)-[:TIE]->(b)`` (``a.id < b.id``) per pair of people with a ``MET`` or a ``KNOWS``
#: between them: the friendship's ``kind`` and ``since`` (none without one), and the pair's
#: ``MET`` rows as parallel lists (``types``, ``natures``, ``ns``, ``lasts``, ``masses``);
#: ``shared`` is filled by :data:`TIE_SHARED`. A path search walks these instead of the
#: ``MET`` and ``KNOWS`` relationships: one per neighbour instead of one per interaction type,
#: and a pair's whole evidence in one relationship. Built after :data:`EVIDENCE_BUILD`,
#: committed as it goes; MERGE makes a re-run converge.
TIE_BUILD = """
    MATCH (a:Person)
    CALL (a) {
        MATCH (a)-[r:MET|KNOWS]-(b:Person)
        WHERE a.id < b.id
        WITH a, b, collect(r) AS rs
        WITH a, b, [r IN rs WHERE type(r) = 'KNOWS'][0] AS k, [r IN rs WHERE type(r) = 'MET'] AS ms
        MERGE (a)-[t:TIE]->(b)
        SET t.kind = k.kind, t.since = k.since, t.types = [m IN ms | m.type], t.natures = [m IN ms | m.nature],
            t.ns = [m IN ms | m.n], t.lasts = [m IN ms | m.last], t.masses = [m IN ms | m.mass], t.shared = 0,
            t._run = $run
    } IN TRANSACTIONS OF 500 ROWS
"""

#: Each ``TIE``'s number of common friends (every friendship: valid on or after the newest one).
TIE_SHARED = """
    MATCH (a:Person)
    CALL (a) {
        MATCH (a)-[:KNOWS]-(c:Person)-[:KNOWS]-(b:Person)
        WHERE a.id < b.id
        WITH a, b, count(DISTINCT c) AS n
        MATCH (a)-[t:TIE]->(b)
        SET t.shared = n
    } IN TRANSACTIONS OF 500 ROWS
"""

#: Each person's number of ties (``TIE`` relationships), returned with every neighbour a path
#: search meets: the cost of expanding them next, without a read of its own.
TIE_DEGREES = """
    MATCH (p:Person)
    CALL (p) { SET p.ties = COUNT { (p)-[:TIE]-() } } IN TRANSACTIONS OF 10000 ROWS
"""

#: Readers use the ``TIE`` relationships once ``rebuild_derived`` has built them.
TIE_REMEMBER = "MATCH (m:RelmapMeta {key: 'store'}) SET m.tie_revision = $revision"

#: Who each of the people has a tie with, from the ``TIE`` relationships (one per pair: no
#: DISTINCT), with the relationship's element id (:data:`TIES_BY_ID` reads it back) and the
#: other's number of ties (``d``: next to its id in the store, so as good as free).
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

#: How many ties each person has (the ``TIE`` relationships, from the degree store).
DEGREES_TIE = packed("""
    UNWIND $ids AS pid
    MATCH (p:Person {id: pid})
    RETURN pid AS id, COUNT { (p)-[:TIE]-() } AS n
""", "id", "n")

#: What a ``TIE`` holds, as the rows of :data:`PAIR_TIES` and :data:`TIES_BY_ID` (the dates as
#: ISO text: ``lasts`` a list of them).
_TIE_FIELDS = """a.id AS a, b.id AS b, t.kind AS kind, t.since AS since, t.shared AS shared, t.types AS types,
           t.natures AS natures, t.ns AS ns, [d IN t.lasts | toString(d)] AS lasts, t.masses AS masses"""
_TIE_COLUMNS = ("a", "b", "kind", "since", "shared", "types", "natures", "ns", "lasts", "masses")

#: The ``TIE`` of each of the given pairs (``[a, b]``, a < b) that has one.
PAIR_TIES = packed(f"""
    UNWIND $pairs AS pr
    MATCH (a:Person {{id: pr[0]}})-[t:TIE]->(b:Person {{id: pr[1]}})
    RETURN {_TIE_FIELDS}
""", *_TIE_COLUMNS, dates=("since",))

#: The ``TIE`` relationships of the given element ids (from :data:`NEIGHBOURS_TIE` in the same
#: consistent read): a seek each, where :data:`PAIR_TIES` looks up both people and the tie
#: between them (0.3 of the time on a path query's pairs at 1M).
TIES_BY_ID = packed(f"""
    UNWIND $rels AS rid
    MATCH (a)-[t:TIE]->(b)
    WHERE elementId(t) = rid
    RETURN {_TIE_FIELDS}
""", *_TIE_COLUMNS, dates=("since",))

# -- the team's ties, kept ready (see graph/store/evidence.py: team_factor) ---------------
#: The newest dated friendship.
FRIEND_REF = "MATCH ()-[k:KNOWS]->() RETURN max(k.since) AS ref"

#: One ``(member)-[:TEAM_TIE {org_id, org_kind, role, p, b, kind, shared}]->(other)`` per tie
#: of each team member (at an ``own`` organisation), as the embedded store's ``team_ties``:
#: the other's organisation, its kind and the other's role, the type-weighted personal and
#: business ``MET`` masses (``$weights``: ``"nature|type"`` -> weight, ``$dp`` / ``$db`` for
#: types not in it), the friendship kind; ``shared`` is filled by :data:`TEAM_SHARED`.
#: Idempotent (MERGE), committed as it goes.
TEAM_BUILD = """
    MATCH (m:Person)-[:WORKS_AT]->(:Organisation {kind: 'own'})
    CALL (m) {
        MATCH (m)-[r:MET|KNOWS]-(x:Person)
        WITH m, x,
             sum(CASE WHEN type(r) = 'MET' AND r.nature = 'personal'
                      THEN coalesce($weights['personal|' + r.type], $dp) * r.mass ELSE 0.0 END) AS p,
             sum(CASE WHEN type(r) = 'MET' AND r.nature = 'business'
                      THEN coalesce($weights['business|' + r.type], $db) * r.mass ELSE 0.0 END) AS b,
             collect(CASE WHEN type(r) = 'KNOWS' THEN r.kind END)[0] AS kind
        MATCH (x)-[:WORKS_AT]->(o:Organisation)
        MERGE (m)-[t:TEAM_TIE]->(x)
        SET t.org_id = o.id, t.org_kind = o.kind, t.role = x.role, t.p = p, t.b = b, t.kind = kind,
            t.shared = 0, t._run = $run
    } IN TRANSACTIONS OF 200 ROWS
"""

#: The common friends of each kept tie: two-step friendship walks from the member.
TEAM_SHARED = """
    MATCH (m:Person)-[:WORKS_AT]->(:Organisation {kind: 'own'})
    CALL (m) {
        MATCH (m)-[:KNOWS]-(:Person)-[:KNOWS]-(y:Person)
        WHERE y <> m
        WITH m, y, count(*) AS n
        MATCH (m)-[t:TEAM_TIE]->(y)
        SET t.shared = n
    } IN TRANSACTIONS OF 200 ROWS
"""

#: Readers stop using the kept team ties (while :data:`TEAM_BUILD` runs again) ...
TEAM_FORGET = "MATCH (m:RelmapMeta {key: 'store'}) REMOVE m.team_revision, m.team_version"
#: ... and use them again once it is done.
TEAM_REMEMBER = """
    MATCH (m:RelmapMeta {key: 'store'})
    SET m.team_revision = $revision, m.team_weights = $team_weights, m.friend_ref = $friend_ref,
        m.team_version = $team_version
"""

META_TEAM = """
    MATCH (m:RelmapMeta {key: 'store'})
    RETURN m.revision AS revision, m.team_revision AS team_revision, m.team_version AS team_version,
           m.team_weights AS team_weights,
           toString(m.evidence_ref) AS evidence_ref, m.evidence_half_life AS evidence_half_life,
           toString(m.friend_ref) AS friend_ref
"""

#: How many of ``$ids`` are on the team.
TEAM_COUNT = """
    UNWIND $ids AS pid
    MATCH (:Person {id: pid})-[:WORKS_AT]->(:Organisation {kind: 'own'})
    RETURN count(*) AS n
"""

#: A kept tie ``t``'s strength, personal and business components, as
#: graph/analysis/ties.py computes them (``$friendship``: kind -> base, ``$fother`` else).
_COMPONENTS = """
    WITH {keep}, t, CASE WHEN t.kind IS NULL THEN 0.0 ELSE coalesce($friendship[t.kind], $fother) END AS base
    WITH {keep}, t, 1.0 - (1.0 - base) * exp(-(t.p * $factor) / $ps) AS personal,
         1.0 - exp(-(t.b * $factor) / $bs) AS business,
         $bonus * (1.0 - exp(-toFloat(t.shared) / $ss)) AS sh
    WITH {keep}, t, personal, business, 1.0 - (1.0 - personal) * (1.0 - $bshare * business) * (1.0 - sh) AS s
    WITH {keep}, t, personal, business, CASE WHEN s > 1.0 THEN 1.0 WHEN s < 1e-9 THEN 1e-9 ELSE s END AS strength
"""

#: Kept ties of team members (``$ids``) to organisations of ``$kinds`` (``null``: any).
TEAM_TIES_OF_MEMBERS = packed("""
    UNWIND $ids AS pid
    MATCH (:Person {id: pid})-[t:TEAM_TIE]->(x:Person)
    WHERE $kinds IS NULL OR t.org_kind IN $kinds
""" + _COMPONENTS.format(keep="pid, x") + """
    RETURN pid AS person, x.id AS other, strength, personal, business
""", "person", "other", "strength", "personal", "business")

#: Kept ties of ``$ids`` (anyone) to the team.
TEAM_TIES_OF_OTHERS = packed("""
    UNWIND $ids AS pid
    MATCH (:Person {id: pid})<-[t:TEAM_TIE]-(m:Person)
""" + _COMPONENTS.format(keep="pid, m") + """
    RETURN pid AS person, m.id AS other, strength, personal, business
""", "person", "other", "strength", "personal", "business")

#: Per (organisation of ``$kinds``, rep of ``$reps``): the role-weighted sum of the reps' kept
#: tie strengths and how many are at least ``$strong`` (``$role_weights``: role -> weight, else 1.0).
ACCOUNT_SHARES = packed("""
    UNWIND $reps AS rep
    MATCH (r:Person {id: rep})-[t:TEAM_TIE]->()
    WHERE t.org_kind IN $kinds
""" + _COMPONENTS.format(keep="rep") + """
    RETURN t.org_id AS org_id, rep, sum(coalesce($role_weights[t.role], 1.0) * strength) AS weighted,
           sum(CASE WHEN strength >= $strong THEN 1 ELSE 0 END) AS strong
""", "org_id", "rep", "weighted", "strong")

#: The reps on the team (for :data:`ACCOUNT_SHARES`).
TEAM_REPS = packed("MATCH (r:Person {role: 'rep'})-[:WORKS_AT]->(:Organisation {kind: 'own'}) RETURN r.id AS id", "id")

#: Per organisation: how many of its people any rep has a kept tie to, kept as the
#: organisation's ``team_reach`` after :data:`TEAM_BUILD` (:data:`TEAM_REACH_CLEAR` first:
#: an organisation no rep reaches has none), and read by :data:`ACCOUNT_REACH`.
TEAM_REACH_CLEAR = "MATCH (o:Organisation) WHERE o.team_reach IS NOT NULL REMOVE o.team_reach"
TEAM_REACH = """
    MATCH (r:Person {role: 'rep'})-[:WORKS_AT]->(:Organisation {kind: 'own'})
    MATCH (r)-[t:TEAM_TIE]->(x)
    WITH t.org_id AS oid, count(DISTINCT x) AS n
    MATCH (o:Organisation {id: oid})
    SET o.team_reach = n
"""
ACCOUNT_REACH = packed("""
    MATCH (o:Organisation)
    WHERE o.kind IN $kinds AND o.team_reach IS NOT NULL
    RETURN o.id AS org_id, o.team_reach AS n
""", "org_id", "n")

#: :data:`ACCOUNT_REACH` counted from the ``TEAM_TIE`` relationships, for a store whose team
#: ties were kept before relmap kept ``team_reach`` (``team_version`` below 2).
ACCOUNT_TIED = packed("""
    MATCH (r:Person {role: 'rep'})-[:WORKS_AT]->(:Organisation {kind: 'own'})
    MATCH (r)-[t:TEAM_TIE]->(x)
    WHERE t.org_kind IN $kinds
    RETURN t.org_id AS org_id, count(DISTINCT x) AS n
""", "org_id", "n")

# -- analysis reads -----------------------------------------------------------------

PERSON_FIELDS = "p.id AS id, p.name AS name, o.id AS org_id, p.title AS title, p.role AS role, p.email AS email"

PEOPLE_BY_ID = f"""
    UNWIND $ids AS pid
    MATCH (p:Person {{id: pid}})-[:WORKS_AT]->(o:Organisation)
    RETURN {PERSON_FIELDS} ORDER BY id
"""

#: (Unsorted: the store sorts in Python.)
PEOPLE_AT_KINDS = packed(f"""
    MATCH (p:Person)-[:WORKS_AT]->(o:Organisation)
    WHERE o.kind IN $kinds AND ($role IS NULL OR p.role = $role)
    RETURN {PERSON_FIELDS}
""", "id", "name", "org_id", "title", "role", "email")

MEMBERS = f"""
    UNWIND $ids AS oid
    MATCH (p:Person)-[:WORKS_AT]->(o:Organisation {{id: oid}})
    RETURN {PERSON_FIELDS} ORDER BY id
"""

ORG_FIELDS = "o.id AS id, o.name AS name, o.kind AS kind, o.industry AS industry, o.annual_revenue AS annual_revenue"

ORGANISATIONS_BY_ID = f"UNWIND $ids AS oid MATCH (o:Organisation {{id: oid}}) RETURN {ORG_FIELDS} ORDER BY id"
#: (Unsorted: the store sorts in Python.)
ORGANISATIONS_BY_KIND = packed(f"MATCH (o:Organisation) WHERE o.kind IN $kinds RETURN {ORG_FIELDS}",
                               "id", "name", "kind", "industry", "annual_revenue")

#: Every rep-account assignment and every deal, packed for the analyses that read them all
#: (an export streams :data:`DUMP` instead); from the relationship type's own lookup index,
#: unsorted: the store sorts in Python.
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

SEARCH = """
    CALL () {
        MATCH (p:Person)-[:WORKS_AT]->(o:Organisation)
        WHERE toLower(p.name) CONTAINS toLower($text) OR p.id = $text
        RETURN 'person' AS kind, p.id AS id, p.name AS name, coalesce(p.title, '') + ' · ' + o.name AS detail
        UNION ALL
        MATCH (o:Organisation)
        WHERE toLower(o.name) CONTAINS toLower($text) OR o.id = $text
        RETURN 'organisation' AS kind, o.id AS id, o.name AS name, o.kind AS detail
    }
    RETURN kind, id, name, detail ORDER BY (id = $text) DESC, name, id LIMIT $limit
"""

FRIENDSHIPS_OF = packed("""
    UNWIND $ids AS pid
    MATCH (p:Person {id: pid})-[k:KNOWS]-(:Person)
    WHERE k.since IS NULL OR k.since <= $as_of
    WITH DISTINCT k
    RETURN startNode(k).id AS a, endNode(k).id AS b, k.kind AS kind, k.since AS since
""", "a", "b", "kind", "since", dates=("since",))

EVENTS_OF = packed("""
    UNWIND $ids AS pid
    MATCH (p:Person {id: pid})-[:ATTENDED]->(i:Interaction)
    WHERE i.date <= $as_of
    WITH p, i, 2.0 ^ (-toFloat(duration.inDays(i.date, $as_of).days) / $half_life)
               / sqrt(toFloat(COUNT { (i)<-[:ATTENDED]-(:Person) } - 1)) AS w
    MATCH (i)<-[:ATTENDED]-(other:Person)
    WHERE other <> p
      AND ($kinds IS NULL OR EXISTS { (other)-[:WORKS_AT]->(o:Organisation) WHERE o.kind IN $kinds })
    RETURN p.id AS person, other.id AS other, i.type AS type, i.nature AS nature,
           count(*) AS n, max(i.date) AS last, sum(w) AS mass
""", "person", "other", "type", "nature", "n", "last", "mass", dates=("last",))

#: Who each of the people has a tie with (ids only): a shared interaction on or before the
#: date, or a friendship declared by then.
#: (``{among}``: a further condition on ``o``, see :data:`NEIGHBOURS_READS`.)
NEIGHBOURS = """
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

#: :data:`EVENTS_OF` from the ``MET`` relationships; ``$factor`` fades the masses from the
#: reference date to the asked one.
EVENTS_OF_MAT = packed("""
    UNWIND $ids AS pid
    MATCH (p:Person {id: pid})-[m:MET]-(other:Person)
    WHERE $kinds IS NULL OR EXISTS { (other)-[:WORKS_AT]->(o:Organisation) WHERE o.kind IN $kinds }
    RETURN pid AS person, other.id AS other, m.type AS type, m.nature AS nature, m.n AS n, m.last AS last,
           m.mass * $factor AS mass
""", "person", "other", "type", "nature", "n", "last", "mass", dates=("last",))

#: :data:`NEIGHBOURS` from the ``MET`` relationships (valid on or after their reference date).
NEIGHBOURS_MAT = """
    UNWIND $ids AS pid
    MATCH (p:Person {{id: pid}})-[r:MET|KNOWS]-(o:Person)
    WHERE (r.since IS NULL OR r.since <= $as_of) {among}
    RETURN DISTINCT pid AS a, o.id AS b
"""

#: How many ``MET`` and ``KNOWS`` relationships each person has (from the degree store: cheap).
DEGREES = packed("""
    UNWIND $ids AS pid
    MATCH (p:Person {id: pid})
    RETURN pid AS id, COUNT { (p)-[:MET|KNOWS]-() } AS n
""", "id", "n")

#: :data:`PAIR_EVENTS` from the ``MET`` relationships.
PAIR_EVENTS_MAT = packed("""
    UNWIND $pairs AS pr
    MATCH (a:Person {id: pr[0]})-[m:MET]->(b:Person {id: pr[1]})
    RETURN a.id AS a, b.id AS b, m.type AS type, m.nature AS nature, m.n AS n, m.last AS last,
           m.mass * $factor AS mass
""", "a", "b", "type", "nature", "n", "last", "mass", dates=("last",))

#: The interaction evidence of exactly the given pairs (``[a, b]`` lists, a < b).
PAIR_EVENTS = packed("""
    UNWIND $pairs AS pr
    MATCH (a:Person {id: pr[0]})-[:ATTENDED]->(i:Interaction)<-[:ATTENDED]-(b:Person {id: pr[1]})
    WHERE i.date <= $as_of
    WITH a, b, i, 2.0 ^ (-toFloat(duration.inDays(i.date, $as_of).days) / $half_life)
               / sqrt(toFloat(COUNT { (i)<-[:ATTENDED]-(:Person) } - 1)) AS w
    RETURN a.id AS a, b.id AS b, i.type AS type, i.nature AS nature, count(*) AS n, max(i.date) AS last,
           sum(w) AS mass
""", "a", "b", "type", "nature", "n", "last", "mass", dates=("last",))

ORG_ACTIVITY = packed("""
    MATCH (i:Interaction)-[:ABOUT]->(o:Organisation)
    WHERE i.date <= $as_of
    RETURN o.id AS org_id, i.nature AS nature, count(*) AS n, max(i.date) AS last,
           sum(2.0 ^ (-toFloat(duration.inDays(i.date, $as_of).days) / $half_life)) AS mass
""", "org_id", "nature", "n", "last", "mass", dates=("last",))

#: The condition keeping :data:`NEIGHBOURS` / :data:`NEIGHBOURS_MAT` to others in ``$among``.
NEIGHBOURS_AMONG = "AND o.id IN $among"

#: The neighbours reads, packed, by (from the ``MET`` relationships, kept to ``$among``). The
#: others are kept to ``$among`` before the rows are made distinct: half the time of a filter after.
NEIGHBOURS_READS = {(kept, among): packed(base.format(among=NEIGHBOURS_AMONG if among else ""), "a", "b")
                    for kept, base in ((False, NEIGHBOURS), (True, NEIGHBOURS_MAT)) for among in (False, True)}

#: :data:`EVENTS_OF_MAT` summed per (person, other) with the type weights (``$weights``: a map
#: from ``"nature|type"``; ``$dp``, ``$db`` for types not in it).
WEIGHTED_MAT = packed("""
    UNWIND $ids AS pid
    MATCH (p:Person {id: pid})-[m:MET]-(other:Person)
    WHERE $kinds IS NULL OR EXISTS { (other)-[:WORKS_AT]->(o:Organisation) WHERE o.kind IN $kinds }
    WITH pid, other, m,
         coalesce($weights[m.nature + '|' + m.type], CASE m.nature WHEN 'personal' THEN $dp ELSE $db END) * m.mass AS wm
    RETURN pid AS person, other.id AS other,
           sum(CASE WHEN m.nature = 'personal' THEN wm ELSE 0.0 END) * $factor AS p,
           sum(CASE WHEN m.nature = 'business' THEN wm ELSE 0.0 END) * $factor AS b
""", "person", "other", "p", "b")
