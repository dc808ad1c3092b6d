"""The SQL that builds the embedded store's derived data (:mod:`graph.derived`).

Two shapes of each step: for everyone (a load, ``relmap rebuild``), streaming whole tables
in key order; and for the pairs of people in ``temp.rb_pairs`` (a refresh, ``rebuild(people=...)``:
:class:`graph.derived.Scope`), from those pairs' rows by index. Masses, decays and type weights are rendered from
:mod:`graph.formula`; :ref and :half_life are the stamp's, :weights the type weights
(:func:`graph.formula.weight_table`, as JSON).
"""

from __future__ import annotations

from graph.formula import DECAY, MASS, WEIGHT, render
from graph.store.sqlite.sql import age, tie_strength_sql

__all__ = ["TYPE_WEIGHT", "REP_IDS", "NEWEST", "FRIEND_REF", "EVIDENCE_ALL", "ACTIVITY_ALL", "TIES_FROM_EVIDENCE", "TIES_FROM_FRIENDSHIPS",
           "ADJACENCY", "SHARED_ALL", "PERSON_TIES_ALL", "TEAM_ALL", "REACH_ALL", "PART_TABLES", "PART_DROP",
           "PART_PEOPLE", "PART_ACTS", "PART_ACTIVITY", "PART_SIZE", "PART_FRIENDED", "PART_ASKED", "PART_PAIRS", "PART_ORGS", "PART_DELETE", "PART_EVIDENCE", "PART_EVIDENCE_DELETE", "PART_MET_TABLES",
           "PART_MET", "PART_MET_PEOPLE", "PART_EVIDENCE_DELTA", "PART_ACTIVITY_DELTA",
           "PART_TIES", "PART_KEEP_SHARED", "PART_PERSON_TIES", "PART_TEAM", "PART_REACH"]

#: The newest interaction (the ``ref`` and ``newest`` of a full build) and the newest dated friendship.
NEWEST = "SELECT max(date) FROM interactions"
FRIEND_REF = "SELECT max(since) FROM friendships"

#: One interaction's mass as of :ref (``i`` the interaction, ``{size}`` its number of participants).
_MASS = render(MASS, "sql", {"age": age(":ref", "i.date"), "half_life": ":half_life", "size": "{size}"})

# -- everyone -----------------------------------------------------------------------------------
#: Every pair who attended an interaction together, per type and nature.
EVIDENCE_ALL = f"""
    INSERT INTO pair_evidence (a, b, type, nature, n, last, mass)
    SELECT p1.person_id, p2.person_id, i.type, i.nature, count(*), max(i.date), sum({_MASS.format(size="sz.n")})
    FROM (SELECT interaction_id, count(*) AS n FROM participants GROUP BY interaction_id) sz
    JOIN participants p1 ON p1.interaction_id = sz.interaction_id
    JOIN participants p2 ON p2.interaction_id = sz.interaction_id AND p2.person_id > p1.person_id
    JOIN interactions i ON i.id = sz.interaction_id
    GROUP BY p1.person_id, p2.person_id, i.type, i.nature
"""

#: The interactions about each organisation, per nature, decayed as of :ref (no sharing by size).
ACTIVITY_ALL = f"""
    INSERT INTO org_activity (org_id, nature, n, last, mass)
    SELECT i.org_id, i.nature, count(*), max(i.date),
           sum({render(DECAY, "sql", {"age": age(":ref", "i.date"), "half_life": ":half_life"})})
    FROM interactions i
    WHERE i.org_id IS NOT NULL
    GROUP BY i.org_id, i.nature
"""

#: The same for the organisations in ``temp.rb_acts`` (a partial build).
PART_ACTIVITY = f"""
    DELETE FROM org_activity WHERE org_id IN rb_acts;
    {ACTIVITY_ALL.replace("WHERE i.org_id IS NOT NULL", "WHERE i.org_id IN rb_acts")}
"""

