"""The next step for an account: one concrete sentence, built around a key contact.

:func:`graph.analysis.stages.account_stages` scores an account and names its stage; this
module says what to do next (the selling model behind each move is in ``docs/domain.md``):

- the **key decision maker** (supplier and outsider accounts): among the
  contacts with role ``decision_maker`` (else ``influencer``, else anyone), the
  one whose personal tie to us is weakest (then the weakest tie overall, then
  the id): the person the personal hand most lacks (:func:`key_decision_maker`);
- the **rapport contact** (friend and partner accounts): the contact with the
  largest role-weighted personal component, the rapport the account rests on
  (:func:`rapport_contact`).

The moves:

- **supplier**: a warm introduction to the key decision maker. The sources are
  the reps covering the account (owner first), else every rep; the path is the
  strongest of :func:`graph.analysis.introductions.rapport_paths` within
  ``default_max_hops`` (on equal strength the owner's path wins,
  :func:`best_introduction`). The first hop is explained with its evidence
  (:meth:`Tie.explain`). With no path: invite the decision maker to a
  personal occasion.
- **friend**: turn the rapport with the rapport contact into value: bring a
  proposal (with how long it has been since the last win, and any open deals).
- **outsider**: the easier route. When a warm path to the key decision maker is
  at least as strong as two strong hops (``strong_tie ** 2``), go the friend
  way (the introduction); else the supplier way: lead with the offer.
- **partner**: keep both hands strong; when only one team member has a strong
  tie (``strength >= strong_tie``) to anyone there, name them and ask them to
  introduce a second rep (the next covering rep when there is one) to the
  rapport contact. (Who else could reach that contact is the departure
  what-if's question, :mod:`graph.analysis.departure`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.analysis.accounts import value_of
from graph.analysis.config import Config
from graph.analysis.introductions import RepReach, rapport_paths
from graph.analysis.paths import PathSearchTooLarge
from graph.analysis.tie_reads import TieCache
from graph.analysis.ties import Tie
from graph.analysis.words import plural
from graph.model import Deal, Organisation, Person
from graph.store.base import Reader

__all__ = ["Introduction", "Draft", "key_decision_maker", "rapport_contact", "best_introduction", "next_step"]

#: Paths whose strengths differ by less than this (relative) count as equally strong.
_EQUAL = 1e-9


@dataclass(frozen=True)
class Introduction:
    """A warm path from one of our reps to a contact, with the first hop's evidence."""

    people: tuple[str, ...]
    strength: float
    evidence: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"people": list(self.people), "strength": round(self.strength, 6), "evidence": list(self.evidence)}


@dataclass
class Draft:
    """An account's scores and stage, before its next step is written."""

    org: Organisation
    people: list[Person]
    deals: list[Deal]
    reps: list[str]            # covering reps, owner first
    strong: set[str]           # team members with a strong tie there
    personal: float
    institutional: float
    won_weighted: float
    deal: float
    business_mass: float
    business: float
    stage: str
    key: Person | None
    sources: tuple[str, ...] = ()  # who a warm path to ``key`` may start from (none: no search)


# -- the key contact -------------------------------------------------------------------------

def key_decision_maker(contacts: Sequence[Person], personal: dict[str, float],
                       strength: dict[str, float]) -> Person | None:
    """The decision maker (else influencer, else anyone) with the weakest personal tie to us
    (``personal`` and ``strength``: each contact's best tie to the team)."""
    for role in ("decision_maker", "influencer", None):
        group = [c for c in contacts if role is None or c.role == role]
        if group:
            return min(group, key=lambda c: (personal.get(c.id, 0.0), strength.get(c.id, 0.0), c.id))
    return None


def rapport_contact(contacts: Sequence[Person], weighted: dict[str, float],
                    personal: dict[str, float]) -> Person | None:
    """The contact whose role-weighted personal tie (``weighted``) counts most."""
    if not contacts:
        return None
    return min(contacts, key=lambda c: (-weighted.get(c.id, 0.0), -personal.get(c.id, 0.0), c.id))


# -- the warm introduction -------------------------------------------------------------------

def best_introduction(r: Reader, sources: Sequence[str], reach: RepReach | None, target: str, as_of: date,
                      cfg: Config, cache: TieCache | None = None) -> tuple[Introduction, Tie] | None:
    """The strongest path from ``sources`` to ``target`` (:func:`rapport_paths`), and its first
    tie; on equal strength, the earlier source. A ``reach`` says the sources are all the reps
    (the search from any rep is used then: same paths, fewer ties built)."""
    try:
        found = rapport_paths(r, target, as_of, cfg, sources=None if reach else sources,
                              k=max(cfg.default_k, 1), max_hops=cfg.default_max_hops, reach=reach, cache=cache)
    except PathSearchTooLarge:
        return None
    if not found:
        return None
    best = found[0].strength
    rank = {s: i for i, s in enumerate(sources)}
    chosen = min((p for p in found if p.strength >= best * (1.0 - _EQUAL)),
                 key=lambda p: (rank.get(p.people[0], len(rank)), p.people))
    return Introduction(tuple(chosen.people), chosen.strength, tuple(chosen.ties[0].explain())), chosen.ties[0]


# -- the sentences ---------------------------------------------------------------------------

