"""The SQL of the embedded store: its schema, the input rows, and every read.

Values always travel as ``?`` / ``:name`` parameters; a set of ids is one JSON array
parameter unpacked with ``json_each``. Nothing here is built from user input: the only text
pasted into a statement is a formula of :mod:`graph.formula`, rendered once at import
(:func:`tie_strength_sql`, :data:`LIVE_MASS`, ...), and model constants.
The statements that build the derived data are in :mod:`graph.store.sqlite.sql_derived` and
:mod:`graph.store.sqlite.sql_routes` (the team routes).

Query-plan habits: ``CROSS JOIN`` fixes the join order (the few ids asked first, then their
rows by index); ``+column`` keeps SQLite off an index it would otherwise probe per row.
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.formula import DECAY, MASS, TIE_STRENGTH, Lookup, Num, Var, render
from graph.model import ROLES

__all__ = ["SCHEMA", "INPUT_INDEXES", "DERIVED_INDEXES", "TABLES", "COLUMNS", "INSERT", "SELECT_ALL", "SELECT_BY_KEY",
           "COUNT", "FINGERPRINTS", "KEY_COLUMNS", "META_SET", "META_ALL", "age", "tie_strength_sql", "ROLE_WEIGHT"]

#: The tables. Each input row but a participant keeps ``fp``, its fingerprint (a hash of the
#: row and, for an interaction, its participants): a load compares a folder with the store by
#: key and fingerprint without reading the rows back.
SCHEMA = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE organisations (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    industry       TEXT,
    annual_revenue REAL,
    fp             INTEGER NOT NULL
);
CREATE TABLE people (
    id     TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    title  TEXT,
    role   TEXT NOT NULL,
    email  TEXT,
    fp     INTEGER NOT NULL
);
-- an undirected friendship, stored once with person_a < person_b
CREATE TABLE friendships (
    person_a TEXT NOT NULL REFERENCES people(id),
    person_b TEXT NOT NULL REFERENCES people(id),
    kind     TEXT NOT NULL,
    since    TEXT,
    fp       INTEGER NOT NULL,
    PRIMARY KEY (person_a, person_b),
    CHECK (person_a < person_b)
) WITHOUT ROWID;
CREATE TABLE interactions (
    id     TEXT PRIMARY KEY,
    date   TEXT NOT NULL,
    type   TEXT NOT NULL,
    nature TEXT NOT NULL CHECK (nature IN ('personal', 'business')),
    org_id TEXT REFERENCES organisations(id),
    notes  TEXT,
    fp     INTEGER NOT NULL
);
CREATE TABLE participants (
    interaction_id TEXT NOT NULL REFERENCES interactions(id),
    person_id      TEXT NOT NULL REFERENCES people(id),
    position       INTEGER NOT NULL,
    PRIMARY KEY (interaction_id, person_id)
) WITHOUT ROWID;
CREATE TABLE accounts (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    rep_id TEXT NOT NULL REFERENCES people(id),
    role   TEXT NOT NULL,
    since  TEXT,
    fp     INTEGER NOT NULL,
    PRIMARY KEY (org_id, rep_id)
) WITHOUT ROWID;
CREATE TABLE deals (
    id        TEXT PRIMARY KEY,
    org_id    TEXT NOT NULL REFERENCES organisations(id),
    amount    REAL NOT NULL,
    status    TEXT NOT NULL,
    rep_id    TEXT REFERENCES people(id),
    closed_on TEXT,
    product   TEXT,
    fp        INTEGER NOT NULL
);
-- the derived data of graph.derived (built by graph/store/sqlite/build.py), as of the stamp
-- kept in meta: per pair (a < b), type and nature of their interactions: how many, the last
-- date, the evidence mass as of the stamp's ref
CREATE TABLE pair_evidence (
    a      TEXT NOT NULL,
    b      TEXT NOT NULL,
    type   TEXT NOT NULL,
    nature TEXT NOT NULL,
    n      INTEGER NOT NULL,
    last   TEXT NOT NULL,
    mass   REAL NOT NULL,
    PRIMARY KEY (a, b, type, nature)
) WITHOUT ROWID;
-- one row per tie (a < b: an interaction together, or a friendship): the friendship's kind
-- and since (NULL without one), how many friends the two have in common, and the type-weighted
-- personal and business evidence p and q as of the stamp's ref (with the stamp's weights)
CREATE TABLE ties (
    a      TEXT NOT NULL,
    b      TEXT NOT NULL,
    kind   TEXT,
    since  TEXT,
    shared INTEGER NOT NULL,
    p      REAL NOT NULL,
    q      REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
-- per person with a tie: the number of rows of ties they are in
CREATE TABLE person_ties (
    id TEXT PRIMARY KEY,
    n  INTEGER NOT NULL
) WITHOUT ROWID;
-- per organisation an interaction is about, and nature: how many, the last date, the decayed
-- count as of the stamp's ref
CREATE TABLE org_activity (
    org_id TEXT NOT NULL,
    nature TEXT NOT NULL,
    n      INTEGER NOT NULL,
    last   TEXT NOT NULL,
    mass   REAL NOT NULL,
    PRIMARY KEY (org_id, nature)
) WITHOUT ROWID;
-- every tie with a team end (member, at an 'own' organisation), once per team end: the other
-- end's organisation, its kind and the other's role, the type-weighted personal and business
-- evidence p and q as of the stamp's ref (with the stamp's weights), kind and shared as in ties
CREATE TABLE team_ties (
    org_kind TEXT NOT NULL,
    org_id   TEXT NOT NULL,
    member   TEXT NOT NULL,
    other    TEXT NOT NULL,
    role     TEXT NOT NULL,
    p        REAL NOT NULL,
    q        REAL NOT NULL,
    kind     TEXT,
    shared   INTEGER NOT NULL,
    PRIMARY KEY (org_kind, org_id, member, other)
) WITHOUT ROWID;
-- per organisation: how many of its people any rep (a team member with role 'rep') has a tie to
CREATE TABLE team_reach (
    org_id   TEXT PRIMARY KEY,
    contacts INTEGER NOT NULL
) WITHOUT ROWID;
-- per person who is not a rep, with a tie to one: their two strongest reps (rank 1, 2) and the
-- strength of each tie as of the stamp's ref, with the routes' formula
CREATE TABLE route_reps (
    person TEXT NOT NULL,
    rank   INTEGER NOT NULL,
    rep    TEXT NOT NULL,
    s      REAL NOT NULL,
    PRIMARY KEY (person, rank)
) WITHOUT ROWID;
-- per person: the strongest two-hop routes from a rep (rep - via - person, via not a rep), as
-- v = strength(via, person) * strength(via's best rep other than the person) as of the stamp's
-- ref, strongest first (rank 1, 2, ...)
CREATE TABLE team_routes (
    person TEXT NOT NULL,
    rank   INTEGER NOT NULL,
    via    TEXT NOT NULL,
    v      REAL NOT NULL,
    PRIMARY KEY (person, rank)
) WITHOUT ROWID;
"""