#: An evidence row's type weight (``e``: a row of ``pair_evidence``; :weights).
TYPE_WEIGHT = render(WEIGHT, "sql", {"type": "e.type", "nature": "e.nature"})
#: The type-weighted evidence of one nature of the rows ``e`` summed (NULL without any).
_SUM_WEIGHED = "sum(CASE WHEN e.nature = '{nature}' THEN " + TYPE_WEIGHT + " * e.mass END)"

#: The ties: every pair with evidence (in key order) and its type-weighted evidence ``p`` and
#: ``q`` (:weights; each summed over the pair's rows in key order, as :data:`_WEIGHED` sums
#: them, so the same numbers), then the friendships (kind and since).
TIES_FROM_EVIDENCE = f"""
    INSERT INTO ties (a, b, kind, since, shared, p, q)
    SELECT e.a, e.b, NULL, NULL, 0, coalesce({_SUM_WEIGHED.format(nature="personal")}, 0.0),
           coalesce({_SUM_WEIGHED.format(nature="business")}, 0.0)
    FROM pair_evidence e GROUP BY e.a, e.b
"""
TIES_FROM_FRIENDSHIPS = """
    INSERT INTO ties (a, b, kind, since, shared, p, q)
    SELECT person_a, person_b, kind, since, 0, 0.0, 0.0 FROM friendships WHERE true
    ON CONFLICT (a, b) DO UPDATE SET kind = excluded.kind, since = excluded.since
"""

#: Each friendship both ways, in key order (for counting friends in common).
ADJACENCY = """
    CREATE TEMP TABLE rb_adj (x TEXT NOT NULL, y TEXT NOT NULL, PRIMARY KEY (x, y)) WITHOUT ROWID;
    INSERT INTO rb_adj SELECT x, y FROM (SELECT person_a AS x, person_b AS y FROM friendships
                                         UNION ALL SELECT person_b, person_a FROM friendships) ORDER BY x, y;
"""

#: The friends in common of every tie: every two friends of one person that are a tie, counted
#: per pair. Measured at 100k people (1.1M ties, 2.5M pairs of friends of someone), the same
#: machine at once: 4.5-5.0 s; counting all pairs of friends first and keeping the ties: 8.6-10.4 s;
#: a count per tie (each end's friends against the other's): 5.2 s, 8.7 s from the end with fewer.
SHARED_ALL = """
    INSERT INTO ties (a, b, kind, since, shared, p, q)
    SELECT f1.y, f2.y, NULL, NULL, count(*), 0.0, 0.0 FROM rb_adj f1 JOIN rb_adj f2 ON f2.x = f1.x AND f2.y > f1.y
    WHERE EXISTS (SELECT 1 FROM ties t WHERE t.a = f1.y AND t.b = f2.y)
    GROUP BY f1.y, f2.y
    ON CONFLICT (a, b) DO UPDATE SET shared = excluded.shared
"""

#: Each person's number of ties; each count streams in index order.
PERSON_TIES_ALL = """
    INSERT INTO person_ties (id, n)
    SELECT x, sum(n) FROM (SELECT a AS x, count(*) AS n FROM ties GROUP BY a
                           UNION ALL SELECT b, count(*) FROM ties GROUP BY b)
    GROUP BY x
"""

#: The type-weighted evidence of the pair ``{t}.a, {t}.b`` of one nature (:weights).
_WEIGHED = ("coalesce((SELECT sum({w} * e.mass) FROM pair_evidence e "
            "WHERE e.a = {t}.a AND e.b = {t}.b AND e.nature = '{nature}'), 0.0)")

_TEAM = "team(id) AS (SELECT p.id FROM organisations o CROSS JOIN people p ON p.org_id = o.id WHERE o.kind = 'own')"

#: Fills ``team_ties`` from ``{pairs}``, a CTE ``tt(member, other, kind, shared, p, q)`` of ties
#: with a team end (``member``): their rows of ``ties``, with the other end's organisation and role.
_TEAM_INSERT = f"""
    INSERT INTO team_ties (org_kind, org_id, member, other, role, p, q, kind, shared)
    WITH {_TEAM}, {{pairs}}
    SELECT o.kind, pe.org_id, tt.member, tt.other, pe.role, tt.p, tt.q, tt.kind, tt.shared
    FROM tt JOIN people pe ON pe.id = tt.other JOIN organisations o ON o.id = pe.org_id
"""

