"""The Neo4j store's schema, input writes, dump, and metadata, as Cypher text.

Writes are ``UNWIND $rows`` batches; every value travels as a parameter. Each load stamps
what it writes with ``_run``; what the load did not stamp is then deleted, so a load
converges to exactly its input even after a crash part-way.

The metadata is one ``(:RelmapMeta {key: 'store'})`` node: ``schema_version``
(:data:`graph.derived.SCHEMA_VERSION`), the derived data's stamp
(:meth:`graph.derived.Stamp.to_text`: ``revision``, ``built``, ``ref``, ``newest``,
``friend_ref``, ``half_life``, ``weights``, as text), a load in progress (``loading``,
``loading_since``, ``loading_beat``), and ``generation``, counted up by every load and
rebuild that starts (a reader that sees it change knows its reads may mix two states).

>>> "UNWIND $rows" in UPSERT["people"]
True
"""

from __future__ import annotations

__all__ = ["LABELS", "DERIVED_REL_TYPES", "INPUT_REL_TYPES", "REL_TYPES", "SCHEMA", "UPSERT", "STALE_NODES",
           "STALE_RELATIONSHIPS", "REFRESH", "REMOVE", "FINGERPRINTS", "COUNTS", "DUMP", "DUMP_BY_KEY", "LOADING_SET", "LOADING_BEAT", "META_SET", "STATE",
           "STATE_AND_STAMP", "STAMP_KEYS", "REBUILD_START", "STAMP_SET", "IMPORTED", "IMPORT_DONE"]

LABELS = ("Organisation", "Person", "Interaction", "Deal")
#: The derived relationship types (:mod:`graph.store.neo4j.cypher_derived`); the others hold the input.
DERIVED_REL_TYPES = ("TIE", "TEAM_TIE", "MET")
INPUT_REL_TYPES = ("WORKS_AT", "KNOWS", "ATTENDED", "ABOUT", "COVERS", "FOR", "HANDLES")
REL_TYPES = DERIVED_REL_TYPES + INPUT_REL_TYPES

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
        SET k.kind = r.kind, k.since = r.since, k._fp = r.fp, k._run = $run
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
        SET c.role = r.role, c.since = r.since, c._fp = r.fp, c._run = $run
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

#: Deletes up to ``$limit`` relationships of a type that the current load did not write (a load
#: deletes the derived ones beforehand: :data:`graph.store.neo4j.cypher_derived.DELETE_ALL`).
STALE_RELATIONSHIPS = {
    rel: f"""
        MATCH ()-[r:{rel}]->() WHERE r._run IS NULL OR r._run <> $run
        WITH r LIMIT $limit
        DELETE r
        RETURN count(*) AS deleted
    """
    for rel in REL_TYPES
}

#: A refresh (:meth:`graph.store.neo4j.store.Neo4jStore.load` writing only what changed):
#: the rows added or changed, written over what is held. Organisations and people keep the
#: derived properties a refresh rebuilds only around the change (``+=``: a missing value
#: removes its property); a person's ``WORKS_AT`` follows their organisation. Interactions
#: and deals that changed are removed first (:data:`REMOVE`) and written as new.
REFRESH = {
    **UPSERT,
    "organisations": """
        UNWIND $rows AS r
        MERGE (o:Organisation {id: r.id})
        SET o += r, o._run = $run
    """,
    "people": """
        UNWIND $rows AS r
        MERGE (p:Person {id: r.id})
        SET p += r.props, p._run = $run
        WITH p, r
        CALL (p, r) {
            MATCH (p)-[w:WORKS_AT]->(o:Organisation) WHERE o.id <> r.org_id
            DELETE w
        }
        WITH p, r
        MATCH (o:Organisation {id: r.org_id})
        MERGE (p)-[w:WORKS_AT]->(o)
        SET w._run = $run
    """,
}

