"""The SQL of the team routes (:mod:`graph.derived`): each person ``y``'s ``:limit`` strongest
two-hop routes from a rep, ``v = strength(m, y) * strength(best rep other than y, m)`` as of
:ref, strongest first (ties broken by ``m``), and each person's two best reps (``route_reps``)
they are computed from.

Three ways to build them:

- **for everyone** (:data:`ROUTES_ALL`: a load, ``relmap rebuild``, or a change past the limit);
- **by change** (a refresh, the team ties rebuilt): :data:`ROUTES_CHANGES` finds the ends of the
  pairs rebuilt whose best reps changed (the kept ``route_reps`` are the before), the routes whose
  value may differ (through a pair rebuilt, or through a person whose best reps changed) and,
  for each person with one, puts the kept routes and the changed ones together: when that
  decides the new list (fewer than ``:limit`` routes were kept, so every route was, or at
  least ``:limit`` of them are as strong as the last route kept, which bounds every route not
  kept) :data:`ROUTES_APPLY` writes it; else the person is redone from scratch;
- **from scratch for the people in** ``rb_scope`` (:data:`ROUTES_PART`).

Strengths are rendered from :mod:`graph.formula` (the parameters of
``route_formula(weights).params("sql")``) from the kept type-weighted evidence of each tie
(``p``, ``q``: the reps' ties in ``team_ties``, any other in ``ties``, the same numbers).
"""

from __future__ import annotations

from graph.store.sqlite.sql import tie_strength_sql
from graph.store.sqlite.sql_derived import REP_IDS

__all__ = ["ROUTES_ALL", "ROUTES_CHANGES", "ROUTES_SCOPE_SIZE", "ROUTES_APPLY", "ROUTES_PART", "ROUTES_DROP"]

#: A tie's strength (``t``: a row of ``ties`` or of ``team_ties``, which keep the same ``p``,
#: ``q``, ``kind`` and ``shared``).
_S = tie_strength_sql({"p": "t.p", "q": "t.q", "kind": "t.kind", "n": "t.shared"})

#: Our reps.
_REPS = f"""
    CREATE TEMP TABLE IF NOT EXISTS rb_reps (id TEXT PRIMARY KEY) WITHOUT ROWID;
    DELETE FROM rb_reps;
    INSERT INTO rb_reps (id) {REP_IDS};
"""

#: The two strongest reps ``(m, rank, rep, s)`` of each person ``m`` of ``{source}`` (team ties
#: ``t``) who is not a rep. (``+t.member``: seek the team ties by ``other``, not by every rep.)
_TOP_REPS = f"""
    SELECT m, rn, rep, s FROM (
        SELECT m, rep, s, row_number() OVER (PARTITION BY m ORDER BY s DESC, rep) AS rn FROM (
            SELECT t.other AS m, t.member AS rep, {_S} AS s FROM {{source}}
            WHERE +t.member IN rb_reps AND t.other NOT IN rb_reps))
    WHERE rn <= 2
"""

#: The value of the route ``(y, m)`` of ``u`` (a tie's strength ``u.s``; ``NULL``: no route)
#: with ``m``'s best reps ``b1`` and ``b2`` (rows of ``route_reps``).
_V = "u.s * (CASE WHEN b1.rep <> u.y THEN b1.s ELSE b2.s END)"
_REPS_OF_M = ("route_reps b1 ON b1.person = u.m AND b1.rank = 1 "
              "LEFT JOIN route_reps b2 ON b2.person = u.m AND b2.rank = 2")

#: The routes of the people ``y`` of ``rb_tie`` (``m``, ``y``, the tie's strength ``s``): the
#: ``:limit`` strongest per person.
_ROUTES_OF_TIES = f"""
    INSERT INTO team_routes (person, rank, via, v)
    SELECT y, rn, m, v FROM (
        SELECT y, m, v, row_number() OVER (PARTITION BY y ORDER BY v DESC, m) AS rn FROM (
            SELECT u.y, u.m, {_V} AS v FROM rb_tie u JOIN {_REPS_OF_M}
            WHERE b1.rep <> u.y OR b2.rep IS NOT NULL))
    WHERE rn <= :limit;
    DROP TABLE temp.rb_tie;
"""