TEAM_ALL = _TEAM_INSERT.format(pairs="""tt(member, other, kind, shared, p, q) AS (
        SELECT m.id, t.b, t.kind, t.shared, t.p, t.q FROM team m CROSS JOIN ties t ON t.a = m.id
        UNION ALL
        SELECT m.id, t.a, t.kind, t.shared, t.p, t.q FROM team m CROSS JOIN ties t ON t.b = m.id)""")

#: Our reps' ids.
REP_IDS = "SELECT p.id FROM organisations o CROSS JOIN people p ON p.org_id = o.id WHERE o.kind = 'own' AND p.role = 'rep'"
_REPS = f"t.member IN ({REP_IDS})"

#: Per organisation, how many of its people any rep has a team tie to.
REACH_ALL = f"""
    INSERT INTO team_reach (org_id, contacts)
    SELECT t.org_id, count(DISTINCT t.other) FROM team_ties t WHERE {_REPS} GROUP BY t.org_id
"""

# -- the pairs in temp.rb_pairs (a partial build: graph.derived.Scope) ------------------------------
#: The temporary sets of a partial build: the people whose own rows changed (``rb_people``), the
#: friendships added or removed (``rb_friended``), the pairs to rebuild (``rb_pairs``, each with
#: the end whose interactions are read: the one with fewer ties), their ends (``rb_ends``: their
#: tie counts), the organisations whose reach to redo (``rb_orgs``) and whose activity (``rb_acts``).
PART_TABLES = """
    CREATE TEMP TABLE IF NOT EXISTS rb_people (id TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS rb_friended (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS rb_asked (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS rb_pairs (a TEXT NOT NULL, b TEXT NOT NULL, lead TEXT NOT NULL,
                                              other TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS rb_ends (id TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS rb_orgs (id TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS rb_acts (id TEXT PRIMARY KEY) WITHOUT ROWID;
    DELETE FROM rb_acts; DELETE FROM rb_people; DELETE FROM rb_friended; DELETE FROM rb_asked; DELETE FROM rb_pairs;
    DELETE FROM rb_ends; DELETE FROM rb_orgs;
"""
PART_DROP = """
    DROP TABLE IF EXISTS temp.rb_people; DROP TABLE IF EXISTS temp.rb_friended; DROP TABLE IF EXISTS temp.rb_asked;
    DROP TABLE IF EXISTS temp.rb_pairs; DROP TABLE IF EXISTS temp.rb_ends; DROP TABLE IF EXISTS temp.rb_orgs;
    DROP TABLE IF EXISTS temp.rb_acts; DROP TABLE IF EXISTS temp.rb_met; DROP TABLE IF EXISTS temp.rb_met_people;
    DROP TABLE IF EXISTS temp.rb_delta; DROP TABLE IF EXISTS temp.rb_recount; DROP TABLE IF EXISTS temp.rb_weighed;
    DROP TABLE IF EXISTS temp.rb_shared; DROP TABLE IF EXISTS temp.rb_befriended; DROP TABLE IF EXISTS temp.rb_act_recount;
"""
PART_PEOPLE = "INSERT OR IGNORE INTO rb_people (id) VALUES (?)"
PART_ACTS = "INSERT OR IGNORE INTO rb_acts (id) VALUES (?)"
#: How many pairs a partial build rebuilds, and how many ties there are (a build of most
#: pairs one by one costs more than building everything).
PART_SIZE = "SELECT (SELECT count(*) FROM rb_pairs), (SELECT count(*) FROM ties)"
PART_FRIENDED = "INSERT OR IGNORE INTO rb_friended (a, b) VALUES (?, ?)"
PART_ASKED = "INSERT OR IGNORE INTO rb_asked (a, b) VALUES (?, ?)"

