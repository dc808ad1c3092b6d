"""Relationship stages: outsider, friend, supplier or partner, for every account and rep-contact pair.

The selling model (``DOMAIN.md``) measures two hands: **personal** rapport (the
customer's people like dealing with us) and **institutional** value (the
customer's organisation gains from us). This module turns the data into one
score in ``[0, 1]`` for each hand, as of a date, and names the stage.

Accounts
--------
The accounts are those of :mod:`graph.analysis.accounts`: the organisations
of kind ``customer``, ``prospect`` or ``partner``, plus any other organisation
(except our own) that has a rep assigned in ``accounts``. An account's
**contacts** are the people who work there; our **team** is everyone at an
``own`` organisation.

Scores
------
Ties come from :func:`graph.analysis.neighbourhood.ties_of` between the team and
the account contacts (see :mod:`graph.analysis.ties` for a tie's components).

- **personal** ``= 1 - prod_c (1 - rf(c) * p_c)`` over the account's contacts
  ``c``, where ``p_c`` is the strongest personal component (``Tie.personal``)
  any team member has with ``c`` (0 without a tie) and
  ``rf(c) = role_weights[role of c] / max(role_weights)``: rapport with a
  decision maker counts most.
- **institutional** ``= 1 - (1 - D) * (1 - BUSINESS_WEIGHT * B)``, with
  ``BUSINESS_WEIGHT = 0.6``:

  * ``D = 1 - exp(-W / deal_saturation)`` where ``W`` sums, over the account's
    *won* deals closed on or before ``as_of``, ``amount * 2 ** (-age_days /
    half_life_days)``; a won deal with no ``closed_on`` counts as
    ``value_window_days`` old;
  * ``B = 1 - exp(-M / business_saturation)`` where ``M`` is the
    recency-weighted number of business interactions about the organisation
    (the ``business`` mass of :meth:`Store.org_activity`).

  Won deals are the proof that the organisation gains from us; business
  activity without a win counts at most ``BUSINESS_WEIGHT``.

Stage
-----
The personal hand is strong when ``personal >= personal_stage``, the
institutional hand when ``institutional >= institutional_stage``:

============  ========  =============  ===============
stage         personal  institutional  ``weak_hand``
============  ========  =============  ===============
partner       strong    strong         ``None``
friend        strong    weak           institutional
supplier      weak      strong         personal
outsider      weak      weak           both
============  ========  =============  ===============

Rep-contact pairs
-----------------
For every tie between a rep (a team member with role ``rep``) and an account
contact: ``personal = Tie.personal`` and ``institutional = 1 - (1 - D_rep) *
(1 - BUSINESS_WEIGHT * Tie.business)``, where ``D_rep`` is ``D`` above computed
from the won deals *that rep handled* (``Deal.rep_id``) at the contact's
organisation. Same thresholds, same stage names.

Next step
---------
Each account gets one concrete sentence, built around a **key contact**:

- the **key decision maker** (supplier and outsider accounts): among the
  contacts with role ``decision_maker`` (else ``influencer``, else anyone), the
  one whose personal tie to us is weakest (then the weakest tie overall, then
  the id): the person the personal hand most lacks;
- the **rapport contact** (friend and partner accounts): the contact with the
  largest ``rf(c) * p_c``, the rapport the account rests on.

The moves:

- **supplier**: a warm introduction to the key decision maker. The sources are
  the reps covering the account (owner first), else every rep; the path is the
  strongest of :func:`graph.analysis.paths.best_paths` within
  ``default_max_hops`` on the graph
  :func:`graph.analysis.neighbourhood.path_graph` would read (on equal
  strength the owner's path wins). The first hop is explained with its evidence
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
  what-if's question, :mod:`graph.analysis.risk`.)

>>> cfg = Config()
>>> stage_of(0.7, 0.2, cfg), weak_hand_of("friend")
('friend', 'institutional')
>>> round(institutional_score(0.5, 0.5), 3)
0.65
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar


from graph.analysis.accounts import ACCOUNT_KINDS, accounts_of
from graph.analysis.bulk import gc_paused
from graph.analysis.config import Config
from graph.analysis.neighbourhood import RepReach, TieCache, TieStrength, tie_strengths, ties_of
from graph.analysis.paths import PathSearchTooLarge
from graph.analysis.rapport import rapport_paths
from graph.analysis.ties import Tie
from graph.errors import UsageError
from graph.model import ROLES, Account, Deal, Organisation, Person
from graph.store.base import Progress, Store

__all__ = [
    "BUSINESS_WEIGHT",
    "STAGES",
    "AccountStage",
    "Introduction",
    "PairStage",
    "account_organisations",
    "account_stages",
    "account_ties",
    "account_strengths",
    "deal_score",
    "institutional_score",
    "personal_score",
    "stage_of",
    "weak_hand_of",
    "won_weight",
]

#: How much business activity (without won deals) can count towards the institutional hand.
#: Not in :class:`Config` yet: a candidate setting ``business_stage_weight``.
BUSINESS_WEIGHT = 0.6
#: The four stages, from no hand to both.
STAGES = ("outsider", "friend", "supplier", "partner")

_WEAK_HAND: dict[str, str | None] = {
    "partner": None, "friend": "institutional", "supplier": "personal", "outsider": "both"}
#: Paths whose strengths differ by less than this (relative) count as equally strong.
_EQUAL = 1e-9


def _r(x: float) -> float:
    """Round for JSON, so that every store gives the same document."""
    return round(x, 6)


# -- scores ----------------------------------------------------------------------------


def stage_of(personal: float, institutional: float, cfg: Config) -> str:
    """The stage for the two scores under ``cfg``'s thresholds.

    >>> cfg = Config()
    >>> [stage_of(p, i, cfg) for p, i in [(0.9, 0.9), (0.9, 0.1), (0.1, 0.9), (0.1, 0.1)]]
    ['partner', 'friend', 'supplier', 'outsider']
    """
    personal_ok = personal >= cfg.personal_stage
    institutional_ok = institutional >= cfg.institutional_stage
    if personal_ok and institutional_ok:
        return "partner"
    if personal_ok:
        return "friend"
    if institutional_ok:
        return "supplier"
    return "outsider"


def weak_hand_of(stage: str) -> str | None:
    """The weak hand of a stage: ``None``, ``"institutional"``, ``"personal"`` or ``"both"``.

    >>> [weak_hand_of(s) for s in STAGES]
    ['both', 'institutional', 'personal', None]
    """
    return _WEAK_HAND[stage]


def personal_score(contributions: Iterable[float]) -> float:
    """``1 - prod (1 - x)`` over the contacts' role-weighted personal components ``x``.

    >>> personal_score([]), round(personal_score([0.5, 0.5]), 3)
    (0.0, 0.75)
    """
    product = 1.0
    for x in sorted(contributions):  # sorted: the same float result whatever the order
        product *= 1.0 - x
    return 1.0 - product


def won_weight(deals: Iterable[Deal], as_of: date, cfg: Config) -> float:
    """``W``: the recency-weighted amount of the won deals closed on or before ``as_of``.

    A won deal without ``closed_on`` counts as ``value_window_days`` old.

    >>> d = Deal("D1", "O", 100_000.0, "won", closed_on=date(2026, 1, 1))
    >>> won_weight([d], date(2026, 6, 30), Config(half_life_days=180))
    50000.0
    """
    terms = []
    for d in deals:
        if d.status != "won" or (d.closed_on is not None and d.closed_on > as_of):
            continue
        age = (as_of - d.closed_on).days if d.closed_on is not None else cfg.value_window_days
        terms.append(d.amount * 2.0 ** (-age / cfg.half_life_days))
    return math.fsum(terms)


def deal_score(weight: float, cfg: Config) -> float:
    """``D = 1 - exp(-W / deal_saturation)``.

    >>> round(deal_score(250_000, Config()), 3)
    0.632
    """
    return 1.0 - math.exp(-weight / cfg.deal_saturation)


def institutional_score(deals: float, business: float) -> float:
    """``1 - (1 - D) * (1 - BUSINESS_WEIGHT * B)`` from the deal and business parts.

    >>> institutional_score(0.0, 0.0), institutional_score(1.0, 0.0), institutional_score(0.0, 1.0)
    (0.0, 1.0, 0.6)
    """
    return 1.0 - (1.0 - deals) * (1.0 - BUSINESS_WEIGHT * business)


# -- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PairStage:
    """The stage of one rep-contact pair."""

    rep_id: str
    contact_id: str
    stage: str
    personal: float
    institutional: float

    @property
    def weak_hand(self) -> str | None:
        return weak_hand_of(self.stage)

    def to_json(self) -> dict[str, Any]:
        return {"rep_id": self.rep_id, "contact_id": self.contact_id, "stage": self.stage,
                "personal": _r(self.personal), "institutional": _r(self.institutional),
                "weak_hand": self.weak_hand}


@dataclass(frozen=True)
class Introduction:
    """A warm path from one of our reps to a contact, with the first hop's evidence."""

    people: tuple[str, ...]
    strength: float
    evidence: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"people": list(self.people), "strength": _r(self.strength), "evidence": list(self.evidence)}