#: Secondary indexes of the input rows: dropped before a bulk load, built again after it.
INPUT_INDEXES = {
    "organisations_kind": "CREATE INDEX organisations_kind ON organisations(kind)",
    "people_org": "CREATE INDEX people_org ON people(org_id)",
    "people_role": "CREATE INDEX people_role ON people(role)",
    "friendships_b": "CREATE INDEX friendships_b ON friendships(person_b)",
    "interactions_org": "CREATE INDEX interactions_org ON interactions(org_id, nature, date)",
    "interactions_date": "CREATE INDEX interactions_date ON interactions(date)",
    "participants_person": "CREATE INDEX participants_person ON participants(person_id)",
    "accounts_rep": "CREATE INDEX accounts_rep ON accounts(rep_id)",
    "deals_org": "CREATE INDEX deals_org ON deals(org_id)",
}

#: Secondary indexes of the derived tables (built by the builder once the rows are in).
DERIVED_INDEXES = {
    "pair_evidence_b": "CREATE INDEX pair_evidence_b ON pair_evidence(b, a)",
    "ties_b": "CREATE INDEX ties_b ON ties(b, a)",
    "team_ties_member": "CREATE INDEX team_ties_member ON team_ties(member, other)",
    "team_ties_other": "CREATE INDEX team_ties_other ON team_ties(other)",
}

#: The derived tables, and every table (children first, for clearing).
DERIVED = ("team_routes", "route_reps", "team_reach", "team_ties", "person_ties", "ties", "org_activity", "pair_evidence")
TABLES = (*DERIVED, "participants", "interactions", "friendships", "accounts", "deals", "people", "organisations",
          "meta")