#: The pairs to rebuild: those asked; every pair around a person of ``rb_people`` (kept ties,
#: interactions and friendships); and around each friendship added or removed, the pairs of one
#: end with each friend of the other. Then their ends.
PART_PAIRS = """
    INSERT OR IGNORE INTO rb_asked (a, b)
    SELECT t.a, t.b FROM rb_people x CROSS JOIN ties t ON t.a = x.id
    UNION SELECT t.a, t.b FROM rb_people x CROSS JOIN ties t ON t.b = x.id
    UNION SELECT min(p1.person_id, p2.person_id), max(p1.person_id, p2.person_id)
          FROM rb_people x CROSS JOIN participants p1 ON p1.person_id = x.id
          JOIN participants p2 ON p2.interaction_id = p1.interaction_id AND p2.person_id <> p1.person_id
    UNION SELECT f.person_a, f.person_b FROM rb_people x CROSS JOIN friendships f ON f.person_a = x.id
    UNION SELECT f.person_a, f.person_b FROM rb_people x CROSS JOIN friendships f ON f.person_b = x.id;
    INSERT OR IGNORE INTO rb_asked (a, b)
    SELECT min(me, z), max(me, z) FROM (
        SELECT c.a AS me, f.person_b AS z FROM rb_friended c CROSS JOIN friendships f ON f.person_a = c.b
        UNION ALL SELECT c.a, f.person_a FROM rb_friended c CROSS JOIN friendships f ON f.person_b = c.b
        UNION ALL SELECT c.b, f.person_b FROM rb_friended c CROSS JOIN friendships f ON f.person_a = c.a
        UNION ALL SELECT c.b, f.person_a FROM rb_friended c CROSS JOIN friendships f ON f.person_b = c.a)
    WHERE me <> z;
    INSERT INTO rb_pairs (a, b, lead, other)
    SELECT r.a, r.b, CASE WHEN coalesce(na.n, 0) <= coalesce(nb.n, 0) THEN r.a ELSE r.b END,
                     CASE WHEN coalesce(na.n, 0) <= coalesce(nb.n, 0) THEN r.b ELSE r.a END
    FROM rb_asked r LEFT JOIN person_ties na ON na.id = r.a LEFT JOIN person_ties nb ON nb.id = r.b;
    INSERT OR IGNORE INTO rb_ends (id) SELECT a FROM rb_pairs UNION SELECT b FROM rb_pairs;
"""

#: The kept team ties of the pairs (``{keys}``: their key columns).
_PAIR_TEAM = """SELECT {keys} FROM rb_pairs r CROSS JOIN team_ties t ON t.member = r.a AND t.other = r.b
    UNION ALL SELECT {keys} FROM rb_pairs r CROSS JOIN team_ties t ON t.member = r.b AND t.other = r.a"""

#: The organisations of the pairs' team ties (before the rebuild, and again after it).
PART_ORGS = f"INSERT OR IGNORE INTO rb_orgs (id) {_PAIR_TEAM.format(keys='t.org_id')}"

PART_DELETE = f"""
    DELETE FROM ties WHERE (a, b) IN (SELECT a, b FROM rb_pairs);
    DELETE FROM team_ties WHERE (member, other) IN (SELECT a, b FROM rb_pairs);
    DELETE FROM team_ties WHERE (other, member) IN (SELECT a, b FROM rb_pairs);
"""

#: The evidence of the pairs ``r`` of ``{pairs}`` (rows of ``rb_pairs``), from the interactions
#: of the end with fewer ties.
_EVIDENCE_OF = f"""
    INSERT INTO pair_evidence (a, b, type, nature, n, last, mass)
    SELECT r.a, r.b, i.type, i.nature, count(*), max(i.date),
           sum({_MASS.format(size="(SELECT count(*) FROM participants c WHERE c.interaction_id = i.id)")})
    FROM {{pairs}} CROSS JOIN participants p1 ON p1.person_id = r.lead
    JOIN participants p2 ON p2.interaction_id = p1.interaction_id AND p2.person_id = r.other
    JOIN interactions i ON i.id = p1.interaction_id
    GROUP BY r.a, r.b, i.type, i.nature
"""
#: The evidence of every pair of ``rb_pairs`` (its rows deleted beforehand).
PART_EVIDENCE = _EVIDENCE_OF.format(pairs="rb_pairs r")
PART_EVIDENCE_DELETE = "DELETE FROM pair_evidence WHERE (a, b) IN (SELECT a, b FROM rb_pairs)"

