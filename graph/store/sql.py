"""Every SQL statement of the embedded store, in one place.

Values always travel as ``?`` parameters; nothing here is built from user input.
"""

from __future__ import annotations

from graph.model import FRIEND_KINDS, ROLES

__all__ = ["SCHEMA_VERSION", "SCHEMA", "INDEXES", "INSERT", "COLUMNS", "SELECT_ALL", "COUNT", "CLEAR", "META_SET",
           "META_GET", "EVIDENCE_BUILD", "EVIDENCE_INDEX", "TEAM_BUILD", "TEAM_INDEXES", "TEAM_TIES_OF_MEMBERS",
           "TEAM_TIES_OF_OTHERS", "ACCOUNT_SHARES", "ACCOUNT_TIED"]

#: Bumped whenever :data:`SCHEMA` changes shape (2: the ``pair_evidence`` table; 3: ``team_ties``
#: and ``team_reach``; 4: ``org_evidence`` and ``person_degree``).
SCHEMA_VERSION = 4

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS organisations (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    industry       TEXT,
    annual_revenue REAL
);
CREATE TABLE IF NOT EXISTS people (
    id     TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    title  TEXT,
    role   TEXT NOT NULL,
    email  TEXT
);
-- an undirected tie, stored once with person_a < person_b
CREATE TABLE IF NOT EXISTS friendships (
    person_a TEXT NOT NULL REFERENCES people(id),
    person_b TEXT NOT NULL REFERENCES people(id),
    kind     TEXT NOT NULL,
    since    TEXT,
    PRIMARY KEY (person_a, person_b),
    CHECK (person_a < person_b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS interactions (
    id     TEXT PRIMARY KEY,
    date   TEXT NOT NULL,
    type   TEXT NOT NULL,
    nature TEXT NOT NULL CHECK (nature IN ('personal', 'business')),
    org_id TEXT REFERENCES organisations(id),
    notes  TEXT
);
CREATE TABLE IF NOT EXISTS participants (
    interaction_id TEXT NOT NULL REFERENCES interactions(id),
    person_id      TEXT NOT NULL REFERENCES people(id),
    position       INTEGER NOT NULL,
    PRIMARY KEY (interaction_id, person_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS accounts (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    rep_id TEXT NOT NULL REFERENCES people(id),
    role   TEXT NOT NULL,
    since  TEXT,
    PRIMARY KEY (org_id, rep_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deals (
    id        TEXT PRIMARY KEY,
    org_id    TEXT NOT NULL REFERENCES organisations(id),
    amount    REAL NOT NULL,
    status    TEXT NOT NULL,
    rep_id    TEXT REFERENCES people(id),
    closed_on TEXT,
    product   TEXT
);
-- derived at every load from interactions and participants (see EVIDENCE_BUILD): per pair
-- (a < b), type and nature, how often the two met, when last, and the recency- and
-- size-weighted mass as of the meta key evidence_ref with half-life evidence_half_life
CREATE TABLE IF NOT EXISTS pair_evidence (
    a      TEXT NOT NULL,
    b      TEXT NOT NULL,
    type   TEXT NOT NULL,
    nature TEXT NOT NULL,
    n      INTEGER NOT NULL,
    last   TEXT NOT NULL,
    mass   REAL NOT NULL,
    PRIMARY KEY (a, b, type, nature)
) WITHOUT ROWID;
-- derived at every load from interactions (see ORG_EVIDENCE_BUILD): per organisation an
-- interaction is about and nature, how many, when last, and the recency-weighted mass as
-- of evidence_ref with half-life evidence_half_life
CREATE TABLE IF NOT EXISTS org_evidence (
    org_id TEXT NOT NULL,
    nature TEXT NOT NULL,
    n      INTEGER NOT NULL,
    last   TEXT NOT NULL,
    mass   REAL NOT NULL,
    PRIMARY KEY (org_id, nature)
) WITHOUT ROWID;
-- derived at every load (see TEAM_BUILD): every tie with a team end (member, at an 'own'
-- organisation), once per team end, with what its strength needs: the other end's
-- organisation, its kind and the other's role; the type-weighted personal and business
-- masses (p, b: as of evidence_ref, with the weights of the meta key team_weights); the
-- declared friendship's kind; the number of common friends (all friendships)
CREATE TABLE IF NOT EXISTS team_ties (
    org_kind TEXT NOT NULL,
    org_id   TEXT NOT NULL,
    member   TEXT NOT NULL,
    other    TEXT NOT NULL,
    role     TEXT NOT NULL,
    p        REAL NOT NULL,
    b        REAL NOT NULL,
    kind     TEXT,
    shared   INTEGER NOT NULL,
    PRIMARY KEY (org_kind, org_id, member, other)
) WITHOUT ROWID;
-- derived at every load (see DEGREE_BUILD): per person, how many rows of ties a read of
-- their neighbours goes through (pair evidence rows and friendships): what a search
-- weighs before it expands someone
CREATE TABLE IF NOT EXISTS person_degree (
    id TEXT PRIMARY KEY,
    n  INTEGER NOT NULL
) WITHOUT ROWID;
-- derived with team_ties (see TEAM_REACH_BUILD): per organisation, how many of its people
-- any rep (a team member with role 'rep') has a tie to
CREATE TABLE IF NOT EXISTS team_reach (
    org_id   TEXT PRIMARY KEY,
    contacts INTEGER NOT NULL
) WITHOUT ROWID;
"""

#: Secondary indexes: dropped before a bulk load and built again after it (faster than
#: maintaining them row by row).
INDEXES = {
    "organisations_kind": "CREATE INDEX IF NOT EXISTS organisations_kind ON organisations(kind)",
    "people_org": "CREATE INDEX IF NOT EXISTS people_org ON people(org_id)",
    "people_role": "CREATE INDEX IF NOT EXISTS people_role ON people(role)",
    "friendships_b": "CREATE INDEX IF NOT EXISTS friendships_b ON friendships(person_b)",
    "interactions_org": "CREATE INDEX IF NOT EXISTS interactions_org ON interactions(org_id)",
    "participants_person": "CREATE INDEX IF NOT EXISTS participants_person ON participants(person_id)",
    "accounts_rep": "CREATE INDEX IF NOT EXISTS accounts_rep ON accounts(rep_id)",
    "deals_org": "CREATE INDEX IF NOT EXISTS deals_org ON deals(org_id)",
}

#: Columns of each table, in insert order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "organisations": ("id", "name", "kind", "industry", "annual_revenue"),
    "people": ("id", "name", "org_id", "title", "role", "email"),
    "friendships": ("person_a", "person_b", "kind", "since"),
    "interactions": ("id", "date", "type", "nature", "org_id", "notes"),
    "participants": ("interaction_id", "person_id", "position"),
    "accounts": ("org_id", "rep_id", "role", "since"),
    "deals": ("id", "org_id", "amount", "status", "rep_id", "closed_on", "product"),
}

INSERT = {
    table: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    for table, cols in COLUMNS.items()
}

#: Every table's rows in key order; participants ordered as given.
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

#: The tables every load derives from the input (children first), and their secondary indexes
#: (dropped while they are built again).
DERIVED = ("person_degree", "team_reach", "team_ties", "org_evidence", "pair_evidence")
DERIVED_INDEXES = ("pair_evidence_b", "team_ties_member", "team_ties_other")

#: Empties every data table (children first), leaving the schema.
CLEAR = [f"DELETE FROM {table}" for table in
         (*DERIVED, "participants", "interactions", "friendships", "accounts", "deals", "people", "organisations")]

META_SET = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
META_GET = "SELECT value FROM meta WHERE key = ?"

# -- the materialised pair evidence ------------------------------------------------
#: The newest interaction date: the reference date of the evidence masses.
EVIDENCE_REF = "SELECT max(date) FROM interactions"

#: Every pair of people who attended an interaction together, per type and nature. The
#: mass is as of :ref (the newest interaction); as of any later date every interaction
#: has faded by the same factor ``2 ** (-(as_of - ref) / half_life)``, so it stays exact.
EVIDENCE_BUILD = """
    INSERT INTO pair_evidence (a, b, type, nature, n, last, mass)
    SELECT p1.person_id, p2.person_id, i.type, i.nature, count(*), max(i.date),
           sum(power(2.0, -(julianday(:ref) - julianday(i.date)) / :half_life) / sqrt(sz.n - 1))
    FROM (SELECT interaction_id, count(*) AS n FROM participants GROUP BY interaction_id) sz
    JOIN participants p1 ON p1.interaction_id = sz.interaction_id
    JOIN participants p2 ON p2.interaction_id = sz.interaction_id AND p2.person_id > p1.person_id
    JOIN interactions i ON i.id = sz.interaction_id
    GROUP BY p1.person_id, p2.person_id, i.type, i.nature
"""

#: :data:`ORG_ACTIVITY` as of :ref, kept in ``org_evidence`` (exact after one factor, as the pairs).
ORG_EVIDENCE_BUILD = """
    INSERT INTO org_evidence (org_id, nature, n, last, mass)
    SELECT i.org_id, i.nature, count(*), max(i.date), sum(power(2.0, -(julianday(:ref) - julianday(i.date)) / :half_life))
    FROM interactions i
    WHERE i.org_id IS NOT NULL
    GROUP BY i.org_id, i.nature
"""

#: Fills ``person_degree`` (after ``pair_evidence``); each count streams in index order.
DEGREE_BUILD = """
    INSERT INTO person_degree (id, n)
    SELECT x, sum(n) FROM (
        SELECT a AS x, count(*) AS n FROM pair_evidence GROUP BY a
        UNION ALL SELECT b, count(*) FROM pair_evidence GROUP BY b
        UNION ALL SELECT person_a, count(*) FROM friendships GROUP BY person_a
        UNION ALL SELECT person_b, count(*) FROM friendships GROUP BY person_b)
    GROUP BY x
"""

DEGREES = """
    SELECT d.id, d.n FROM person_degree d WHERE d.id IN (SELECT value FROM json_each(:people))
"""

#: What says whether the tables answer: they must have been built by the current load
#: (``evidence_revision`` for ``pair_evidence``, ``org_revision`` for ``org_evidence``).
META_EVIDENCE = """
    SELECT key, value FROM meta
    WHERE key IN ('revision', 'evidence_ref', 'evidence_half_life', 'evidence_revision', 'org_revision')
"""

EVIDENCE_INDEX = "CREATE INDEX IF NOT EXISTS pair_evidence_b ON pair_evidence(b, a)"

# -- the team's ties, kept ready -----------------------------------------------------
#: The newest dated friendship: the kept friendship kinds and common-friend counts hold
#: from that date on.
FRIEND_REF = "SELECT max(since) FROM friendships"

#: Fills ``team_ties`` (after ``pair_evidence``). :weights is a JSON array of
#: ``[type, nature, weight]`` with each nature's default under type ``*``.
TEAM_BUILD = """
    INSERT INTO team_ties (org_kind, org_id, member, other, role, p, b, kind, shared)
    WITH team(id) AS (SELECT p.id FROM people p JOIN organisations o ON o.id = p.org_id WHERE o.kind = 'own'),
    w(type, nature, w) AS (SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(:weights)),
    wd(nature, w) AS (SELECT nature, w FROM w WHERE type = '*'),
    ev(member, other, p, b) AS (
        SELECT e.member, e.other,
               sum(CASE WHEN e.nature = 'personal' THEN coalesce(w.w, wd.w) * e.mass ELSE 0.0 END),
               sum(CASE WHEN e.nature = 'business' THEN coalesce(w.w, wd.w) * e.mass ELSE 0.0 END)
        FROM (SELECT t.id AS member, pe.b AS other, pe.type, pe.nature, pe.mass
              FROM team t JOIN pair_evidence pe ON pe.a = t.id
              UNION ALL
              SELECT t.id, pe.a, pe.type, pe.nature, pe.mass FROM team t JOIN pair_evidence pe ON pe.b = t.id) e
        LEFT JOIN w ON w.type = e.type AND w.nature = e.nature
        JOIN wd ON wd.nature = e.nature
        GROUP BY e.member, e.other),
    fr(member, other, kind) AS (
        SELECT t.id, f.person_b, f.kind FROM team t JOIN friendships f ON f.person_a = t.id
        UNION ALL
        SELECT t.id, f.person_a, f.kind FROM team t JOIN friendships f ON f.person_b = t.id),
    adj(x, y) AS (SELECT person_a, person_b FROM friendships UNION ALL SELECT person_b, person_a FROM friendships),
    two(member, other, n) AS (
        SELECT f.member, a.y, count(*) FROM fr f JOIN adj a ON a.x = f.other
        WHERE a.y <> f.member GROUP BY f.member, a.y),
    pairs(member, other) AS (SELECT member, other FROM ev UNION SELECT member, other FROM fr)
    SELECT o.kind, pe.org_id, pr.member, pr.other, pe.role, coalesce(ev.p, 0.0), coalesce(ev.b, 0.0), fr.kind,
           coalesce(two.n, 0)
    FROM pairs pr JOIN people pe ON pe.id = pr.other JOIN organisations o ON o.id = pe.org_id
    LEFT JOIN ev ON ev.member = pr.member AND ev.other = pr.other
    LEFT JOIN fr ON fr.member = pr.member AND fr.other = pr.other
    LEFT JOIN two ON two.member = pr.member AND two.other = pr.other
"""

#: Fills ``team_reach`` from ``team_ties``.
TEAM_REACH_BUILD = """
    INSERT INTO team_reach (org_id, contacts)
    SELECT t.org_id, count(DISTINCT t.other) FROM team_ties t
    WHERE t.member IN (SELECT p.id FROM people p JOIN organisations o ON o.id = p.org_id
                       WHERE o.kind = 'own' AND p.role = 'rep')
    GROUP BY t.org_id
"""

TEAM_INDEXES = ("CREATE INDEX IF NOT EXISTS team_ties_member ON team_ties(member)",
                "CREATE INDEX IF NOT EXISTS team_ties_other ON team_ties(other)")

META_TEAM = """
    SELECT key, value FROM meta WHERE key IN ('revision', 'team_revision', 'team_weights', 'evidence_ref',
                                               'evidence_half_life', 'friend_ref')
"""

#: A kept tie's strength, personal and business components, as
#: :func:`graph.analysis.ties.tie_strength` computes them (the same operations in the
#: same order, so the same numbers), from ``team_ties t`` and the formula's parameters.
#: :friendship is a JSON object of kind -> base strength (and :fk_<kind> each known kind's),
#: :fother the base of a kind not in it; callers append their WHERE clause.
def _lookup(column: str, names: tuple[str, ...], prefix: str, table: str, default: str) -> str:
    """A ``CASE`` giving ``column``'s value in the JSON object parameter ``:table``: the known
    ``names`` (model constants) from one parameter each (``:<prefix><name>``, set by the
    caller), any other name from the object itself, else ``default``. Cheaper per row than a
    join; no value is ever pasted in."""
    whens = " ".join(f"WHEN '{n}' THEN :{prefix}{n}" for n in names)
    return (f"CASE {column} {whens} ELSE coalesce((SELECT j.value FROM json_each(:{table}) AS j "
            f"WHERE j.key = {column}), {default}) END")


_COMPONENTS = f"""
    SELECT t.*, 1.0 - (1.0 - CASE WHEN t.kind IS NULL THEN 0.0
                                  ELSE {_lookup("t.kind", FRIEND_KINDS, "fk_", "friendship", ":fother")} END)
                      * exp(-(t.p * :factor) / :ps) AS personal,
           1.0 - exp(-(t.b * :factor) / :bs) AS business,
           :bonus * (1.0 - exp(-t.shared / :ss)) AS sh
    FROM team_ties t
"""

_STRENGTH = "max(1e-9, min(1.0, 1.0 - (1.0 - c.personal) * (1.0 - :bshare * c.business) * (1.0 - c.sh)))"

#: Kept ties of team members (:people) to organisations of :kinds (a JSON array, or NULL for any).
TEAM_TIES_OF_MEMBERS = f"""
    SELECT c.member, c.other, {_STRENGTH}, c.personal, c.business FROM (
        {_COMPONENTS}
        WHERE t.member IN (SELECT value FROM json_each(:people))
          AND (:kinds IS NULL OR t.org_kind IN (SELECT value FROM json_each(:kinds)))) AS c
"""

#: Kept ties of :people (anyone) to the team.
TEAM_TIES_OF_OTHERS = f"""
    SELECT c.other, c.member, {_STRENGTH}, c.personal, c.business FROM (
        {_COMPONENTS}
        WHERE t.other IN (SELECT value FROM json_each(:people))) AS c
"""

#: The kept pairs of team members (:people): every tie they have, when the kept ties are valid.
TEAM_NEIGHBOURS = "SELECT t.member, t.other FROM team_ties t WHERE t.member IN (SELECT value FROM json_each(:people))"

#: How many of :people are on the team.
TEAM_COUNT = """
    SELECT count(*) FROM people p JOIN organisations o ON o.id = p.org_id
    WHERE o.kind = 'own' AND p.id IN (SELECT value FROM json_each(:people))
"""

#: Per (organisation of :kinds, rep): the role-weighted sum of the reps' kept tie strengths
#: and how many are at least :strong. :role_weights is a JSON object of role -> weight (and
#: :rw_<role> each known role's).
#: ``+t.member`` keeps SQLite off the member index: a range of the key (org kind, org,
#: member) per kind groups as it goes, where a lookup per rep would have to sort.
ACCOUNT_SHARES = f"""
    WITH reps(id) AS (SELECT p.id FROM people p JOIN organisations o ON o.id = p.org_id
                      WHERE o.kind = 'own' AND p.role = 'rep')
    SELECT s.org_id, s.member, sum({_lookup("s.role", ROLES, "rw_", "role_weights", "1.0")} * s.strength),
           sum(s.strength >= :strong)
    FROM (SELECT c.org_kind, c.org_id, c.member, c.role, {_STRENGTH} AS strength FROM (
            {_COMPONENTS}
            WHERE +t.member IN reps AND t.org_kind IN (SELECT value FROM json_each(:kinds))) AS c) AS s
    GROUP BY s.org_kind, s.org_id, s.member
"""

#: Per organisation of :kinds: how many of its people any rep has a kept tie to.
ACCOUNT_TIED = """
    SELECT r.org_id, r.contacts FROM team_reach r JOIN organisations o ON o.id = r.org_id
    WHERE o.kind IN (SELECT value FROM json_each(:kinds))
"""

# -- analysis reads -----------------------------------------------------------------
# Sets of ids travel as one JSON array parameter, unpacked with json_each.

PEOPLE_BY_ID = """
    SELECT p.id, p.name, p.org_id, p.title, p.role, p.email
    FROM json_each(?) AS ids JOIN people p ON p.id = ids.value
    ORDER BY p.id
"""

#: People at organisations of the given kinds (JSON array), optionally one role.
#: ``CROSS JOIN`` keeps the join order: the organisations of the kinds first (by index),
#: then their people, rather than every person in id order.
PEOPLE_AT_KINDS = """
    SELECT p.id, p.name, p.org_id, p.title, p.role, p.email
    FROM organisations o CROSS JOIN people p ON p.org_id = o.id
    WHERE o.kind IN (SELECT value FROM json_each(?)) AND (? IS NULL OR p.role = ?)
    ORDER BY p.id
"""

MEMBERS = """
    SELECT p.id, p.name, p.org_id, p.title, p.role, p.email
    FROM json_each(?) AS ids JOIN people p ON p.org_id = ids.value
    ORDER BY p.id
"""

ORGANISATIONS_BY_KIND = """
    SELECT id, name, kind, industry, annual_revenue FROM organisations
    WHERE kind IN (SELECT value FROM json_each(?)) ORDER BY id
"""

ORGANISATIONS_BY_ID = """
    SELECT o.id, o.name, o.kind, o.industry, o.annual_revenue
    FROM json_each(?) AS ids JOIN organisations o ON o.id = ids.value ORDER BY o.id
"""

SEARCH = """
    SELECT kind, id, name, detail FROM (
        SELECT 'person' AS kind, p.id, p.name, coalesce(p.title, '') || ' · ' || o.name AS detail
        FROM people p JOIN organisations o ON o.id = p.org_id
        WHERE p.name LIKE ? ESCAPE '\\' OR p.id = ?
        UNION ALL
        SELECT 'organisation', o.id, o.name, o.kind FROM organisations o
        WHERE o.name LIKE ? ESCAPE '\\' OR o.id = ?
    ) ORDER BY (id = ?) DESC, name, id LIMIT ?
"""

#: Friendships touching any of the people (JSON array), declared on or before the date.
FRIENDSHIPS_OF = """
    WITH src(person) AS (SELECT DISTINCT value FROM json_each(:people))
    SELECT f.person_a, f.person_b, f.kind, f.since
    FROM src JOIN friendships f ON f.person_a = src.person
    WHERE f.since IS NULL OR f.since <= :as_of
    UNION
    SELECT f.person_a, f.person_b, f.kind, f.since
    FROM src JOIN friendships f ON f.person_b = src.person
    WHERE f.since IS NULL OR f.since <= :as_of
"""

#: For each of the people, the interactions (on or before the date) they attended with
#: each other person, grouped by type, with the recency- and size-weighted mass. The
#: other person may be limited to organisations of some kinds (:kinds, a JSON array or NULL).
EVENTS_OF = """
    WITH src(person) AS (SELECT DISTINCT value FROM json_each(:people)),
    mine AS (
        SELECT p1.person_id AS person, i.id AS iid, i.type, i.nature, i.date,
               power(2.0, -(julianday(:as_of) - julianday(i.date)) / :half_life)
               / sqrt((SELECT count(*) FROM participants c WHERE c.interaction_id = i.id) - 1) AS w
        FROM src
        JOIN participants p1 ON p1.person_id = src.person
        JOIN interactions i ON i.id = p1.interaction_id
        WHERE i.date <= :as_of
    )
    SELECT m.person, p2.person_id, m.type, m.nature, count(*), max(m.date), sum(m.w)
    FROM mine m
    JOIN participants p2 ON p2.interaction_id = m.iid AND p2.person_id <> m.person
    WHERE :kinds IS NULL OR p2.person_id IN (
        SELECT p.id FROM people p JOIN organisations o ON o.id = p.org_id
        WHERE p.id = p2.person_id AND o.kind IN (SELECT value FROM json_each(:kinds)))
    GROUP BY m.person, p2.person_id, m.type, m.nature
"""

#: Interactions about each organisation, on or before the date, by nature.
#: :data:`ORG_ACTIVITY` from ``org_evidence``, faded by :factor.
ORG_ACTIVITY_MAT = "SELECT org_id, nature, n, last, mass * :factor FROM org_evidence"

ORG_ACTIVITY = """
    SELECT i.org_id, i.nature, count(*), max(i.date),
           sum(power(2.0, -(julianday(:as_of) - julianday(i.date)) / :half_life))
    FROM interactions i
    WHERE i.org_id IS NOT NULL AND i.date <= :as_of
    GROUP BY i.org_id, i.nature
"""

#: :data:`EVENTS_OF` from the materialised table; :factor fades the masses from the
#: reference date to the asked one. Rows of both orientations, the other end optionally
#: limited to organisations of some kinds (:data:`EVENTS_OF_KINDS_MAT`).
EVENTS_OF_MAT = """
    WITH src(person) AS (SELECT DISTINCT value FROM json_each(:people))
    SELECT src.person, t.b, t.type, t.nature, t.n, t.last, t.mass * :factor
    FROM src JOIN pair_evidence t ON t.a = src.person
    UNION ALL
    SELECT src.person, t.a, t.type, t.nature, t.n, t.last, t.mass * :factor
    FROM src JOIN pair_evidence t ON t.b = src.person
"""

EVENTS_OF_KINDS_MAT = """
    WITH src(person) AS (SELECT DISTINCT value FROM json_each(:people)),
    kinds(kind) AS (SELECT value FROM json_each(:kinds)),
    ends(person, other, type, nature, n, last, mass) AS (
        SELECT src.person, t.b, t.type, t.nature, t.n, t.last, t.mass
        FROM src JOIN pair_evidence t ON t.a = src.person
        UNION ALL
        SELECT src.person, t.a, t.type, t.nature, t.n, t.last, t.mass
        FROM src JOIN pair_evidence t ON t.b = src.person)
    SELECT e.person, e.other, e.type, e.nature, e.n, e.last, e.mass * :factor
    FROM ends e JOIN people p ON p.id = e.other JOIN organisations o ON o.id = p.org_id
    WHERE o.kind IN kinds
"""

#: The friendship half of :data:`NEIGHBOURS` and :data:`NEIGHBOURS_MAT` (both directions).
_FRIEND_NEIGHBOURS = """
    UNION
    SELECT f.person_a, f.person_b FROM src JOIN friendships f ON f.person_a = src.person
    WHERE f.since IS NULL OR f.since <= :as_of
    UNION
    SELECT f.person_b, f.person_a FROM src JOIN friendships f ON f.person_b = src.person
    WHERE f.since IS NULL OR f.since <= :as_of
"""

#: Who each of the people has a tie with (ids only): a shared interaction (on or before
#: the date) or a friendship declared by then.
NEIGHBOURS = """
    WITH src(person) AS (SELECT DISTINCT value FROM json_each(:people))
    SELECT src.person AS person, p2.person_id AS other FROM src
    JOIN participants p1 ON p1.person_id = src.person
    JOIN interactions i ON i.id = p1.interaction_id
    JOIN participants p2 ON p2.interaction_id = p1.interaction_id
    WHERE p2.person_id <> src.person AND i.date <= :as_of
""" + _FRIEND_NEIGHBOURS

#: :data:`NEIGHBOURS` from the materialised table (valid when the date is on or after
#: its reference date, so every interaction counts).
NEIGHBOURS_MAT = """
    WITH src(person) AS (SELECT DISTINCT value FROM json_each(:people))
    SELECT src.person AS person, t.b AS other FROM src JOIN pair_evidence t ON t.a = src.person
    UNION
    SELECT src.person, t.a FROM src JOIN pair_evidence t ON t.b = src.person
""" + _FRIEND_NEIGHBOURS

#: The interaction evidence of exactly the given pairs (:pairs, a JSON array of
#: ``[a, b]`` with a < b), reported as ``(a, b, ...)``. Each pair is scanned from its
#: first end's interactions.
PAIR_EVENTS = """
    WITH pr(a, b) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:pairs))
    SELECT pr.a, pr.b, i.type, i.nature, count(*), max(i.date),
           sum(power(2.0, -(julianday(:as_of) - julianday(i.date)) / :half_life)
               / sqrt((SELECT count(*) FROM participants c WHERE c.interaction_id = i.id) - 1))
    FROM pr
    JOIN participants p1 ON p1.person_id = pr.a
    JOIN participants p2 ON p2.interaction_id = p1.interaction_id AND p2.person_id = pr.b
    JOIN interactions i ON i.id = p1.interaction_id
    WHERE i.date <= :as_of
    GROUP BY pr.a, pr.b, i.type, i.nature
"""

PAIR_EVENTS_MAT = """
    WITH pr(a, b) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:pairs))
    SELECT t.a, t.b, t.type, t.nature, t.n, t.last, t.mass * :factor
    FROM pr JOIN pair_evidence t ON t.a = pr.a AND t.b = pr.b
"""

#: :data:`NEIGHBOURS` / :data:`NEIGHBOURS_MAT` kept to others in :among (a JSON array).
NEIGHBOURS_AMONG = "SELECT n.person, n.other FROM ({query}) AS n WHERE n.other IN (SELECT value FROM json_each(:among))"

#: :data:`NEIGHBOURS_MAT` kept to others in :among, the filter inside each part so that
#: only the rows kept are merged (the ``+`` keeps the scan on the person's rows rather than
#: a probe per person and other).
NEIGHBOURS_AMONG_MAT = """
    WITH src(person) AS (SELECT DISTINCT value FROM json_each(:people)),
         amid(other) AS (SELECT DISTINCT value FROM json_each(:among))
    SELECT src.person, t.b FROM src JOIN pair_evidence t ON t.a = src.person AND +t.b IN amid
    UNION
    SELECT src.person, t.a FROM src JOIN pair_evidence t ON t.b = src.person AND +t.a IN amid
    UNION
    SELECT f.person_a, f.person_b FROM src JOIN friendships f ON f.person_a = src.person AND +f.person_b IN amid
    WHERE f.since IS NULL OR f.since <= :as_of
    UNION
    SELECT f.person_b, f.person_a FROM src JOIN friendships f ON f.person_b = src.person AND +f.person_a IN amid
    WHERE f.since IS NULL OR f.since <= :as_of
"""

#: One side of :data:`WEIGHTED_MAT`: the rows where the person is the pair's ``{side}`` end,
#: grouped in the index's order (no sort). A type's weight is looked up in :weights, a JSON
#: object keyed ``"nature|type"`` (types are single words), else :dp / :db.
_WEIGHTED_SIDE = """
    SELECT src.person AS person, t.{other} AS other,
           sum(CASE WHEN t.nature = 'personal'
                    THEN coalesce(json_extract(:weights, '$."personal|' || t.type || '"'), :dp) * t.mass END) AS p,
           sum(CASE WHEN t.nature = 'business'
                    THEN coalesce(json_extract(:weights, '$."business|' || t.type || '"'), :db) * t.mass END) AS b
    FROM src JOIN pair_evidence t ON t.{side} = src.person
    GROUP BY src.person, t.{other}
"""

#: :data:`EVENTS_OF_MAT` summed per (person, other) with the type weights: the personal and
#: business evidence of each tie, one row per tie instead of one per type. ``{kinds}`` is
#: empty or :data:`_OTHER_KINDS`.
WEIGHTED_MAT = ("""
    WITH src(person) AS (SELECT DISTINCT value FROM json_each(:people))
    SELECT g.person, g.other, coalesce(g.p, 0.0) * :factor, coalesce(g.b, 0.0) * :factor FROM (
""" + _WEIGHTED_SIDE.format(side="a", other="b") + "    UNION ALL" + _WEIGHTED_SIDE.format(side="b", other="a")
                + """    ) AS g
    {kinds}
""")

_OTHER_KINDS = """JOIN people pe ON pe.id = g.other JOIN organisations o ON o.id = pe.org_id
    WHERE o.kind IN (SELECT value FROM json_each(:kinds))"""