#: Everyone's best reps and routes: each person's two strongest ties to reps (``route_reps``),
#: every tie with such an end and its strength (``rb_pair``; ``rb_tie`` once per such end
#: ``m``), then per person ``y`` the strongest ``strength(m, y) * strength(best rep other than
#: y, m)`` (the best rep's, or the second's when the best is ``y``).
ROUTES_ALL = f"""
    {_REPS}
    DELETE FROM route_reps;
    DELETE FROM team_routes;
    INSERT INTO route_reps (person, rank, rep, s) {_TOP_REPS.format(source="team_ties t")};
    CREATE TEMP TABLE rb_pair AS SELECT t.a, t.b, {_S} AS s FROM ties t
        WHERE t.a IN (SELECT person FROM route_reps) OR t.b IN (SELECT person FROM route_reps);
    CREATE TEMP TABLE rb_tie AS
        SELECT a AS m, b AS y, s FROM rb_pair WHERE a IN (SELECT person FROM route_reps)
        UNION ALL SELECT b, a, s FROM rb_pair WHERE b IN (SELECT person FROM route_reps);
    DROP TABLE temp.rb_pair;
    {_ROUTES_OF_TIES}
"""

#: After a refresh rebuilt the team ties of the pairs: the best reps of their ends now
#: (``rb_now``), those ends whose best reps changed (``rb_moved``; with every end of a pair of
#: a person in ``rb_people``, whose role may have changed) and ``route_reps`` updated; the routes
#: whose value may differ (``rb_d``: every tie of ``rb_moved``, every pair rebuilt, either way
#: round; ``v`` ``NULL`` when there is no such route now), the people they lead to (``rb_y``: how
#: many routes were kept, and the last one). Of those, only the routes that can change a list
#: are kept: a kept route, or one at least as strong as the last kept (any, when the list was not
#: full); only the people with one. Their routes put together (``rb_cand``), and the people whose
#: list that does not decide (``rb_scope``, with the people of ``rb_people``: redone from
#: scratch). At 100k people and a 1% change: 264,517 routes changed, 91,017 that can change a
#: list; 79,951 people to 58,588.
ROUTES_CHANGES = f"""
    {_REPS}
    CREATE TEMP TABLE rb_now (m TEXT NOT NULL, rank INTEGER NOT NULL, rep TEXT NOT NULL, s REAL NOT NULL,
                              PRIMARY KEY (m, rank)) WITHOUT ROWID;
    INSERT INTO rb_now (m, rank, rep, s) {_TOP_REPS.format(source="rb_ends x CROSS JOIN team_ties t ON t.other = x.id")};
    CREATE TEMP TABLE rb_moved (id TEXT PRIMARY KEY) WITHOUT ROWID;
    INSERT OR IGNORE INTO rb_moved (id)
    SELECT m FROM (SELECT r.person AS m, r.rank, r.rep, r.s FROM rb_ends x CROSS JOIN route_reps r ON r.person = x.id
                   EXCEPT SELECT m, rank, rep, s FROM rb_now)
    UNION SELECT m FROM (SELECT m, rank, rep, s FROM rb_now
                         EXCEPT SELECT r.person, r.rank, r.rep, r.s FROM rb_ends x CROSS JOIN route_reps r ON r.person = x.id)
    UNION SELECT r.b FROM rb_pairs r WHERE r.a IN rb_people
    UNION SELECT r.a FROM rb_pairs r WHERE r.b IN rb_people;
    DELETE FROM route_reps WHERE person IN rb_moved;
    INSERT INTO route_reps (person, rank, rep, s) SELECT m, rank, rep, s FROM rb_now WHERE m IN rb_moved;
    CREATE TEMP TABLE rb_d (y TEXT NOT NULL, m TEXT NOT NULL, v REAL, PRIMARY KEY (y, m)) WITHOUT ROWID;
    INSERT OR IGNORE INTO rb_d (y, m, v)
    SELECT u.y, u.m, {_V}
    FROM (SELECT x.id AS m, t.b AS y, {_S} AS s FROM rb_moved x CROSS JOIN ties t ON t.a = x.id
          UNION ALL SELECT x.id, t.a, {_S} FROM rb_moved x CROSS JOIN ties t ON t.b = x.id) AS u
    LEFT JOIN {_REPS_OF_M}
    ORDER BY u.y, u.m;
    INSERT OR IGNORE INTO rb_d (y, m, v)
    SELECT u.y, u.m, {_V}
    FROM (SELECT r.a AS y, r.b AS m, (SELECT {_S} FROM ties t WHERE t.a = r.a AND t.b = r.b) AS s FROM rb_pairs r
          UNION ALL
          SELECT r.b, r.a, (SELECT {_S} FROM ties t WHERE t.a = r.a AND t.b = r.b) FROM rb_pairs r) AS u
    LEFT JOIN {_REPS_OF_M}
    ORDER BY u.y, u.m;
    CREATE TEMP TABLE rb_y (y TEXT PRIMARY KEY, n INTEGER NOT NULL, v REAL, m TEXT) WITHOUT ROWID;
    INSERT INTO rb_y (y, n, v, m)
    SELECT u.y, (SELECT count(*) FROM team_routes r WHERE r.person = u.y), l.v, l.via
    FROM (SELECT DISTINCT y FROM rb_d WHERE y NOT IN rb_people) AS u
    LEFT JOIN team_routes l ON l.person = u.y AND l.rank = :limit;
    DELETE FROM rb_d WHERE NOT EXISTS (SELECT 1 FROM team_routes r WHERE r.person = rb_d.y AND r.via = rb_d.m)
        AND (rb_d.v IS NULL OR EXISTS (SELECT 1 FROM rb_y u WHERE u.y = rb_d.y AND u.n >= :limit
                                       AND (rb_d.v < u.v OR (rb_d.v = u.v AND rb_d.m > u.m))));
    DELETE FROM rb_y WHERE NOT EXISTS (SELECT 1 FROM rb_d d WHERE d.y = rb_y.y);
    CREATE TEMP TABLE rb_cand (y TEXT NOT NULL, m TEXT NOT NULL, v REAL NOT NULL, PRIMARY KEY (y, m)) WITHOUT ROWID;
    INSERT INTO rb_cand (y, m, v)
    SELECT r.person, r.via, r.v FROM rb_y u CROSS JOIN team_routes r ON r.person = u.y
    WHERE NOT EXISTS (SELECT 1 FROM rb_d d WHERE d.y = r.person AND d.m = r.via)
    UNION ALL SELECT d.y, d.m, d.v FROM rb_y u CROSS JOIN rb_d d ON d.y = u.y WHERE d.v IS NOT NULL;
    CREATE TEMP TABLE rb_scope (id TEXT PRIMARY KEY) WITHOUT ROWID;
    INSERT INTO rb_scope (id) SELECT id FROM rb_people;
    INSERT OR IGNORE INTO rb_scope (id)
    SELECT u.y FROM rb_y u WHERE u.n >= :limit
      AND (SELECT count(*) FROM rb_cand c WHERE c.y = u.y AND (c.v > u.v OR (c.v = u.v AND c.m <= u.m))) < :limit;
"""