# -- by the interactions changed (graph.derived.Scope.met) ------------------------------------------
#: The interactions a refresh changed, each once as it was (``sign`` -1) and once as it is (+1):
#: its date, type, nature, organisation, number of participants (``size``) and participants.
PART_MET_TABLES = """
    CREATE TEMP TABLE IF NOT EXISTS rb_met (id TEXT NOT NULL, sign INTEGER NOT NULL, date TEXT NOT NULL,
        type TEXT NOT NULL, nature TEXT NOT NULL, org_id TEXT, size INTEGER NOT NULL, PRIMARY KEY (id, sign)) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS rb_met_people (id TEXT NOT NULL, sign INTEGER NOT NULL, person TEXT NOT NULL,
        PRIMARY KEY (id, sign, person)) WITHOUT ROWID;
    DELETE FROM rb_met; DELETE FROM rb_met_people;
"""
PART_MET = "INSERT INTO rb_met (id, sign, date, type, nature, org_id, size) VALUES (?, ?, ?, ?, ?, ?, ?)"
PART_MET_PEOPLE = "INSERT OR IGNORE INTO rb_met_people (id, sign, person) VALUES (?, ?, ?)"


def _add_delta(table: str, keys: str) -> str:
    """Adds the rows of ``rb_delta`` (``keys``, ``n``, ``last``, ``cut``, ``mass``: signed sums of
    the interactions changed) to ``table``'s, whose rows with no interaction left go. ``last`` is
    the newest interaction added, ``cut`` the newest taken away: where it was the row's ``last``,
    the caller finds the row's ``last`` from the rows (its ``last`` before is unknown)."""
    return f"""
    INSERT INTO {table} ({keys}, n, last, mass)
    SELECT {keys}, n, coalesce(last, cut), mass FROM rb_delta WHERE true
    ON CONFLICT ({keys}) DO UPDATE SET n = n + excluded.n, mass = mass + excluded.mass, last = max(last, excluded.last);
    DELETE FROM {table} WHERE ({keys}) IN (SELECT {keys} FROM rb_delta) AND n <= 0;
    DROP TABLE temp.rb_delta;
"""


_DELTA = """CREATE TEMP TABLE rb_delta ({keys}, n INTEGER NOT NULL, last TEXT, cut TEXT, mass REAL NOT NULL,
        PRIMARY KEY ({key_names})) WITHOUT ROWID"""
_SIGNED = "sum(i.sign), max(CASE WHEN i.sign > 0 THEN i.date END), max(CASE WHEN i.sign < 0 THEN i.date END)"
#: Whether the newest interaction of a kept ``{row}`` may have gone: one taken away (``cut``) was
#: as new as its ``last`` and none added (``x.last``) is as new (else the new ``last`` is
#: ``max(last, x.last)``, as :func:`_add_delta` sets it).
_LAST_GONE = "x.cut >= {row}.last AND (x.last IS NULL OR x.last < {row}.last)"

