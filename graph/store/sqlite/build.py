"""The one builder of the embedded store's derived data (:mod:`graph.derived`).

:func:`build` runs inside the caller's write transaction, so readers see the derived data
before the build or after it, never part of it (nor the stamp's ``built`` emptied while it
works). For everyone (a load, ``relmap rebuild``) it empties the derived tables and fills
them from the input rows in key order; for a :class:`graph.derived.Scope` it deletes and
builds again only what the scope touches: the tie, shared friends and team ties of each pair
in it (and of every pair around its people), the tie counts of the pairs' ends, the reach of
the organisations of their team ties before and after, and the team routes the change can
reach (:mod:`graph.store.sqlite.sql_routes`). The evidence of the pairs and the activity of
the organisations take the interactions changed (``Scope.met``) away as they were and add them
as they are, so a refresh reads the interactions it changed, not everything each pair did
(a row whose newest interaction went reads its ``last`` from them); without ``met`` (a rebuild
around some people) they are counted again from the rows. With other type weights than the kept ones
everything is built again (every tie keeps its type-weighted evidence).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import date
from typing import Any

from graph.derived import HALF_LIFE, ROUTE_LIMIT, Scope, Stamp, route_formula, routes_key, worth_a_part
from graph.formula import DEFAULT_WEIGHTS, weights_key
from graph.store.base import Progress
from graph.store.sqlite import sql, sql_derived as d, sql_routes as routes

__all__ = ["build", "read_stamp", "run"]


def run(conn: sqlite3.Connection, script: str, params: Mapping[str, Any] | None = None) -> None:
    """Each statement of ``script`` in turn (``executescript`` would commit the transaction)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement, params or {})


def read_stamp(conn: sqlite3.Connection) -> Stamp | None:
    """The derived data's stamp (``None`` before the first load)."""
    meta = dict(conn.execute(sql.META_ALL).fetchall())
    return Stamp.from_text(meta) if meta.get("revision") else None


def _write_stamp(conn: sqlite3.Connection, stamp: Stamp) -> None:
    conn.executemany(sql.META_SET, list(stamp.to_text().items()))


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _step(progress: Progress | None, stage: str, done: int) -> None:
    if progress:
        progress(stage, done, 1)


def build(conn: sqlite3.Connection, revision: str, *, scope: Scope | None = None,
          weights: Mapping[str, float] | None = None, progress: Progress | None = None,
          base: str | None = None) -> None:
    """Build the derived data of the input rows of load ``revision``: for everyone, or what
    ``scope`` touches (for everyone anyway when the kept data is not complete). ``base``: the
    load whose derived data is kept complete, when ``revision``'s rows differ from its rows
    only where ``scope`` says (a refresh). ``weights`` (``None``: the kept ones, else
    :data:`~graph.formula.DEFAULT_WEIGHTS`) are the type weights of the team ties."""
    stamp = read_stamp(conn)
    kept_weights = dict(json.loads(stamp.weights)) if stamp is not None and stamp.weights else None
    chosen = dict(weights if weights is not None else kept_weights or DEFAULT_WEIGHTS)
    complete = stamp is not None and stamp.revision == revision and stamp.built == (base or revision)
    conn.execute(sql.META_SET, ("built", ""))
    if scope is None or not complete or stamp is None or _before_ref(conn, stamp) \
            or weights_key(chosen) != stamp.weights:  # other weights: every tie's p and q
        _everyone(conn, revision, chosen, progress)
        return
    _some(conn, stamp, scope, chosen, progress)


def _dates(conn: sqlite3.Connection) -> tuple[str | None, str | None]:
    (newest,) = conn.execute(d.NEWEST).fetchone()
    (friend_ref,) = conn.execute(d.FRIEND_REF).fetchone()
    return newest, friend_ref


def _before_ref(conn: sqlite3.Connection, stamp: Stamp) -> bool:
    """Whether the newest interaction is now older than the kept masses' ``ref`` (the newest
    was removed or moved back): reads as of it would find nothing kept, so build everything."""
    newest, _ = _dates(conn)
    return stamp.ref is not None and (newest is None or newest < stamp.ref.isoformat())


def _everyone(conn: sqlite3.Connection, revision: str, weights: Mapping[str, float],
              progress: Progress | None) -> None:
    for name in sql.DERIVED_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    for table in sql.DERIVED:
        conn.execute(f"DELETE FROM {table}")
    newest, friend_ref = _dates(conn)
    at = {"ref": newest, "half_life": HALF_LIFE}
    _step(progress, "evidence", 0)
    conn.execute(d.EVIDENCE_ALL, at)
    conn.execute(sql.DERIVED_INDEXES["pair_evidence_b"])
    conn.execute(d.ACTIVITY_ALL, at)
    _step(progress, "evidence", 1)
    _step(progress, "ties", 0)
    conn.execute(d.TIES_FROM_EVIDENCE, _weights(weights))
    conn.execute(d.TIES_FROM_FRIENDSHIPS)
    run(conn, d.ADJACENCY)
    conn.execute(d.SHARED_ALL)
    conn.execute("DROP TABLE temp.rb_adj")
    conn.execute(sql.DERIVED_INDEXES["ties_b"])
    conn.execute(d.PERSON_TIES_ALL)
    _step(progress, "ties", 1)
    _team(conn, weights, progress)
    _write_stamp(conn, Stamp(revision, revision, _day(newest), _day(newest), _day(friend_ref), HALF_LIFE,
                             weights_key(weights), _routes_key(weights)))