#: The rows of each kind a refresh removes, by key (``$keys``: ids, or ``[a, b]`` of a
#: friendship, ``[org_id, rep_id]`` of an account).
REMOVE = {
    "organisations": "UNWIND $keys AS k MATCH (n:Organisation {id: k}) DETACH DELETE n",
    "people": "UNWIND $keys AS k MATCH (n:Person {id: k}) DETACH DELETE n",
    "friendships": "UNWIND $keys AS k MATCH (:Person {id: k[0]})-[r:KNOWS]->(:Person {id: k[1]}) DELETE r",
    "interactions": "UNWIND $keys AS k MATCH (n:Interaction {id: k}) DETACH DELETE n",
    "accounts": "UNWIND $keys AS k MATCH (:Person {id: k[1]})-[r:COVERS]->(:Organisation {id: k[0]}) DELETE r",
    "deals": "UNWIND $keys AS k MATCH (n:Deal {id: k}) DETACH DELETE n",
}

def _chunk(label: str, rows: str) -> str:
    """Up to ``$limit`` nodes of ``label`` with ids after ``$after`` (in id order: the
    uniqueness constraint's index), and what ``rows`` makes of each ``n``."""
    return (f"CALL () {{ MATCH (n:{label}) WHERE n.id > $after RETURN n ORDER BY n.id LIMIT $limit }} "
            f"WITH collect(n) AS chunk RETURN last(chunk).id AS last, [n IN chunk | {rows}] AS rows")