#: Each pair's evidence, with the share of the interactions changed added and taken away; the
#: rows whose last interaction may have gone (``rb_recount``) get their ``last`` from the
#: interactions (their count and mass are the sums'; counting them again whole: 1.5 s at 100k).
PART_EVIDENCE_DELTA = f"""
    {_DELTA.format(keys="a TEXT NOT NULL, b TEXT NOT NULL, type TEXT NOT NULL, nature TEXT NOT NULL",
                   key_names="a, b, type, nature")};
    INSERT INTO rb_delta (a, b, type, nature, n, last, cut, mass)
    SELECT p1.person, p2.person, i.type, i.nature, {_SIGNED}, sum(i.sign * {_MASS.format(size="i.size")})
    FROM rb_met i JOIN rb_met_people p1 ON p1.id = i.id AND p1.sign = i.sign
    JOIN rb_met_people p2 ON p2.id = i.id AND p2.sign = i.sign AND p2.person > p1.person
    GROUP BY p1.person, p2.person, i.type, i.nature;
    CREATE TEMP TABLE rb_recount (a TEXT NOT NULL, b TEXT NOT NULL, type TEXT NOT NULL, nature TEXT NOT NULL,
                                  PRIMARY KEY (a, b, type, nature)) WITHOUT ROWID;
    INSERT INTO rb_recount (a, b, type, nature)
    SELECT x.a, x.b, x.type, x.nature FROM rb_delta x
    CROSS JOIN pair_evidence e ON e.a = x.a AND e.b = x.b AND e.type = x.type AND e.nature = x.nature
    WHERE {_LAST_GONE.format(row="e")};
    {_add_delta("pair_evidence", "a, b, type, nature")}
    UPDATE pair_evidence AS e SET last = (
        SELECT max(i.date) FROM rb_pairs r CROSS JOIN participants p1 ON p1.person_id = r.lead
        JOIN participants p2 ON p2.interaction_id = p1.interaction_id AND p2.person_id = r.other
        JOIN interactions i ON i.id = p1.interaction_id
        WHERE r.a = e.a AND r.b = e.b AND i.type = e.type AND i.nature = e.nature)
    WHERE (a, b, type, nature) IN rb_recount;
    DROP TABLE temp.rb_recount;
"""

#: Each organisation's activity the same way; the rows whose last interaction may have gone
#: (``rb_act_recount``) get their ``last`` from the interactions (one seek each in
#: ``interactions_org``, which ends in ``nature, date``).
PART_ACTIVITY_DELTA = f"""
    {_DELTA.format(keys="org_id TEXT NOT NULL, nature TEXT NOT NULL", key_names="org_id, nature")};
    INSERT INTO rb_delta (org_id, nature, n, last, cut, mass)
    SELECT i.org_id, i.nature, {_SIGNED},
           sum(i.sign * {render(DECAY, "sql", {"age": age(":ref", "i.date"), "half_life": ":half_life"})})
    FROM rb_met i WHERE i.org_id IS NOT NULL
    GROUP BY i.org_id, i.nature;
    CREATE TEMP TABLE rb_act_recount (org_id TEXT NOT NULL, nature TEXT NOT NULL, PRIMARY KEY (org_id, nature)) WITHOUT ROWID;
    INSERT INTO rb_act_recount (org_id, nature)
    SELECT x.org_id, x.nature FROM rb_delta x CROSS JOIN org_activity o ON o.org_id = x.org_id AND o.nature = x.nature
    WHERE {_LAST_GONE.format(row="o")};
    {_add_delta("org_activity", "org_id, nature")}
    UPDATE org_activity AS o SET last = (
        SELECT max(i.date) FROM interactions i WHERE i.org_id = o.org_id AND i.nature = o.nature)
    WHERE (org_id, nature) IN rb_act_recount;
    DROP TABLE temp.rb_act_recount;
"""

#: The friends ``pr.a`` and ``pr.b`` have in common.
_SHARED_OF = """(SELECT count(*) FROM (SELECT f.person_b AS y FROM friendships f WHERE f.person_a = pr.a
                                     UNION ALL SELECT f.person_a FROM friendships f WHERE f.person_b = pr.a) AS x
                 WHERE EXISTS (SELECT 1 FROM friendships g
                               WHERE g.person_a = min(x.y, pr.b) AND g.person_b = max(x.y, pr.b)))"""