def _team(conn: sqlite3.Connection, weights: Mapping[str, float], progress: Progress | None) -> None:
    """The team ties and reach, for everyone."""
    _step(progress, "team ties", 0)
    for name in ("team_ties_member", "team_ties_other"):
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    conn.execute("DELETE FROM team_reach")
    conn.execute("DELETE FROM team_ties")
    conn.execute(d.TEAM_ALL)
    for name in ("team_ties_member", "team_ties_other"):
        conn.execute(sql.DERIVED_INDEXES[name])
    conn.execute(d.REACH_ALL)
    _step(progress, "team ties", 1)
    _step(progress, "team routes", 0)
    run(conn, routes.ROUTES_ALL, _routes_params(weights))
    run(conn, routes.ROUTES_DROP)
    _step(progress, "team routes", 1)


def _routes_key(weights: Mapping[str, float]) -> str:
    return routes_key(route_formula(weights))


def _routes_params(weights: Mapping[str, float]) -> dict[str, Any]:
    """The parameters of the team routes' statements: the formula's settings and the limit."""
    return {**route_formula(weights).params("sql"), "limit": ROUTE_LIMIT}


def _weights(weights: Mapping[str, float]) -> dict[str, str]:
    """The type weights as the statements' ``:weights`` parameter."""
    return {"weights": json.dumps(dict(weights))}


def _some(conn: sqlite3.Connection, stamp: Stamp, scope: Scope, weights: Mapping[str, float],
          progress: Progress | None) -> None:
    """What ``scope`` touches (the kept data is complete for load ``stamp.revision``)."""
    run(conn, d.PART_TABLES)
    conn.executemany(d.PART_PEOPLE, [(p,) for p in sorted(scope.people)])
    conn.executemany(d.PART_FRIENDED, sorted(scope.friended))
    conn.executemany(d.PART_ASKED, sorted(scope.pairs))
    if scope.met is not None:
        _met(conn, scope)
    elif scope.orgs is not None:
        conn.executemany(d.PART_ACTS, [(o,) for o in sorted(scope.orgs)])
    run(conn, d.PART_PAIRS)
    pairs, ties = conn.execute(d.PART_SIZE).fetchone()
    if not worth_a_part(pairs, ties):
        run(conn, d.PART_DROP)
        _everyone(conn, stamp.revision or "", weights, progress)
        return
    _step(progress, "evidence", 0)
    conn.execute(d.PART_ORGS)
    run(conn, d.PART_KEEP_SHARED, {"keep": scope.met is not None})
    run(conn, d.PART_DELETE)
    newest, friend_ref = _dates(conn)
    # masses stay as of the kept ref: one factor fades them all, whatever the newest date now
    ref = stamp.ref.isoformat() if stamp.ref is not None else newest
    at = {"ref": ref, "half_life": stamp.half_life}
    if scope.met is not None:  # each pair's and organisation's share of the interactions changed
        run(conn, d.PART_EVIDENCE_DELTA, at)
        run(conn, d.PART_ACTIVITY_DELTA, at)
    else:
        conn.execute(d.PART_EVIDENCE_DELETE)
        conn.execute(d.PART_EVIDENCE, at)
        if scope.orgs is None:
            conn.execute("DELETE FROM org_activity")
            conn.execute(d.ACTIVITY_ALL, at)
        else:
            run(conn, d.PART_ACTIVITY, at)
    _step(progress, "evidence", 1)
    _step(progress, "ties", 0)
    run(conn, d.PART_TIES, _weights(weights))
    run(conn, d.PART_PERSON_TIES)
    _step(progress, "ties", 1)
    _step(progress, "team ties", 0)
    conn.execute(d.PART_TEAM)
    run(conn, d.PART_REACH)
    _step(progress, "team ties", 1)
    _routes_by_change(conn, weights, progress)
    run(conn, d.PART_DROP)
    _write_stamp(conn, Stamp(stamp.revision, stamp.revision, _day(ref), _day(newest), _day(friend_ref),
                             stamp.half_life, weights_key(weights), _routes_key(weights)))


def _met(conn: sqlite3.Connection, scope: Scope) -> None:
    """The interactions ``scope`` says changed, into ``rb_met`` and ``rb_met_people``."""
    run(conn, d.PART_MET_TABLES)
    met = scope.met or []
    conn.executemany(d.PART_MET, [(i.id, sign, i.date.isoformat(), i.type, i.nature, i.org_id, len(i.participants))
                                  for sign, i in met])
    conn.executemany(d.PART_MET_PEOPLE, [(i.id, sign, p) for sign, i in met for p in i.participants])


def _routes_by_change(conn: sqlite3.Connection, weights: Mapping[str, float], progress: Progress | None) -> None:
    """The team routes after a partial build: the lists the changed routes decide, and the
    people whose list they do not (or whose own row changed) from scratch; everyone's, when
    those are more than ``PART_LIMIT`` of people."""
    _step(progress, "team routes", 0)
    params = _routes_params(weights)
    run(conn, routes.ROUTES_CHANGES, params)
    if worth_a_part(*conn.execute(routes.ROUTES_SCOPE_SIZE).fetchone()):
        run(conn, routes.ROUTES_APPLY, params)
        run(conn, routes.ROUTES_PART, params)
    else:
        run(conn, routes.ROUTES_ALL, params)
    run(conn, routes.ROUTES_DROP)
    _step(progress, "team routes", 1)