@dataclass(frozen=True)
class AccountStage:
    """The stage of one account, its two scores, their parts, and the next step.

    ``won_weighted`` is ``W``, ``deal`` is ``D``, ``business_mass`` is ``M`` and
    ``business`` is ``B`` of the module docstring.
    """

    org_id: str
    name: str
    kind: str
    stage: str
    personal: float
    institutional: float
    next_step: str
    key_contact: Person | None
    introduction: Introduction | None
    won_weighted: float
    deal: float
    business_mass: float
    business: float
    pairs: tuple[PairStage, ...]

    @property
    def weak_hand(self) -> str | None:
        return weak_hand_of(self.stage)

    def to_json(self) -> dict[str, Any]:
        k = self.key_contact
        return {
            "org_id": self.org_id, "name": self.name, "kind": self.kind, "stage": self.stage,
            "personal": _r(self.personal), "institutional": _r(self.institutional),
            "weak_hand": self.weak_hand, "next_step": self.next_step,
            "key_contact": ({"id": k.id, "name": k.name, "title": k.title, "role": k.role} if k else None),
            "introduction": self.introduction.to_json() if self.introduction else None,
            "signals": {"won_weighted": round(self.won_weighted, 2), "deal": _r(self.deal),
                        "business_mass": _r(self.business_mass), "business": _r(self.business)},
            "pairs": [p.to_json() for p in self.pairs],
        }