#: Each kind of row's keys and fingerprints (:func:`graph.store.changes.fingerprint`, kept as
#: ``_fp`` on each node and input relationship: bookkeeping, as ``_run``), a chunk at a time: ``rows`` holds a list per
#: node of ``[key..., fp]`` lists, ``last`` the chunk's last id (``$after`` of the next).
FINGERPRINTS = {
    "organisations": _chunk("Organisation", "[[n.id, n._fp]]"),
    "people": _chunk("Person", "[[n.id, n._fp]]"),
    "friendships": _chunk("Person", "[(n)-[k:KNOWS]->(b:Person) | [n.id, b.id, k._fp]]"),
    "interactions": _chunk("Interaction", "[[n.id, n._fp]]"),
    "accounts": _chunk("Person", "[(n)-[c:COVERS]->(o:Organisation) | [o.id, n.id, c._fp]]"),
    "deals": _chunk("Deal", "[[n.id, n._fp]]"),
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

#: An interaction ``i``'s row, its participants in order (:data:`DUMP`, :data:`DUMP_BY_KEY`).
_INTERACTION_ROW = """
        OPTIONAL MATCH (i)-[:ABOUT]->(o:Organisation)
        CALL (i) {
            MATCH (p:Person)-[a:ATTENDED]->(i)
            WITH p, a ORDER BY a.position
            RETURN collect(p.id) AS participants
        }
        RETURN i.id AS id, i.date AS date, i.type AS type, i.nature AS nature, participants,
               o.id AS org_id, i.notes AS notes
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
    """ + _INTERACTION_ROW + """
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

#: The rows of the keys in ``$keys`` (as :data:`DUMP` returns them; a two-part key as a list),
#: and ``people_at``: the people of the organisations in ``$keys`` (an update reads only these).
DUMP_BY_KEY = {
    "organisations": """
        UNWIND $keys AS k
        MATCH (o:Organisation {id: k})
        RETURN o.id AS id, o.name AS name, o.kind AS kind, o.industry AS industry,
               o.annual_revenue AS annual_revenue
    """,
    "people": """
        UNWIND $keys AS k
        MATCH (p:Person {id: k})-[:WORKS_AT]->(o:Organisation)
        RETURN p.id AS id, p.name AS name, o.id AS org_id, p.title AS title, p.role AS role, p.email AS email
    """,
    "people_at": """
        UNWIND $keys AS k
        MATCH (p:Person)-[:WORKS_AT]->(o:Organisation {id: k})
        RETURN p.id AS id, p.name AS name, o.id AS org_id, p.title AS title, p.role AS role, p.email AS email
    """,
    "friendships": """
        UNWIND $keys AS k
        MATCH (:Person {id: k[0]})-[r:KNOWS]-(:Person {id: k[1]})
        RETURN startNode(r).id AS a, endNode(r).id AS b, r.kind AS kind, r.since AS since
    """,
    "interactions": """
        UNWIND $keys AS k
        MATCH (i:Interaction {id: k})
    """ + _INTERACTION_ROW,
    "accounts": """
        UNWIND $keys AS k
        MATCH (rep:Person {id: k[1]})-[c:COVERS]->(o:Organisation {id: k[0]})
        RETURN o.id AS org_id, rep.id AS rep_id, c.role AS role, c.since AS since
    """,
    "deals": """
        UNWIND $keys AS k
        MATCH (d:Deal {id: k})-[:FOR]->(o:Organisation)
        OPTIONAL MATCH (rep:Person)-[:HANDLES]->(d)
        RETURN d.id AS id, o.id AS org_id, d.amount AS amount, d.status AS status, rep.id AS rep_id,
               d.closed_on AS closed_on, d.product AS product
    """,
}

# -- the metadata -------------------------------------------------------------------------
#: The stamp's keys (:meth:`graph.derived.Stamp.to_text`), each a text property of the meta node.
STAMP_KEYS = ("revision", "built", "ref", "newest", "friend_ref", "half_life", "weights", "routes")

#: Marks a load in progress (readers wait for it: they must not see half of it); the
#: loader's heartbeat thread keeps ``loading_beat`` fresh, so a killed load shows as stale.
LOADING_SET = """
    MERGE (m:RelmapMeta {key: 'store'})
    SET m.loading = $run, m.loading_since = datetime(), m.loading_beat = datetime(),
        m.generation = coalesce(m.generation, 0) + 1
"""

LOADING_BEAT = "MATCH (m:RelmapMeta {key: 'store'}) WHERE m.loading = $run SET m.loading_beat = datetime()"

#: Ends a load: the node holds exactly the schema version, the stamp (``$meta``) and the
#: generation (whatever an older relmap kept there is gone).
META_SET = """
    MERGE (m:RelmapMeta {key: 'store'})
    WITH m, m.generation AS generation
    SET m = $meta, m.key = 'store', m.generation = coalesce(generation, 0), m.loaded_at = datetime()
"""

#: The run a bulk import (:mod:`graph.store.neo4j.bulk`) left to finish, if any.
IMPORTED = "MATCH (m:RelmapMeta {key: 'store'}) WHERE m.imported IS NOT NULL RETURN m.imported AS imported"
#: A bulk import finished.
IMPORT_DONE = "MATCH (m:RelmapMeta {key: 'store'}) REMOVE m.imported"

#: A rebuild starts: readers answer from the input rows until :data:`STAMP_SET` (``built`` empty).
REBUILD_START = """
    MATCH (m:RelmapMeta {key: 'store'})
    SET m.built = '', m.generation = coalesce(m.generation, 0) + 1
"""

#: A rebuild ends: the new stamp (unless a load replaced the revision meanwhile).
STAMP_SET = "MATCH (m:RelmapMeta {key: 'store'}) WHERE m.revision = $revision SET m += $stamp"

_STATE = """m.revision AS revision, m.loading AS loading, toString(m.loading_since) AS since,
           duration.inSeconds(m.loading_beat, datetime()).seconds AS idle, m.generation AS generation,
           m.schema_version AS schema_version"""

#: The revision, any load in progress (with the seconds since its last heartbeat), the generation,
#: the schema version.
STATE = f"""
    OPTIONAL MATCH (m:RelmapMeta {{key: 'store'}})
    RETURN {_STATE}
"""

#: :data:`STATE` with the stamp: what a reader reads as it opens.
STATE_AND_STAMP = f"""
    OPTIONAL MATCH (m:RelmapMeta {{key: 'store'}})
    RETURN {_STATE}, {", ".join(f"m.{k} AS {k}" for k in STAMP_KEYS if k != "revision")}
"""
