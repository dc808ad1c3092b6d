"""The SQL that reads an embedded store out whole, for Neo4j's bulk importer
(:mod:`graph.store.neo4j.bulk`): one ``SELECT`` per node label and relationship type, in the
order the Neo4j store keeps each one's properties, and the lists a node or a tie keeps, each
sorted by its owner's key so that they are merged in one pass.

Every ``SELECT`` reads a table in its primary key's order (no sort), or an input table whole.
"""

from __future__ import annotations

__all__ = ["NODES", "RELATIONSHIPS", "SELECTS", "LISTS", "META", "count", "SPLIT", "MULTILINE"]

#: Per label: the node's properties (the columns' names are the Neo4j properties').
NODES = {
    "Organisation": """
        SELECT o.id, o.name, o.kind, o.industry, o.annual_revenue, o.fp AS _fp,
               pa.n AS personal_n, pa.last AS personal_last, pa.mass AS personal_mass,
               ba.n AS business_n, ba.last AS business_last, ba.mass AS business_mass,
               r.contacts AS team_reach
        FROM organisations o
        LEFT JOIN org_activity pa ON pa.org_id = o.id AND pa.nature = 'personal'
        LEFT JOIN org_activity ba ON ba.org_id = o.id AND ba.nature = 'business'
        LEFT JOIN team_reach r ON r.org_id = o.id
    """,
    # in id order: the routes (LISTS) are merged in
    "Person": """
        SELECT p.id, p.name, p.title, p.role, p.email, p.fp AS _fp, coalesce(t.n, 0) AS ties
        FROM people p LEFT JOIN person_ties t ON t.id = p.id
        ORDER BY p.id
    """,
    "Interaction": "SELECT id, date, type, nature, notes, fp AS _fp FROM interactions",
    "Deal": "SELECT id, amount, status, closed_on, product, fp AS _fp FROM deals",
}

#: Per relationship type: its start node's id, its end node's id, its properties.
RELATIONSHIPS = {
    "WORKS_AT": "SELECT id, org_id FROM people",
    "KNOWS": "SELECT person_a, person_b, kind, since, fp AS _fp FROM friendships",
    "ATTENDED": "SELECT person_id, interaction_id, position FROM participants",
    "ABOUT": "SELECT id, org_id FROM interactions WHERE org_id IS NOT NULL",
    "COVERS": "SELECT rep_id, org_id, role, since, fp AS _fp FROM accounts",
    "FOR": "SELECT id, org_id FROM deals",
    "HANDLES": "SELECT rep_id, id FROM deals WHERE rep_id IS NOT NULL",
    "MET": "SELECT a, b, type, nature, n, last, mass FROM pair_evidence",
    # in (a, b) order: each tie's evidence (LISTS) is merged in
    "TIE": "SELECT a, b, kind, since, shared, p, q FROM ties ORDER BY a, b",
    "TEAM_TIE": "SELECT member, other, org_id, org_kind, role, p, q, kind, shared FROM team_ties",
}

#: The lists kept on a node or a tie, by its key, each in its key's order and then rank:
#: ``(key..., value...)`` rows.
LISTS = {
    "route_reps": "SELECT person, rep, s FROM route_reps ORDER BY person, rank",
    "team_routes": "SELECT person, via, v FROM team_routes ORDER BY person, rank",
    "evidence": "SELECT a, b, type, nature, n, last, mass FROM pair_evidence ORDER BY a, b, type, nature",
}

#: The stamp and what else the store keeps about itself.
META = "SELECT key, value FROM meta"

#: Each label's or type's ``SELECT``.
SELECTS = {**NODES, **RELATIONSHIPS}


def count(label: str) -> str:
    """How many rows ``label``'s ``SELECT`` gives (for progress; the meta node: one).

    >>> count("FOR")
    'SELECT count(*) FROM (SELECT id, org_id FROM deals)'
    """
    return f"SELECT count(*) FROM ({SELECTS[label]})" if label in SELECTS else "SELECT 1"


#: A value that would be split as a list (it holds U+001F, the lists' delimiter): a person's
#: id (in the routes' lists) or an interaction's type (in a tie's types), with its file.
SPLIT = """
    SELECT 'person', id FROM people WHERE instr(id, char(31)) > 0
    UNION ALL SELECT 'interaction type', type FROM interactions WHERE instr(type, char(31)) > 0
    LIMIT 1
"""

#: The input's text columns, which every text of the derived data comes from (ids, types and
#: kinds; a friendship's and an interaction's other ends are people's ids).
_TEXT = {"organisations": ("id", "name", "kind", "industry"), "people": ("id", "name", "title", "role", "email"),
         "friendships": ("kind",), "interactions": ("id", "type", "notes", "org_id"), "accounts": ("role",),
         "deals": ("id", "status", "product")}

#: Whether any text the files hold has a line break (the importer then reads every file the
#: slower way that allows one, ``--multiline-fields``).
MULTILINE = "SELECT " + " OR ".join(
    f"EXISTS (SELECT 1 FROM {table} WHERE "
    + " OR ".join(f"instr({c}, char(10)) + instr({c}, char(13)) > 0" for c in columns) + ")"
    for table, columns in _TEXT.items())
