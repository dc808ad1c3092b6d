"""The Neo4j store's one builder of derived data (:mod:`graph.derived`): for everyone, or
for what touches some people.

:func:`build_all` deletes every derived relationship and builds them again from the input
rows; :func:`build_around` rebuilds only what touches a set of people
(:func:`graph.derived.touched`); :func:`build_pairs`, what a refresh changed, pair by pair
(:class:`graph.derived.Scope`). They run statements that commit as they go and converge
when run again (:mod:`graph.store.neo4j.cypher_derived`), and return the stamp of what
they built; the caller writes it (:class:`graph.store.neo4j.store.Neo4jStore`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from graph.derived import HALF_LIFE, ROUTE_LIMIT, Scope, Stamp, route_formula, routes_key, touched, worth_a_part
from graph.formula import weights_key
from graph.model import pair
from graph.store.base import Progress
from graph.store.neo4j import cypher_derived as d
from graph.store.neo4j import cypher_routes as r
from graph.store.neo4j.bolt import Bolt, native
from graph.store.neo4j.cypher import DERIVED_REL_TYPES

__all__ = ["build_all", "build_around", "build_pairs"]


def _step(progress: Progress | None, stage: str, done: int) -> None:
    if progress:
        progress(stage, done, 1)


def _newest(bolt: Bolt) -> tuple[date | None, date | None]:
    """The newest interaction's date and the newest dated friendship's."""
    rows = bolt.read(d.EVIDENCE_REF)
    newest = native(rows[0]["ref"]) if rows else None
    return newest, native(bolt.read(d.FRIEND_REF)[0]["ref"])


def build_all(bolt: Bolt, revision: str, weights: Mapping[str, float], progress: Progress | None = None) -> Stamp:
    """Delete every derived relationship and build all of it again for the rows held (the team
    ties summed with ``weights``); the stamp of a complete build for ``revision``."""
    _step(progress, "evidence", 0)
    for rel in DERIVED_REL_TYPES:
        bolt.autocommit(d.DELETE_ALL.format(rel=rel))
    newest, friend_ref = _newest(bolt)
    if newest is not None:
        bolt.autocommit(d.met(False), ref=newest, half_life=HALF_LIFE, again=d.DELETE_ALL.format(rel="MET"))
    _step(progress, "evidence", 1)
    _step(progress, "ties", 0)
    bolt.autocommit(d.tie(False), weights=dict(weights), again=d.DELETE_ALL.format(rel="TIE"))
    bolt.autocommit(d.shared(False))
    bolt.autocommit(d.TIE_COUNTS_ALL)
    _step(progress, "ties", 1)
    _step(progress, "team ties", 0)
    _team_all(bolt)
    _step(progress, "team ties", 1)
    _activity(bolt, newest, HALF_LIFE, progress)
    _routes(bolt, None, weights, progress)
    return Stamp(revision, revision, newest, newest, friend_ref, HALF_LIFE, weights_key(weights),
                 routes_key(route_formula(weights)))


def _routes(bolt: Bolt, scope: tuple[Collection[str], Collection[str]] | None, weights: Mapping[str, float],
            progress: Progress | None) -> None:
    """The team routes: of everyone (``scope`` ``None``), or, with ``scope`` ``(touched,
    people)``, the best ties to reps of the touched people and the routes of ``people``."""
    _step(progress, "team routes", 0)
    params = {**route_formula(weights).params("cypher"), "limit": ROUTE_LIMIT}
    touched_people, people = (None, None) if scope is None else (sorted(scope[0]), sorted(scope[1]))
    scoped = scope is not None
    bolt.autocommit(r.route_reps(scoped), people=touched_people, **params)
    bolt.autocommit(r.routes(scoped), people=people, **params)
    _step(progress, "team routes", 1)


def _team_all(bolt: Bolt) -> None:
    """Every team tie, and every organisation's reach (the team ties deleted beforehand)."""
    bolt.autocommit(d.team(False), again=d.DELETE_ALL.format(rel="TEAM_TIE"))
    bolt.write(d.REACH_CLEAR)
    bolt.write(d.REACH_ALL)