#: Columns of each input table, in insert order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "organisations": ("id", "name", "kind", "industry", "annual_revenue"),
    "people": ("id", "name", "org_id", "title", "role", "email"),
    "friendships": ("person_a", "person_b", "kind", "since"),
    "interactions": ("id", "date", "type", "nature", "org_id", "notes"),
    "participants": ("interaction_id", "person_id", "position"),
    "accounts": ("org_id", "rep_id", "role", "since"),
    "deals": ("id", "org_id", "amount", "status", "rep_id", "closed_on", "product"),
}

#: Each input table's insert: its columns, then (but for participants) the fingerprint.
INSERT = {table: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
          for table, cols in ((t, c if t == "participants" else (*c, "fp")) for t, c in COLUMNS.items())}

#: The columns of each input table's key, where it is not ``id``.
KEY_COLUMNS = {"friendships": ("person_a", "person_b"), "accounts": ("org_id", "rep_id")}

#: Every input table's rows in key order; participants as given.
SELECT_ALL = {
    "organisations": "SELECT id, name, kind, industry, annual_revenue FROM organisations ORDER BY id",
    "people": "SELECT id, name, org_id, title, role, email FROM people ORDER BY id",
    "friendships": "SELECT person_a, person_b, kind, since FROM friendships ORDER BY person_a, person_b",
    "interactions": "SELECT id, date, type, nature, org_id, notes FROM interactions ORDER BY id",
    "participants": "SELECT interaction_id, person_id FROM participants ORDER BY interaction_id, position",
    "accounts": "SELECT org_id, rep_id, role, since FROM accounts ORDER BY org_id, rep_id",
    "deals": "SELECT id, org_id, amount, status, rep_id, closed_on, product FROM deals ORDER BY id",
}

COUNT = {table: f"SELECT count(*) FROM {table}" for table in COLUMNS}

#: Every input table's rows of the keys in the JSON array ``?`` (two-part keys as ``[a, b]``), and
#: the people of the organisations in it, and the participants of the interactions in it.
SELECT_BY_KEY = {
    **{table: select.split(" ORDER BY ")[0] + (
        f" WHERE ({', '.join(KEY_COLUMNS[table])}) IN "
        "(SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))"
        if table in KEY_COLUMNS else
        f" WHERE {'interaction_id' if table == 'participants' else 'id'} IN (SELECT value FROM json_each(?))")
       + " ORDER BY " + select.split(" ORDER BY ")[1]
       for table, select in SELECT_ALL.items()},
    "people_at": SELECT_ALL["people"].replace(" ORDER BY", " WHERE org_id IN (SELECT value FROM json_each(?)) ORDER BY"),
}

#: Each input table's keys and fingerprints (a participant's is in its interaction's).
FINGERPRINTS = {table: f"SELECT {', '.join(KEY_COLUMNS.get(table, ('id',)))}, fp FROM {table}"
                for table in COLUMNS if table != "participants"}

#: Every input table's rows deleted by key (participants: every one of an interaction).
DELETE_BY_KEY = {
    "organisations": "DELETE FROM organisations WHERE id = ?",
    "people": "DELETE FROM people WHERE id = ?",
    "friendships": "DELETE FROM friendships WHERE person_a = ? AND person_b = ?",
    "interactions": "DELETE FROM interactions WHERE id = ?",
    "participants": "DELETE FROM participants WHERE interaction_id = ?",
    "accounts": "DELETE FROM accounts WHERE org_id = ? AND rep_id = ?",
    "deals": "DELETE FROM deals WHERE id = ?",
}

META_SET = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
META_ALL = "SELECT key, value FROM meta"


# -- formulas, rendered from graph.formula --------------------------------------------------
def age(as_of: str, day: str) -> str:
    """The SQL of the days from ``day`` to ``as_of`` (both ISO date texts)."""
    return f"(julianday({as_of}) - julianday({day}))"


def tie_strength_sql(bind: Mapping[str, str]) -> str:
    """:data:`graph.formula.TIE_STRENGTH` as one SQL expression of the columns in ``bind``
    (``p``, ``q``, ``kind``, ``n``): each step is inlined where the next uses it (each is used
    once, so each is computed once)."""
    steps = dict(bind)
    for name, expr in TIE_STRENGTH:
        steps[name] = render(expr, "sql", steps)
    return steps["strength"]


#: The weight of a contact's role in the risk sums (a setting, like the formula's).
ROLE_WEIGHT = Lookup("role_weights", Var("role"), Num(1.0), 1.0, ROLES)