# -- reading the store -------------------------------------------------------------------


def account_organisations(store: Store) -> list[Organisation]:
    """The accounts (:func:`graph.analysis.accounts.accounts_of`) except our own organisations, by id.

    An ``own`` organisation with a rep assigned is left out: its people are our team.
    """
    return [o for o in accounts_of(store).values() if o.kind != "own"]


def account_ties(store: Store, accounts: Collection[Organisation], as_of: date, cfg: Config,
                 ) -> tuple[dict[str, Person], dict[str, Person], list[tuple[str, str, Tie]]]:
    """The team, the account contacts and the team-contact ties.

    Returns ``(team, contacts, ties)``: team members and contacts by id, and
    ``(team_member_id, contact_id, tie)`` for every tie between them, sorted by ids.
    """
    team, contacts, kinds = _team_and_contacts(store, accounts)
    return team, contacts, _between(_read_ties(ties_of, store, team, contacts, kinds, as_of, cfg), team, contacts)


T = TypeVar("T")


def account_strengths(store: Store, accounts: Collection[Organisation], as_of: date, cfg: Config, *,
                      ordered: bool = True,
                      ) -> tuple[dict[str, Person], dict[str, Person], list[tuple[str, str, TieStrength]]]:
    """:func:`account_ties` with the ties' numbers only (:func:`tie_strengths`: no evidence).

    Where the store keeps the team's ties (:meth:`Store.team_ties`) and the accounts' people
    outnumber the team, the rows come straight from it, in the same order (in the store's
    order when not ``ordered``)."""
    team, contacts, kinds = _team_and_contacts(store, accounts)
    if kinds and len(contacts) >= len(team):
        kept = store.team_ties(set(team), as_of, cfg.formula(), other_kinds=kinds)
        if kept is not None:
            if not ordered:
                return team, contacts, [(m, c, TieStrength(m, c, s, p, q) if m < c else TieStrength(c, m, s, p, q))
                                        for m, c, s, p, q in kept if c in contacts]
            rows = sorted((min(m, c), max(m, c), m, c, s, p, q) for m, c, s, p, q in kept if c in contacts)
            return team, contacts, [(m, c, TieStrength(a, b, s, p, q)) for a, b, m, c, s, p, q in rows]
    return team, contacts, _between(_read_ties(tie_strengths, store, team, contacts, kinds, as_of, cfg), team,
                                     contacts)