#: How many people would be redone from scratch, of everyone.
ROUTES_SCOPE_SIZE = "SELECT (SELECT count(*) FROM rb_scope), (SELECT count(*) FROM people)"

#: The new lists the changes decide, written over the kept ones; the routes of ``rb_scope`` go.
ROUTES_APPLY = """
    DELETE FROM team_routes WHERE person IN (SELECT y FROM rb_y WHERE y NOT IN rb_scope);
    INSERT INTO team_routes (person, rank, via, v)
    SELECT y, rn, m, v FROM (
        SELECT y, m, v, row_number() OVER (PARTITION BY y ORDER BY v DESC, m) AS rn FROM rb_cand
        WHERE y NOT IN rb_scope)
    WHERE rn <= :limit;
    DELETE FROM team_routes WHERE person IN rb_scope;
"""

#: The routes of the people in ``rb_scope``, from scratch: their ties, each end ``m``'s best reps.
ROUTES_PART = f"""
    CREATE TEMP TABLE rb_tie AS
        SELECT t.b AS m, x.id AS y, {_S} AS s FROM rb_scope x CROSS JOIN ties t ON t.a = x.id
        UNION ALL SELECT t.a, x.id, {_S} FROM rb_scope x CROSS JOIN ties t ON t.b = x.id;
    {_ROUTES_OF_TIES}
"""

ROUTES_DROP = "".join(f"DROP TABLE IF EXISTS temp.{name};" for name in (
    "rb_reps", "rb_now", "rb_moved", "rb_d", "rb_y", "rb_cand", "rb_scope"))