def _activity(bolt: Bolt, ref: date | None, half_life: float, progress: Progress | None,
              orgs: Collection[str] | None = None) -> None:
    """Every organisation's activity counted again, or only that of ``orgs`` (the rest is as kept:
    the kept ``ref`` does not move)."""
    _step(progress, "activity", 0)
    if orgs is None:
        bolt.autocommit(d.activity(False), ref=ref, half_life=half_life)
    elif orgs:
        bolt.autocommit(d.activity(True), orgs=sorted(orgs), ref=ref, half_life=half_life)
    _step(progress, "activity", 1)


def build_around(bolt: Bolt, people: Collection[str], stamp: Stamp, weights: Mapping[str, float],
                 progress: Progress | None = None, known: Collection[str] = (), orgs: Collection[str] = ()
                 ) -> Stamp:
    """Rebuild what touches ``people`` on a store whose derived data ``stamp`` describes as
    complete: every pair with an end among everyone they touch (evidence, tie, common friends),
    the tie counts of those and of everyone tied to them (before and after), their team ties
    and the reach of the organisations involved, and the organisations' activity (whole:
    cheap); everything with other ``weights`` (each tie keeps its weighted evidence). Masses
    stay as of the stamp's ``ref`` (new ones too: a date after it only makes an age negative),
    so what is kept for everyone else still holds; the stamp's ``newest`` and ``friend_ref``
    follow the rows. ``known`` and ``orgs``: people touched and organisations whose reach may
    have changed besides those found around ``people`` now (a refresh reads them before it
    deletes a person, whose ties and team ties go with the node)."""
    newest, friend_ref = _newest(bolt)
    if weights_key(weights) != stamp.weights or (stamp.ref is not None and (newest is None or newest < stamp.ref)):
        # other weights: every tie; the newest interaction gone or moved back: nothing kept answers
        return build_all(bolt, stamp.revision or "", weights, progress)
    asked = sorted(set(people))
    around = [(a, b) for a, b in bolt.read(d.TOUCHED, people=asked)[0]["ties"]]
    scope = sorted(touched(set(asked), around) | set(known))
    if not worth_a_part(len(scope), bolt.read(d.PEOPLE_COUNT)[0]["n"]):
        return build_all(bolt, stamp.revision or "", weights, progress)
    before = bolt.read(d.AROUND, people=scope)[0]
    ref = stamp.ref or newest
    _step(progress, "evidence", 0)
    bolt.autocommit(d.DELETE_AROUND, people=scope)
    if ref is not None:
        bolt.autocommit(d.met(True), people=scope, ref=ref, half_life=stamp.half_life)
    _step(progress, "evidence", 1)
    _step(progress, "ties", 0)
    bolt.autocommit(d.tie(True), people=scope, weights=dict(weights))
    bolt.autocommit(d.shared(True), people=scope)
    _step(progress, "ties", 1)
    _step(progress, "team ties", 0)
    bolt.autocommit(d.team(True), people=scope)
    bolt.autocommit(d.TEAM_OTHERS, people=scope)
    after = bolt.read(d.AROUND, people=scope)[0]
    bolt.autocommit(d.TIE_COUNTS_OF, ids=sorted(set(scope) | set(before["tied"]) | set(after["tied"])))
    bolt.write(d.REACH_OF, orgs=sorted(set(before["orgs"]) | set(after["orgs"]) | set(orgs)))
    _step(progress, "team ties", 1)
    _activity(bolt, ref, stamp.half_life, progress)
    tied = set(before["tied"]) | set(after["tied"])
    _routes(bolt, (scope, set(asked) | set(scope) | tied), weights, progress)
    return Stamp(stamp.revision, stamp.revision, ref, newest, friend_ref, stamp.half_life, weights_key(weights),
                 routes_key(route_formula(weights)))