def next_step(d: Draft, found: tuple[Introduction, Tie] | None, people: dict[str, Person],
              team: dict[str, Person], as_of: date, cfg: Config) -> tuple[Introduction | None, str]:
    """``(introduction or None, sentence)`` for one account (``found``: its
    :func:`best_introduction`; ``people``: names of everyone on the path)."""
    key = d.key
    if key is None:
        return None, f"Find the decision makers at {d.org.name}: nobody who works there is in the data yet."
    if d.stage == "friend":
        return None, (f"Turn the rapport with {_label(key)}, into value: bring a proposal "
                      f"({_won_note(d.deals, as_of, cfg)}).")
    if d.stage == "partner":
        step = (f"Keep both hands strong: keep meeting {_label(key)}, in person and keep bringing "
                f"the offer that is best for {d.org.name}.")
        if not d.strong:
            return None, step + " Nobody on the team has a strong tie here yet: deepen the personal side."
        if len(d.strong) > 1:
            return None, step
        (only,) = d.strong
        others = [rep for rep in d.reps if rep != only and rep in team]
        second = team[others[0]].name if others else "a second rep"
        return None, (f"{step} Only {team[only].name} has a strong tie here: ask {team[only].name} to introduce "
                      f"{second} to {_label(key)}, before the account depends on one person.")
    if d.stage == "supplier":
        if found is None:
            return None, (f"Invite {_label(key)}, to a personal occasion (a dinner, a match): "
                          f"nobody on the team has rapport there yet.")
        return found[0], _introduction_sentence(found[0], people, found[1]) + "."
    # outsider: the easier of the two routes
    if found is not None and found[0].strength >= cfg.strong_tie * cfg.strong_tie:
        return found[0], (_introduction_sentence(found[0], people, found[1])
                          + ": build the rapport first, then bring a proposal.")
    return None, (f"Lead with the offer: a demo or proposal for {_label(key)}, that beats the "
                  f"alternatives on price/performance.")


def _label(p: Person) -> str:
    """``"Nadia Haddad, CTO"``, or the role when there is no title."""
    return f"{p.name}, {p.title}" if p.title else f"{p.name} ({p.role.replace('_', ' ')})"


_PLAYS = {"tennis", "golf", "go", "sport", "game"}
_PHRASES = {"dinner": "has dinner with you", "lunch": "has lunch with you",
            "festival": "goes to festivals with you", "party": "goes to parties with you",
            "gift": "exchanges gifts with you", "personal_call": "calls you as a friend"}
_FRIEND_PHRASES = {"friend": "is your friend", "family": "is family to you", "club": "is your club friend",
                   "alumni": "went to university with you", "former_colleague": "is your former colleague"}


def _relation(tie: Tie) -> str:
    """How the first hop of an introduction knows the rep, as a relative clause.

    >>> from graph.analysis.ties import TypeEvidence
    >>> t = Tie("A", "B", 0.9, 0.9, 0.0, "club", None, 0,
    ...         (TypeEvidence("tennis", "personal", 15, date(2026, 11, 7), 5.0),))
    >>> _relation(t)
    'plays tennis with you'
    """
    personal = sorted((e for e in tie.evidence if e.nature == "personal"), key=lambda e: (-e.mass, e.type))
    if personal:
        t = personal[0].type
        if t in _PLAYS:
            return {"sport": "plays sport with you", "game": "plays games with you"}.get(t, f"plays {t} with you")
        return _PHRASES.get(t, f"meets you for {t.replace('_', ' ')}")
    if tie.friendship_kind:
        return _FRIEND_PHRASES.get(tie.friendship_kind, "knows you")
    return "knows you from work"


def _introduction_sentence(intro: Introduction, people: dict[str, Person], first_tie: Tie) -> str:
    rep, *middle, target = intro.people
    rep_name = people[rep].name if rep in people else rep
    dm = _label(people[target]) if target in people else target
    evidence = "; ".join(first_tie.explain())
    if not middle:
        return (f"Invite {dm}, whom you ({rep_name}) know ({evidence}), to a personal occasion "
                f"(a dinner, a match)")
    first, *rest = middle
    first_name = people[first].name if first in people else first
    via = f", through {' and '.join(people[m].name if m in people else m for m in rest)}" if rest else ""
    return (f"Ask {first_name}, who {_relation(first_tie)} ({evidence}), to introduce you ({rep_name}) "
            f"to {dm}{via}")


def _won_note(deals: Sequence[Deal], as_of: date, cfg: Config) -> str:
    """Why the institutional hand is weak, in a few words (for the friend move): the two parts of
    the account's value (:func:`graph.analysis.accounts.value_of`), the last win and the open deals."""
    value = value_of(deals, as_of, cfg)
    window = plural(cfg.value_window_days, "day")
    if value.won_last_year:
        note = f"won only {cfg.money(value.won_last_year)} in the last {window}"
    else:
        won = [d for d in deals if d.status == "won" and (d.closed_on is None or d.closed_on <= as_of)]
        dated = [d.closed_on for d in won if d.closed_on is not None]
        note = f"no won deal in the last {window}"
        if dated:
            note += f"; the last one closed on {max(dated).isoformat()}"
        elif won:
            note += "; older won deals have no date"
    open_deals = [d for d in deals if d.status == "open"]
    if open_deals:
        note += f"; {plural(len(open_deals), 'open deal')} worth {cfg.money(value.pipeline)}"
    return note