def _read_ties(read: Callable[..., dict[tuple[str, str], T]], store: Store, team: dict[str, Person],
               contacts: dict[str, Person], kinds: tuple[str, ...], as_of: date, cfg: Config,
               ) -> dict[tuple[str, str], T]:
    """The team-contact ties, read from the smaller side (a few accounts: from their people)."""
    if not kinds:
        return {}
    if len(contacts) < len(team):
        return read(store, set(contacts), as_of, cfg, other_kinds=("own",))
    return read(store, set(team), as_of, cfg, other_kinds=kinds)


def _team_and_contacts(store: Store, accounts: Collection[Organisation],
                       ) -> tuple[dict[str, Person], dict[str, Person], tuple[str, ...]]:
    """The team, the accounts' people, and the organisation kinds to read ties to (none: no ties)."""
    team = {p.id: p for p in store.people_at(("own",))}
    org_ids = {o.id for o in accounts}
    contacts = {p.id: p for p in store.members(org_ids)} if org_ids else {}
    if not team or not contacts:
        return team, contacts, ()
    return team, contacts, tuple(sorted(set(ACCOUNT_KINDS) | {o.kind for o in accounts}))


def _between(found: dict[tuple[str, str], T], team: dict[str, Person],
             contacts: dict[str, Person]) -> list[tuple[str, str, T]]:
    out = []
    for (a, b), tie in sorted(found.items()):
        for member, contact in ((a, b), (b, a)):
            if member in team and contact in contacts:
                out.append((member, contact, tie))
    return out


def _role_factors(cfg: Config) -> dict[str, float]:
    """``rf`` of every role (see the module docstring); a role not listed counts as ``other``."""
    top = max(cfg.role_weights.values(), default=1.0) or 1.0
    other = cfg.role_weights.get("other", 1.0)
    return {role: cfg.role_weights.get(role, other) / top for role in (*ROLES, *cfg.role_weights)}


def _role_factor(person: Person, factors: dict[str, float]) -> float:
    """``rf`` of ``person`` (``factors``: :func:`_role_factors`)."""
    return factors.get(person.role, factors["other"])


def _label(p: Person) -> str:
    """``"Nadia Haddad, CTO"``, or the role when there is no title."""
    return f"{p.name}, {p.title}" if p.title else f"{p.name} ({p.role.replace('_', ' ')})"


def _money(x: float) -> str:
    return f"{x:,.0f}"


# -- next steps ------------------------------------------------------------------------

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


def _best_introduction(store: Store, sources: Sequence[str], reach: RepReach | None, target: str, as_of: date,
                       cfg: Config, cache: TieCache | None = None) -> tuple[Introduction, Tie] | None:
    """The strongest path from ``sources`` to ``target`` (:func:`rapport_paths`); on equal
    strength, the earlier source. A ``reach`` says the sources are all the reps (the
    search from any rep is used then: same paths, fewer ties built)."""
    try:
        found = rapport_paths(store, target, as_of, cfg, sources=None if reach else sources,
                              k=max(cfg.default_k, 1), max_hops=cfg.default_max_hops, reach=reach, cache=cache)
    except PathSearchTooLarge:
        return None
    if not found:
        return None
    best = found[0].strength
    rank = {r: i for i, r in enumerate(sources)}
    chosen = min((p for p in found if p.strength >= best * (1.0 - _EQUAL)),
                 key=lambda p: (rank.get(p.people[0], len(rank)), p.people))
    return Introduction(tuple(chosen.people), chosen.strength, tuple(chosen.ties[0].explain())), chosen.ties[0]


def _won_note(deals: Sequence[Deal], as_of: date, cfg: Config) -> str:
    """Why the institutional hand is weak, in a few words (for the friend move)."""
    won = [d for d in deals if d.status == "won" and (d.closed_on is None or d.closed_on <= as_of)]
    window = [d for d in won if d.closed_on is not None and (as_of - d.closed_on).days < cfg.value_window_days]
    if window:
        total = math.fsum(d.amount for d in window)
        note = f"won only {_money(total)} in the last {cfg.value_window_days} days"
    else:
        dated = [d.closed_on for d in won if d.closed_on is not None]
        note = f"no won deal in the last {cfg.value_window_days} days"
        if dated:
            note += f"; the last one closed on {max(dated).isoformat()}"
        elif won:
            note += "; older won deals have no date"
    open_deals = [d for d in deals if d.status == "open"]
    if open_deals:
        total = math.fsum(d.amount for d in open_deals)
        note += f"; {len(open_deals)} open deal{'s' if len(open_deals) != 1 else ''} worth {_money(total)}"
    return note