def build_pairs(bolt: Bolt, scope: Scope, stamp: Stamp, weights: Mapping[str, float],
                progress: Progress | None = None, around: Collection[tuple[str, str]] = (),
                orgs: Collection[str] = ()) -> Stamp:
    """Rebuild what ``scope`` touches on a store whose derived data ``stamp`` describes as
    complete (everything, past ``PART_LIMIT`` of ties or with other ``weights``): the pairs of
    the scope, every pair around its people and, for each friendship added or removed, each
    end with the other's friends; their ``MET`` rows (each interaction changed added and taken
    away, when the scope knows them as they were), ``TIE`` and team ties, the tie counts of
    their ends, the reach of the organisations of their team ties before and after, the
    activity of the scope's organisations (every one's without them), the best reps of their
    ends and the team routes of their ends and of everyone tied to an end whose best reps
    changed. ``around`` and ``orgs``: pairs and organisations a refresh read before deleting a
    person (its relationships go with it)."""
    newest, friend_ref = _newest(bolt)
    if weights_key(weights) != stamp.weights or (stamp.ref is not None and (newest is None or newest < stamp.ref)):
        # other weights: every team tie; the newest interaction gone or moved back: nothing kept answers
        return build_all(bolt, stamp.revision or "", weights, progress)
    found = bolt.read(d.PAIRS_AROUND, people=sorted(scope.people), friended=[list(f) for f in sorted(scope.friended)])
    pairs = sorted(set(scope.pairs) | {pair(a, b) for a, b in [*found[0]["pairs"], *around] if a != b})
    if not worth_a_part(len(pairs), bolt.read(d.TIE_COUNT)[0]["n"]):
        return build_all(bolt, stamp.revision or "", weights, progress)
    rows, ends = [list(p) for p in pairs], sorted({x for p in pairs for x in p})
    reps_before = _route_reps(bolt, ends)
    orgs_before = bolt.read(d.PAIRS_ORGS, pairs=rows)[0]["orgs"]
    ref = stamp.ref or newest
    _step(progress, "evidence", 0)
    if scope.met is None:  # the rows before are not known: each pair's evidence counted again
        bolt.autocommit(d.DELETE_PAIRS, pairs=rows)
        if ref is not None:
            bolt.autocommit(d.MET_PAIRS, pairs=rows, ref=ref, half_life=stamp.half_life)
    else:  # each pair's evidence with the interactions changed added and taken away
        if ref is not None and scope.met:  # one statement: each row changed once, guarded by the run
            bolt.autocommit(d.MET_DELTA, ref=ref, half_life=stamp.half_life, run=stamp.revision, met=[
                {"sign": sign, "date": i.date, "type": i.type, "nature": i.nature,
                 "people": sorted(set(i.participants))} for sign, i in scope.met])
        bolt.autocommit(d.STALE_PAIR_TIES, pairs=rows)
    _step(progress, "evidence", 1)
    _step(progress, "ties", 0)
    bolt.autocommit(d.TIE_PAIRS, pairs=rows, weights=dict(weights))
    bolt.autocommit(d.TIE_COUNTS_OF, ids=sorted(set(ends) | scope.people))  # a person added: 0
    _step(progress, "ties", 1)
    _step(progress, "team ties", 0)
    bolt.autocommit(d.TEAM_PAIRS, pairs=rows)
    after = bolt.read(d.PAIRS_ORGS, pairs=rows)[0]["orgs"]
    bolt.write(d.REACH_OF, orgs=sorted(set(orgs_before) | set(after) | set(orgs)))
    _step(progress, "team ties", 1)
    _activity(bolt, ref, stamp.half_life, progress, scope.orgs)
    _step(progress, "team routes", 0)
    params = {**route_formula(weights).params("cypher"), "limit": ROUTE_LIMIT}
    bolt.autocommit(r.route_reps(True), people=ends, **params)
    reps_after = _route_reps(bolt, ends)
    moved = sorted(m for m in set(reps_before) | set(reps_after) if reps_before.get(m) != reps_after.get(m))
    people = set(ends) | set(bolt.read(r.TIED_TO, people=moved)[0]["tied"])
    scoped = worth_a_part(len(people), bolt.read(d.PEOPLE_COUNT)[0]["n"])
    chosen = sorted(people) if scoped else None
    bolt.autocommit(r.routes(scoped), people=chosen, **params)
    _step(progress, "team routes", 1)
    return Stamp(stamp.revision, stamp.revision, ref, newest, friend_ref, stamp.half_life, weights_key(weights),
                 routes_key(route_formula(weights)))


def _route_reps(bolt: Bolt, people: list[str]) -> dict[str, tuple[tuple[str, ...], tuple[float, ...]]]:
    """The kept best reps of ``people`` (those who have them) and their strengths."""
    return {m: (tuple(reps), tuple(ss)) for m, reps, ss in bolt.read(r.ROUTE_REPS_OF, people=people)[0]["reps"]}
