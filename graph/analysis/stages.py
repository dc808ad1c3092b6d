"""Relationship stages: outsider, friend, supplier or partner, for every account and rep-contact pair.

The selling model (``docs/domain.md``) measures two hands: **personal** rapport (the
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
Ties come from :func:`graph.analysis.accounts.account_strengths` between the team and
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
    (the ``business`` mass of :meth:`Reader.org_activity`).

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
Each account gets one concrete sentence (:mod:`graph.analysis.next_steps`), built around a
key contact; for supplier and outsider accounts that is a warm introduction, one path search
each. Each account also carries its value (:func:`graph.analysis.accounts.value_of`, as in the
risk and cooling analyses): the friend move quotes its two parts.

>>> cfg = Config()
>>> stage_of(0.7, 0.2, cfg), weak_hand_of("friend")
('friend', 'institutional')
>>> round(institutional_score(0.5, 0.5), 3)
0.65
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.analysis.accounts import AccountValue, TeamTie, account_organisations, account_strengths, value_of
from graph.analysis.config import Config
from graph.analysis.introductions import RepReach
from graph.analysis.next_steps import Draft, Introduction, best_introduction, key_decision_maker, next_step, \
    rapport_contact
from graph.analysis.tie_reads import TieCache
from graph.analysis.ties import Tie
from graph.errors import UsageError
from graph.model import ROLES, Account, Deal, Organisation, Person
from graph.store.base import Progress, Reader

__all__ = ["BUSINESS_WEIGHT", "STAGES", "AccountStage", "PairStage", "account_stages", "deal_score",
           "institutional_score", "personal_score", "stage_of", "weak_hand_of", "won_weight"]

#: How much business activity (without won deals) can count towards the institutional hand.
#: Not in :class:`Config` yet: a candidate setting ``business_stage_weight``.
BUSINESS_WEIGHT = 0.6
#: The four stages, from no hand to both.
STAGES = ("outsider", "friend", "supplier", "partner")

_WEAK_HAND: dict[str, str | None] = {
    "partner": None, "friend": "institutional", "supplier": "personal", "outsider": "both"}


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


def _role_factors(cfg: Config) -> dict[str, float]:
    """``rf`` of every role (see the module docstring); a role not listed counts as ``other``."""
    top = max(cfg.role_weights.values(), default=1.0) or 1.0
    other = cfg.role_weights.get("other", 1.0)
    return {role: cfg.role_weights.get(role, other) / top for role in (*ROLES, *cfg.role_weights)}


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
    value: AccountValue = AccountValue()

    @property
    def weak_hand(self) -> str | None:
        return weak_hand_of(self.stage)

    def to_json(self) -> dict[str, Any]:
        k = self.key_contact
        return {
            "org_id": self.org_id, "name": self.name, "kind": self.kind, "stage": self.stage,
            "personal": _r(self.personal), "institutional": _r(self.institutional),
            "weak_hand": self.weak_hand, "next_step": self.next_step,
            "value": round(self.value.value, 2), "won_last_year": round(self.value.won_last_year, 2),
            "pipeline": round(self.value.pipeline, 2),
            "key_contact": ({"id": k.id, "name": k.name, "title": k.title, "role": k.role} if k else None),
            "introduction": self.introduction.to_json() if self.introduction else None,
            "signals": {"won_weighted": round(self.won_weighted, 2), "deal": _r(self.deal),
                        "business_mass": _r(self.business_mass), "business": _r(self.business)},
            "pairs": [p.to_json() for p in self.pairs],
        }


# -- the analysis --------------------------------------------------------------------------


def account_stages(r: Reader, as_of: date, cfg: Config, *,
                   introductions: Collection[str] | None = None, pairs: bool = True,
                   only: Collection[str] | None = None, progress: Progress | None = None) -> list[AccountStage]:
    """The relationship stage of every account as of ``as_of``, ordered by org id.

    See the module docstring for the accounts, the scores, the stages and the
    next steps. Each supplier or outsider account's warm introduction is one
    path search (:func:`graph.analysis.introductions.rapport_paths`, which reads only
    what the path can use).

    Parameters
    ----------
    r : Reader
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
    accounts = account_organisations(r)
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
    team, contacts, ties = account_strengths(r, accounts, as_of, cfg)
    all_reps = sorted(pid for pid, p in team.items() if p.role == "rep")
    by_org: dict[str, list[Person]] = defaultdict(list)
    for c in sorted(contacts.values(), key=lambda p: p.id):
        by_org[c.org_id].append(c)
    deals: dict[str, list[Deal]] = defaultdict(list)
    for deal in sorted(r.deals(), key=lambda d: d.id):
        deals[deal.org_id].append(deal)
    covering: dict[str, list[Account]] = defaultdict(list)
    for a in r.accounts():
        covering[a.org_id].append(a)
    mass = {a.org_id: a.mass for a in r.org_activity(as_of, cfg.half_life_days) if a.nature == "business"}

    best_personal: dict[str, float] = {}
    best_strength: dict[str, float] = {}
    strong: dict[str, set[str]] = defaultdict(set)
    ties_at: dict[str, list[TeamTie]] = defaultdict(list)
    for tie in ties:
        member, contact, (strength, personal, _) = tie
        org_id = contacts[contact].org_id
        if pairs:
            ties_at[org_id].append(tie)
        if personal > best_personal.get(contact, 0.0):
            best_personal[contact] = personal
        if strength > best_strength.get(contact, 0.0):
            best_strength[contact] = strength
        if strength >= cfg.strong_tie:
            strong[org_id].add(member)

    factors = _role_factors(cfg)
    weighted = {c: factors.get(p.role, factors["other"]) * best_personal.get(c, 0.0) for c, p in contacts.items()}
    drafts = [_draft(org, by_org.get(org.id, []), deals.get(org.id, []), covering.get(org.id, []),
                     strong.get(org.id, set()), mass.get(org.id, 0.0), weighted, best_personal, best_strength,
                     all_reps, as_of, cfg) for org in accounts]

    asked = {d.org.id for d in drafts if d.sources and d.key is not None
             and (introductions is None or d.org.id in introductions)}
    # the asks from every rep share one read of the reps' ties
    reach = RepReach.when_needed(r, all_reps, as_of, cfg) if any(not d.reps for d in drafts if d.org.id in asked) else None
    found: list[tuple[Introduction, Tie] | None] = []
    cache = TieCache()  # the searches share most of their ties: each is built once
    done = 0
    for d in drafts:
        if d.key is None or d.org.id not in asked:
            found.append(None)
            continue
        found.append(best_introduction(r, d.sources, None if d.reps else reach, d.key.id, as_of, cfg, cache))
        done += 1
        if progress:
            progress("introductions", done, len(asked))
    on_paths = {p for f in found if f for p in f[0].people} - set(team)
    names = {p.id: p for p in r.people(ids=on_paths)} if on_paths else {}
    names.update(team)
    names.update(contacts)

    out = []
    for d, f in zip(drafts, found):
        if d.sources and d.key is not None and d.org.id not in asked:
            intro, step = None, ""  # its introduction was not asked for
        else:
            intro, step = next_step(d, f, names, team, as_of, cfg)
        rep_pairs = tuple(_pair_stage(tie, d.deals, as_of, cfg) for tie in ties_at.get(d.org.id, [])
                          if team[tie[0]].role == "rep") if pairs else ()
        out.append(AccountStage(d.org.id, d.org.name, d.org.kind, d.stage, d.personal, d.institutional, step,
                                d.key, intro, d.won_weighted, d.deal, d.business_mass, d.business, rep_pairs,
                                value_of(d.deals, as_of, cfg)))
    return out