def _key_decision_maker(contacts: Sequence[Person], personal: dict[str, float],
                        strength: dict[str, float]) -> Person | None:
    """The decision maker (else influencer, else anyone) with the weakest personal tie to us."""
    for role in ("decision_maker", "influencer", None):
        group = [c for c in contacts if role is None or c.role == role]
        if group:
            return min(group, key=lambda c: (personal.get(c.id, 0.0), strength.get(c.id, 0.0), c.id))
    return None


def _rapport_contact(contacts: Sequence[Person], personal: dict[str, float],
                     factors: dict[str, float]) -> Person | None:
    """The contact whose role-weighted personal tie counts most (``factors``: :func:`_role_factors`)."""
    if not contacts:
        return None
    return min(contacts, key=lambda c: (-_role_factor(c, factors) * personal.get(c.id, 0.0),
                                        -personal.get(c.id, 0.0), c.id))


# -- the analysis --------------------------------------------------------------------------


@dataclass
class _Draft:
    """An account's scores before its next step is written."""

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


@gc_paused()
def account_stages(store: Store, as_of: date, cfg: Config, *,
                   introductions: Collection[str] | None = None, pairs: bool = True,
                   only: Collection[str] | None = None, progress: Progress | None = None) -> list[AccountStage]:
    """The relationship stage of every account as of ``as_of``, ordered by org id.

    See the module docstring for the accounts, the scores, the stages and the
    next steps. Each supplier or outsider account's warm introduction is one
    path search (:func:`graph.analysis.rapport.rapport_paths`, which reads only
    what the path can use).

    Parameters
    ----------
    store : Store
        The graph to read.
    as_of : date
        Nothing after this date counts.
    cfg : Config
        Weights and thresholds (``personal_stage``, ``institutional_stage``,
        ``deal_saturation``, ``role_weights``, ``half_life_days``,
        ``business_saturation``, ``value_window_days``, ``strong_tie``,
        ``default_max_hops``, ``default_k``).

    introductions : collection of str, optional
        Work out the warm introductions of these accounts only (by org id; all when
        ``None``). A supplier or outsider account left out has an empty ``next_step``:
        a dashboard can show every account at once and one account's step on demand.
    pairs : bool, default True
        Also place every rep-contact pair (``AccountStage.pairs``); an overview can skip them.
    only : collection of str, optional
        Only these accounts (by org id): one account's drill-down reads only its people's ties.
    progress : callable, optional
        ``progress("introductions", done, total)`` as the warm introductions are worked out.

    Returns
    -------
    list of AccountStage
        One per account, each with its rep-contact pairs.

    Raises
    ------
    UsageError
        When an id in ``only`` is not an account.
    """
    accounts = account_organisations(store)
    if only is not None:
        wanted = set(only)
        unknown = sorted(wanted - {o.id for o in accounts})
        if unknown:
            raise UsageError(f"no account with id {', '.join(repr(u) for u in unknown)} (an account is a "
                             "customer, prospect or partner, or an organisation a rep is assigned to; "
                             "`relmap risk` lists them)")
        accounts = [o for o in accounts if o.id in wanted]
    if not accounts:
        return []
    team, contacts, ties = account_strengths(store, accounts, as_of, cfg, ordered=pairs)
    all_reps = sorted(pid for pid, p in team.items() if p.role == "rep")
    by_org: dict[str, list[Person]] = defaultdict(list)
    for c in sorted(contacts.values(), key=lambda p: p.id):
        by_org[c.org_id].append(c)
    deals: dict[str, list[Deal]] = defaultdict(list)
    for deal in sorted(store.deals(), key=lambda d: d.id):
        deals[deal.org_id].append(deal)
    covering: dict[str, list[Account]] = defaultdict(list)
    for a in store.accounts():
        covering[a.org_id].append(a)
    mass = {org: m for org, nature, _n, _last, m in store.org_activity(as_of, cfg.half_life_days)
            if nature == "business"}

    best_personal: dict[str, float] = {}
    best_strength: dict[str, float] = {}
    strong: dict[str, set[str]] = defaultdict(set)
    ties_at: dict[str, list[tuple[str, str, TieStrength]]] = defaultdict(list)
    threshold = cfg.strong_tie
    for member, contact, tie in ties:
        org_id = contacts[contact].org_id
        if pairs:
            ties_at[org_id].append((member, contact, tie))
        if tie.personal > best_personal.get(contact, 0.0):
            best_personal[contact] = tie.personal
        if tie.strength > best_strength.get(contact, 0.0):
            best_strength[contact] = tie.strength
        if tie.strength >= threshold:
            strong[org_id].add(member)

    factors = _role_factors(cfg)
    drafts = []
    for org in accounts:
        people = by_org.get(org.id, [])
        personal = personal_score(_role_factor(c, factors) * best_personal.get(c.id, 0.0) for c in people)
        w = won_weight(deals.get(org.id, []), as_of, cfg)
        deal_part = deal_score(w, cfg)
        m = mass.get(org.id, 0.0)
        b = 1.0 - math.exp(-m / cfg.business_saturation)
        institutional = institutional_score(deal_part, b)
        stage = stage_of(personal, institutional, cfg)
        reps = [a.rep_id for a in sorted(covering.get(org.id, []),
                                         key=lambda a: (a.role != "owner", a.since or date.max, a.rep_id))]
        draft = _Draft(org, people, deals.get(org.id, []), reps, strong.get(org.id, set()), personal,
                       institutional, w, deal_part, m, b, stage, None)
        if people and stage in ("friend", "partner"):
            draft.key = _rapport_contact(people, best_personal, factors)
        elif people:
            draft.key = _key_decision_maker(people, best_personal, best_strength)
        if draft.key is not None and stage in ("supplier", "outsider"):
            draft.sources = tuple(reps or all_reps)
        drafts.append(draft)

    asked = {d.org.id for d in drafts if d.sources and d.key is not None
             and (introductions is None or d.org.id in introductions)}
    # the asks from every rep share one read of the reps' ties
    reach = RepReach.read(store, all_reps, as_of) if any(not d.reps for d in drafts if d.org.id in asked) else None
    found: list[tuple[Introduction, Tie] | None] = []
    cache = TieCache()  # the searches share most of their ties: each is built once
    done = 0
    for d in drafts:
        if d.key is None or d.org.id not in asked:
            found.append(None)
            continue
        found.append(_best_introduction(store, d.sources, None if d.reps else reach, d.key.id, as_of, cfg, cache))
        done += 1
        if progress:
            progress("introductions", done, len(asked))
    on_paths = {p for f in found if f for p in f[0].people}
    names = {p.id: p for p in store.people(on_paths - set(team))} if on_paths - set(team) else {}
    names.update(team)
    names.update(contacts)

    out = []
    for d, f in zip(drafts, found):
        if d.sources and d.key is not None and d.org.id not in asked:
            intro, step = None, ""  # its introduction was not asked for
        else:
            intro, step = _next_step(d, f, names, team, as_of, cfg)
        rep_pairs = tuple(_pair_stage(member, contact, tie, d.deals, as_of, cfg)
                          for member, contact, tie in ties_at.get(d.org.id, [])
                          if team[member].role == "rep") if pairs else ()
        out.append(AccountStage(d.org.id, d.org.name, d.org.kind, d.stage, d.personal, d.institutional, step,
                                d.key, intro, d.won_weighted, d.deal, d.business_mass, d.business, rep_pairs))
    return out


def _pair_stage(rep: str, contact: str, tie: Tie | TieStrength, deals: Sequence[Deal], as_of: date, cfg: Config) -> PairStage:
    d_rep = deal_score(won_weight([d for d in deals if d.rep_id == rep], as_of, cfg), cfg)
    institutional = institutional_score(d_rep, tie.business)
    return PairStage(rep, contact, stage_of(tie.personal, institutional, cfg), tie.personal, institutional)


def _next_step(d: _Draft, found: tuple[Introduction, Tie] | None, people: dict[str, Person],
               team: dict[str, Person], as_of: date, cfg: Config) -> tuple[Introduction | None, str]:
    """``(introduction or None, sentence)`` for one account."""
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
        others = [r for r in d.reps if r != only and r in team]
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