#: An interaction's mass as of :as_of with the half-life :half_life (live reads), ``i`` the
#: interaction; its size counted from ``participants``.
LIVE_MASS = render(MASS, "sql", {"age": age(":as_of", "i.date"), "half_life": ":half_life",
                                 "size": "(SELECT count(*) FROM participants c WHERE c.interaction_id = i.id)"})
LIVE_DECAY = render(DECAY, "sql", {"age": age(":as_of", "i.date"), "half_life": ":half_life"})

# -- plain reads ----------------------------------------------------------------------------
_PERSON = "p.id, p.name, p.org_id, p.title, p.role, p.email"
_ORG = "o.id, o.name, o.kind, o.industry, o.annual_revenue"

PEOPLE_BY_ID = f"SELECT {_PERSON} FROM json_each(:ids) AS j CROSS JOIN people p ON p.id = j.value ORDER BY p.id"

PEOPLE_AT_ORGS = f"SELECT {_PERSON} FROM json_each(:ids) AS j CROSS JOIN people p ON p.org_id = j.value ORDER BY p.id"

#: The organisations of the kinds first (by index), then their people.
PEOPLE_AT_KINDS = f"""
    SELECT {_PERSON} FROM organisations o CROSS JOIN people p ON p.org_id = o.id
    WHERE o.kind IN (SELECT value FROM json_each(:kinds)) AND (:role IS NULL OR p.role = :role)
    ORDER BY p.id
"""

#: A name that contains :like (LIKE, ASCII case-insensitive), or the id :text: the exact id first.
PEOPLE_NAMED = f"""
    SELECT {_PERSON} FROM people p WHERE p.name LIKE :like ESCAPE '\\' OR p.id = :text
    ORDER BY (p.id = :text) DESC, p.name, p.id LIMIT :limit
"""

ORGS_BY_ID = f"SELECT {_ORG} FROM json_each(:ids) AS j CROSS JOIN organisations o ON o.id = j.value ORDER BY o.id"

ORGS_BY_KIND = f"SELECT {_ORG} FROM organisations o WHERE o.kind IN (SELECT value FROM json_each(:kinds)) ORDER BY o.id"

ORGS_NAMED = f"""
    SELECT {_ORG} FROM organisations o WHERE o.name LIKE :like ESCAPE '\\' OR o.id = :text
    ORDER BY (o.id = :text) DESC, o.name, o.id LIMIT :limit
"""

ACCOUNTS = SELECT_ALL["accounts"]
DEALS = SELECT_ALL["deals"]

# -- kept reads (the derived tables) ------------------------------------------------------------
_SRC = "src(person) AS (SELECT DISTINCT value FROM json_each(:people))"

#: Every kept tie of :people, as (person, other). One row per tie and end asked: no merging.
KEPT_NEIGHBOURS = f"""
    WITH {_SRC}
    SELECT src.person, t.b FROM src CROSS JOIN ties t ON t.a = src.person
    UNION ALL
    SELECT src.person, t.a FROM src CROSS JOIN ties t ON t.b = src.person
"""

#: :data:`KEPT_NEIGHBOURS` with the other end in :among; the ``+`` keeps the scan on each
#: person's rows rather than a probe per person and other.
KEPT_NEIGHBOURS_AMONG = f"""
    WITH {_SRC}, amid(other) AS (SELECT DISTINCT value FROM json_each(:among))
    SELECT src.person, t.b FROM src CROSS JOIN ties t ON t.a = src.person AND +t.b IN amid
    UNION ALL
    SELECT src.person, t.a FROM src CROSS JOIN ties t ON t.b = src.person AND +t.a IN amid
"""

#: The number of ties of each of :people (those with none have no row).
PERSON_TIES = "SELECT d.id, d.n FROM json_each(:people) AS j CROSS JOIN person_ties d ON d.id = j.value"

_TIE_EVIDENCE = "t.a, t.b, t.kind, t.since, t.shared, e.type, e.nature, e.n, e.last, e.mass"

#: Each of :pairs (a JSON array of ``[a, b]``, ``a < b``) that is a tie, with its evidence
#: (NULL evidence columns for a tie without).
KEPT_PAIRS = f"""
    WITH pr(a, b) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:pairs))
    SELECT {_TIE_EVIDENCE}
    FROM pr CROSS JOIN ties t ON t.a = pr.a AND t.b = pr.b
    LEFT JOIN pair_evidence e ON e.a = t.a AND e.b = t.b
"""