#: The pairs that are ties now: with evidence or a friendship. Their type-weighted evidence is
#: summed in one pass over their rows (in key order, as :data:`TIES_FROM_EVIDENCE` sums it, so
#: the same numbers), not sought once per nature and once more for whether there is any.
PART_TIES = f"""
    CREATE TEMP TABLE rb_weighed (a TEXT NOT NULL, b TEXT NOT NULL, p REAL NOT NULL, q REAL NOT NULL,
                                  PRIMARY KEY (a, b)) WITHOUT ROWID;
    INSERT INTO rb_weighed (a, b, p, q)
    SELECT r.a, r.b, coalesce({_SUM_WEIGHED.format(nature="personal")}, 0.0),
           coalesce({_SUM_WEIGHED.format(nature="business")}, 0.0)
    FROM rb_pairs r CROSS JOIN pair_evidence e ON e.a = r.a AND e.b = r.b
    GROUP BY r.a, r.b;
    INSERT INTO ties (a, b, kind, since, shared, p, q)
    SELECT pr.a, pr.b, f.kind, f.since, coalesce(s.shared, {_SHARED_OF}), coalesce(w.p, 0.0), coalesce(w.q, 0.0)
    FROM rb_pairs pr LEFT JOIN rb_weighed w ON w.a = pr.a AND w.b = pr.b
    LEFT JOIN rb_shared s ON s.a = pr.a AND s.b = pr.b
    LEFT JOIN friendships f ON f.person_a = pr.a AND f.person_b = pr.b
    WHERE f.person_a IS NOT NULL OR w.a IS NOT NULL;
    DROP TABLE temp.rb_weighed;
    DROP TABLE temp.rb_shared;
"""

#: Before the pairs' ties go (``:keep``: a refresh, whose friendships added or removed are all in
#: ``rb_friended``): the friends in common of the pairs neither of whose ends gained or lost a
#: friendship, which are the same now (``rb_shared``; :data:`PART_TIES` counts the others).
PART_KEEP_SHARED = """
    CREATE TEMP TABLE rb_shared (a TEXT NOT NULL, b TEXT NOT NULL, shared INTEGER NOT NULL,
                                 PRIMARY KEY (a, b)) WITHOUT ROWID;
    CREATE TEMP TABLE rb_befriended (id TEXT PRIMARY KEY) WITHOUT ROWID;
    INSERT INTO rb_befriended (id) SELECT a FROM rb_friended UNION SELECT b FROM rb_friended;
    INSERT INTO rb_shared (a, b, shared)
    SELECT t.a, t.b, t.shared FROM rb_pairs r CROSS JOIN ties t ON t.a = r.a AND t.b = r.b
    WHERE :keep AND r.a NOT IN rb_befriended AND r.b NOT IN rb_befriended;
    DROP TABLE temp.rb_befriended;
"""

#: The tie counts of the pairs' ends.
PART_PERSON_TIES = """
    DELETE FROM person_ties WHERE id IN rb_ends;
    INSERT INTO person_ties (id, n)
    SELECT id, n FROM (SELECT c.id, (SELECT count(*) FROM ties t WHERE t.a = c.id)
                                    + (SELECT count(*) FROM ties t WHERE t.b = c.id) AS n FROM rb_ends c)
    WHERE n > 0;
"""

#: The team ties of the pairs that are ties now, once per team end.
PART_TEAM = _TEAM_INSERT.format(pairs="""tt(member, other, kind, shared, p, q) AS (
        SELECT t.a, t.b, t.kind, t.shared, t.p, t.q FROM rb_pairs r CROSS JOIN ties t ON t.a = r.a AND t.b = r.b
        WHERE t.a IN team
        UNION ALL
        SELECT t.b, t.a, t.kind, t.shared, t.p, t.q FROM rb_pairs r CROSS JOIN ties t ON t.a = r.a AND t.b = r.b
        WHERE t.b IN team)""")

#: The reach of the organisations of the pairs' team ties, before and after (``+t.member``: each
#: organisation's team ties read through, not sought rep by rep: 1.4 s -> 0.05 s for 4,000 at 100k).
PART_REACH = f"""
    {PART_ORGS};
    DELETE FROM team_reach WHERE org_id IN rb_orgs;
    INSERT INTO team_reach (org_id, contacts)
    SELECT t.org_id, count(DISTINCT t.other)
    FROM rb_orgs g JOIN organisations o ON o.id = g.id CROSS JOIN team_ties t ON t.org_kind = o.kind AND t.org_id = o.id
    WHERE +{_REPS}
    GROUP BY t.org_id;
"""