def _draft(org: Organisation, people: list[Person], deals: list[Deal], covering: list[Account], strong: set[str],
           mass: float, weighted: dict[str, float], best_personal: dict[str, float],
           best_strength: dict[str, float], all_reps: Sequence[str], as_of: date, cfg: Config) -> Draft:
    """One account's scores, stage, key contact and who may start its warm introduction."""
    personal = personal_score(weighted[c.id] for c in people)
    w = won_weight(deals, as_of, cfg)
    deal_part = deal_score(w, cfg)
    b = 1.0 - math.exp(-mass / cfg.business_saturation)
    institutional = institutional_score(deal_part, b)
    stage = stage_of(personal, institutional, cfg)
    reps = [a.rep_id for a in sorted(covering, key=lambda a: (a.role != "owner", a.since or date.max, a.rep_id))]
    d = Draft(org, people, deals, reps, strong, personal, institutional, w, deal_part, mass, b, stage, None)
    if people and stage in ("friend", "partner"):
        d.key = rapport_contact(people, weighted, best_personal)
    elif people:
        d.key = key_decision_maker(people, best_personal, best_strength)
    if d.key is not None and stage in ("supplier", "outsider"):
        d.sources = tuple(reps or all_reps)
    return d


def _pair_stage(tie: TeamTie, deals: Sequence[Deal], as_of: date, cfg: Config) -> PairStage:
    rep, contact, (_, personal, business) = tie
    d_rep = deal_score(won_weight([d for d in deals if d.rep_id == rep], as_of, cfg), cfg)
    institutional = institutional_score(d_rep, business)
    return PairStage(rep, contact, stage_of(personal, institutional, cfg), personal, institutional)