#: Every tie of :people with its evidence (a tie between two of them comes twice).
KEPT_TIES_OF = f"""
    WITH {_SRC},
    tie(a, b, kind, since, shared) AS (
        SELECT t.a, t.b, t.kind, t.since, t.shared FROM src CROSS JOIN ties t ON t.a = src.person
        UNION ALL
        SELECT t.a, t.b, t.kind, t.since, t.shared FROM src CROSS JOIN ties t ON t.b = src.person)
    SELECT {_TIE_EVIDENCE} FROM tie t LEFT JOIN pair_evidence e ON e.a = t.a AND e.b = t.b
"""

#: :data:`KEPT_TIES_OF` with the other end at an organisation of :kinds.
KEPT_TIES_OF_KINDS = f"""
    WITH {_SRC}, kinds(kind) AS (SELECT value FROM json_each(:kinds)),
    tie(a, b, kind, since, shared, other) AS (
        SELECT t.a, t.b, t.kind, t.since, t.shared, t.b FROM src CROSS JOIN ties t ON t.a = src.person
        UNION ALL
        SELECT t.a, t.b, t.kind, t.since, t.shared, t.a FROM src CROSS JOIN ties t ON t.b = src.person),
    chosen(a, b, kind, since, shared) AS (
        SELECT t.a, t.b, t.kind, t.since, t.shared FROM tie t
        JOIN people pe ON pe.id = t.other JOIN organisations o ON o.id = pe.org_id
        WHERE o.kind IN kinds)
    SELECT {_TIE_EVIDENCE} FROM chosen t LEFT JOIN pair_evidence e ON e.a = t.a AND e.b = t.b
"""

_TEAM = "t.member, t.other, t.p, t.q, t.kind, t.shared"

#: The kept team ties of the team members :people (the other end at :kinds, or NULL: any), by
#: the member index: for a few members.
KEPT_TEAM_OF_MEMBERS = f"""
    SELECT {_TEAM} FROM json_each(:people) AS j CROSS JOIN team_ties t ON t.member = j.value
    WHERE :kinds IS NULL OR t.org_kind IN (SELECT value FROM json_each(:kinds))
"""

#: :data:`KEPT_TEAM_OF_MEMBERS` for much of the team: a scan of the table in key order (by kind
#: when given) checking the member (``+``: not a probe of the member index per member, whose
#: rows would each be a lookup by key): 0.37 against 0.8 s for the whole team at 100k people.
KEPT_TEAM_OF_MANY = f"""
    SELECT {_TEAM} FROM team_ties t
    WHERE (:kinds IS NULL OR t.org_kind IN (SELECT value FROM json_each(:kinds)))
      AND +t.member IN (SELECT value FROM json_each(:people))
"""

#: The kept team ties of :people (anyone) to the team.
KEPT_TEAM_OF_OTHERS = f"SELECT {_TEAM} FROM json_each(:people) AS j CROSS JOIN team_ties t ON t.other = j.value"

_KEPT_STRENGTH = tie_strength_sql({"p": "(t.p * :factor)", "q": "(t.q * :factor)", "kind": "t.kind", "n": "t.shared"})

#: Per (organisation of :kinds, rep): the role-weighted sum of the reps' kept tie strengths and
#: how many are at least :strong. ``+t.member`` keeps SQLite off the member index: a range of
#: the key (org kind, org, member) per kind groups as it goes, where a lookup per rep would sort.
TEAM_SHARES = f"""
    WITH reps(id) AS (SELECT p.id FROM organisations o CROSS JOIN people p ON p.org_id = o.id
                      WHERE o.kind = 'own' AND p.role = 'rep')
    SELECT s.org_id, s.member, sum({render(ROLE_WEIGHT, "sql", {"role": "s.role"})} * s.strength),
           sum(s.strength >= :strong)
    FROM (SELECT t.org_kind, t.org_id, t.member, t.role, {_KEPT_STRENGTH} AS strength FROM team_ties t
          WHERE +t.member IN reps AND t.org_kind IN (SELECT value FROM json_each(:kinds))) AS s
    GROUP BY s.org_kind, s.org_id, s.member
"""

#: Per organisation of :kinds: how many of its people any rep has a kept tie to.
TEAM_REACH = """
    SELECT r.org_id, r.contacts FROM team_reach r JOIN organisations o ON o.id = r.org_id
    WHERE o.kind IN (SELECT value FROM json_each(:kinds))
"""

KEPT_ACTIVITY = "SELECT org_id, nature, n, last, mass FROM org_activity"

#: The kept team routes of :people, by person and rank.
KEPT_ROUTES = """
    SELECT r.person, r.via, r.v FROM json_each(:people) AS j CROSS JOIN team_routes r ON r.person = j.value
    ORDER BY r.person, r.rank
"""

# -- live reads (the input rows, as of :as_of) ---------------------------------------------------
_FRIEND_NEIGHBOURS = """
    UNION
    SELECT f.person_a, f.person_b FROM src CROSS JOIN friendships f ON f.person_a = src.person
    WHERE f.since IS NULL OR f.since <= :as_of
    UNION
    SELECT f.person_b, f.person_a FROM src CROSS JOIN friendships f ON f.person_b = src.person
    WHERE f.since IS NULL OR f.since <= :as_of
"""

#: Who each of :people has a tie with as of :as_of (an interaction together, or a friendship).
LIVE_NEIGHBOURS = f"""
    WITH {_SRC}
    SELECT src.person AS person, p2.person_id AS other FROM src
    CROSS JOIN participants p1 ON p1.person_id = src.person
    JOIN interactions i ON i.id = p1.interaction_id
    JOIN participants p2 ON p2.interaction_id = p1.interaction_id
    WHERE p2.person_id <> src.person AND i.date <= :as_of
""" + _FRIEND_NEIGHBOURS

LIVE_NEIGHBOURS_AMONG = ("SELECT n.person, n.other FROM (" + LIVE_NEIGHBOURS + ") AS n "
                         "WHERE n.other IN (SELECT value FROM json_each(:among))")

#: Friendships touching any of :people, declared on or before :as_of (or undated).
FRIENDSHIPS_OF = f"""
    WITH {_SRC}
    SELECT f.person_a, f.person_b, f.kind, f.since FROM src CROSS JOIN friendships f ON f.person_a = src.person
    WHERE f.since IS NULL OR f.since <= :as_of
    UNION
    SELECT f.person_a, f.person_b, f.kind, f.since FROM src CROSS JOIN friendships f ON f.person_b = src.person
    WHERE f.since IS NULL OR f.since <= :as_of
"""

#: For each of :people, the interactions on or before :as_of they attended with each other
#: person, per type and nature, with their masses; the other limited to organisations of
#: :kinds (a JSON array, or NULL: anyone).
LIVE_EVIDENCE_OF = f"""
    WITH {_SRC},
    mine AS (
        SELECT p1.person_id AS person, i.id AS iid, i.type, i.nature, i.date, {LIVE_MASS} AS w
        FROM src CROSS JOIN participants p1 ON p1.person_id = src.person
        JOIN interactions i ON i.id = p1.interaction_id
        WHERE i.date <= :as_of)
    SELECT m.person, p2.person_id, m.type, m.nature, count(*), max(m.date), sum(m.w)
    FROM mine m
    JOIN participants p2 ON p2.interaction_id = m.iid AND p2.person_id <> m.person
    WHERE :kinds IS NULL OR p2.person_id IN (
        SELECT p.id FROM people p JOIN organisations o ON o.id = p.org_id
        WHERE p.id = p2.person_id AND o.kind IN (SELECT value FROM json_each(:kinds)))
    GROUP BY m.person, p2.person_id, m.type, m.nature
"""

#: The interactions on or before :as_of of exactly :pairs (a JSON array of ``[a, b]``,
#: ``a < b``), each scanned from its first end's interactions.
LIVE_PAIR_EVIDENCE = f"""
    WITH pr(a, b) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:pairs))
    SELECT pr.a, pr.b, i.type, i.nature, count(*), max(i.date), sum({LIVE_MASS})
    FROM pr
    CROSS JOIN participants p1 ON p1.person_id = pr.a
    JOIN participants p2 ON p2.interaction_id = p1.interaction_id AND p2.person_id = pr.b
    JOIN interactions i ON i.id = p1.interaction_id
    WHERE i.date <= :as_of
    GROUP BY pr.a, pr.b, i.type, i.nature
"""

#: The interactions about each organisation on or before :as_of, per nature.
LIVE_ACTIVITY = f"""
    SELECT i.org_id, i.nature, count(*), max(i.date), sum({LIVE_DECAY})
    FROM interactions i
    WHERE i.org_id IS NOT NULL AND i.date <= :as_of
    GROUP BY i.org_id, i.nature
"""
