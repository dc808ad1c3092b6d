"""The synthetic world :func:`ingest.generate.generate` writes: organisations, people and
their ties, drawn from seeded random streams, streamed to CSV in batches.

See :mod:`ingest.generate` for its shape. The names, titles and interaction types it draws
from are in :mod:`ingest.synthetic_vocab`.
"""

from __future__ import annotations

import csv
import math
import random
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from ingest.synthetic_vocab import (BUSINESS, CITIES, CUSTOM, FIRST, INDUSTRIES, LAST, MANAGER_TITLES, MEMBER_TITLES,
                                    NOTES, ORG_A, ORG_B, ORG_LEGAL, OTHER_KINDS, PERSONAL, PRODUCTS, REP_TITLES, TITLES)

__all__ = ["World", "INTERACTIONS_PER_PERSON"]

#: Interactions written per person.
INTERACTIONS_PER_PERSON = 10

Progress = Callable[[str, int, int], None]

_BATCH = 10_000
_DAYS_BACK = 730  # interactions and deals fall in the two years before as_of


def _slug(text: str) -> str:
    """Lower-case ASCII letters only (for e-mail addresses)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_text.lower() if c.isalnum()) or "x"


def _cumulative(weights: Iterable[float]) -> list[float]:
    return list(accumulate(weights))


class _Writer:
    """One output file: a csv writer with batched rows and progress calls."""

    def __init__(self, out: Path, name: str, header: Sequence[str], total: int, progress: Progress | None):
        self.name = name
        self.total = total
        self.done = 0
        self._progress = progress
        self._fh = (out / f"{name}.csv").open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._fh, lineterminator="\n")
        self._csv.writerow(header)
        self.rows: list[Sequence[Any]] = []

    def flush(self) -> None:
        if self.rows:
            self._csv.writerows(self.rows)
            self.done += len(self.rows)
            self.rows.clear()
            if self._progress is not None:
                self._progress(self.name, self.done, max(self.total, self.done))

    def close(self) -> int:
        self.flush()
        self._fh.close()
        if self._progress is not None and self.done == 0:
            self._progress(self.name, 0, 0)
        return self.done


class World:
    """The in-memory skeleton (orgs, id strings, account map) that the writers share."""

    def __init__(self, people: int, seeds: dict[str, int], as_of: date) -> None:
        self.n = people
        self.seeds = seeds
        self.as_of = as_of
        self.n_reps = max(3, round(people * 0.01))
        self.n_managers = max(1, self.n_reps // 8)
        n_own = self.n_reps + self.n_managers
        rng = random.Random(seeds["orgs"])

        # Organisation sizes: own org first, then Pareto-sized blocks.
        sizes = [n_own]
        left = people - n_own
        cap = max(20, left // 20)
        while left > 0:
            size = min(left, cap, max(1, int(2.0 * rng.paretovariate(1.15))))
            sizes.append(size)
            left -= size
        self.org_size = sizes
        self.org_start = list(accumulate([0] + sizes[:-1]))
        n_orgs = len(sizes)
        self.org_width = max(4, len(str(n_orgs)))
        self.pwidth = max(3, len(str(people)))
        self.oids = [f"O-{i:0{self.org_width}d}" for i in range(n_orgs)]

        kinds = ["own"]
        forced = ["customer", "prospect", "partner", "other"]
        kind_pool = ("customer",) * 35 + ("prospect",) * 40 + ("partner",) * 7 + ("other",) * 18
        for i in range(1, n_orgs):
            kinds.append(forced[i - 1] if i <= len(forced) else rng.choice(kind_pool))
        self.org_kind = kinds
        self.org_other = [-1] * n_orgs  # index into OTHER_KINDS for kind "other"
        self.org_name: list[str] = []
        self.org_domain: list[str] = []
        self.org_industry: list[str] = []
        self.org_revenue: list[str] = []
        for i, (kind, size) in enumerate(zip(kinds, sizes)):
            if kind == "own":
                name, industry = "Northwind Systems", "Software"
                revenue = str(max(5_000_000, size * 250_000))
            elif kind == "other":
                self.org_other[i] = rng.randrange(len(OTHER_KINDS))
                pattern, industry, _ = OTHER_KINDS[self.org_other[i]]
                name = pattern.format(rng.choice(CITIES))
                revenue = "" if rng.random() < 0.6 else str(size * rng.randrange(500, 5_000))
            else:
                name = f"{rng.choice(ORG_A)} {rng.choice(ORG_B)}{rng.choice(ORG_LEGAL)}"
                industry = rng.choice(INDUSTRIES)
                per_head = rng.lognormvariate(math.log(150_000), 0.6)
                revenue = str(int(max(size, 5) * per_head * (3 if size > 200 else 1)) // 1000 * 1000)
            self.org_name.append(name)
            self.org_industry.append(industry)
            self.org_revenue.append(revenue)
            self.org_domain.append("northwind.example" if i == 0 else f"{_slug(name)[:24]}{i}.example")
        self.other_orgs = [i for i, k in enumerate(kinds) if k == "other"]

        # Person ids, and the org of each person as block boundaries.
        self.pids = [f"P-{i:0{self.pwidth}d}" for i in range(1, people + 1)]
        self.n_own = n_own
        self._date_cache: dict[int, str] = {}

        # Accounts: each customer/prospect gets 1-3 distinct reps; a few reps carry many.
        rng = random.Random(seeds["accounts"])
        order = list(range(self.n_reps))
        rng.shuffle(order)
        rep_cum = _cumulative(1.0 / math.sqrt(rank + 1) for rank in range(self.n_reps))
        self.org_reps: dict[int, tuple[int, ...]] = {}
        self.rep_accounts: list[list[int]] = [[] for _ in range(self.n_reps)]
        self.account_rows: list[tuple[str, str, str, str]] = []
        for o in range(1, n_orgs):
            if kinds[o] not in ("customer", "prospect"):
                continue
            u = rng.random()
            k = 1 if u < 0.5 else 2 if u < 0.85 else 3
            if sizes[o] > 500:
                k = 3
            chosen: list[int] = []
            while len(chosen) < k:
                r = order[bisect_right(rep_cum, rng.random() * rep_cum[-1])]
                if r not in chosen:
                    chosen.append(r)
            self.org_reps[o] = tuple(chosen)
            for j, r in enumerate(chosen):
                self.rep_accounts[r].append(o)
                since = self.day(rng.randrange(30, 6 * 365))
                self.account_rows.append((self.oids[o], self.pids[r], "owner" if j == 0 else "support", since))
        # Interactions pick an account with weight growing with its size.
        self.account_orgs = sorted(self.org_reps)
        self.account_cum = _cumulative(sizes[o] ** 0.8 for o in self.account_orgs)

    # ------------------------------------------------------------------ helpers

    def day(self, days_back: int) -> str:
        """ISO date ``days_back`` days before as_of (cached)."""
        s = self._date_cache.get(days_back)
        if s is None:
            s = (self.as_of - timedelta(days=days_back)).isoformat()
            self._date_cache[days_back] = s
        return s

    def org_of(self, person: int) -> int:
        return bisect_right(self.org_start, person) - 1

    def contact(self, rng: random.Random, org: int) -> int:
        """A person at ``org``, skewed towards the first (senior) people of its block."""
        return self.org_start[org] + int(self.org_size[org] * rng.random() ** 2)

    # ------------------------------------------------------------------ writers

    def write_organisations(self, out: Path, progress: Progress | None) -> int:
        w = _Writer(out, "organisations", ("id", "name", "kind", "industry", "annual_revenue"),
                    len(self.org_size), progress)
        for i in range(len(self.org_size)):
            w.rows.append((self.oids[i], self.org_name[i], self.org_kind[i], self.org_industry[i],
                           self.org_revenue[i]))
            if len(w.rows) >= _BATCH:
                w.flush()
        return w.close()

    def write_people(self, out: Path, progress: Progress | None) -> int:
        rng = random.Random(self.seeds["people"])
        w = _Writer(out, "people", ("id", "name", "org_id", "title", "role", "email"), self.n, progress)
        first_slug = [_slug(x) for x in FIRST]
        last_slug = [_slug(x) for x in LAST]
        nf, nl = len(FIRST), len(LAST)
        rand = rng.random
        for o, (start, size) in enumerate(zip(self.org_start, self.org_size)):
            kind, oid, domain = self.org_kind[o], self.oids[o], self.org_domain[o]
            for off in range(size):
                p = start + off
                f, last = int(rand() * nf), int(rand() * nl)
                if kind == "own":
                    if p < self.n_reps:
                        role, title = "rep", REP_TITLES[int(rand() * len(REP_TITLES))]
                    else:
                        role, title = "manager", MANAGER_TITLES[int(rand() * len(MANAGER_TITLES))]
                elif kind == "other":
                    role, title = "other", MEMBER_TITLES[int(rand() * len(MEMBER_TITLES))]
                else:
                    u = rand()
                    if off == 0 or u < 0.05:
                        role = "decision_maker"
                    elif u < 0.20:
                        role = "influencer"
                    elif u < 0.82:
                        role = "user"
                    else:
                        role = "other"
                    titles = TITLES[role]
                    title = titles[int(rand() * len(titles))]
                email = (f"{first_slug[f]}.{last_slug[last]}{p % 97}@{domain}"
                         if kind != "other" and rand() < 0.7 else "")
                w.rows.append((self.pids[p], f"{FIRST[f]} {LAST[last]}", oid, title, role, email))
                if len(w.rows) >= _BATCH:
                    w.flush()
        return w.close()

    def write_accounts(self, out: Path, progress: Progress | None) -> int:
        w = _Writer(out, "accounts", ("org_id", "rep_id", "role", "since"), len(self.account_rows), progress)
        for row in self.account_rows:
            w.rows.append(row)
            if len(w.rows) >= _BATCH:
                w.flush()
        return w.close()

    # friendships -----------------------------------------------------------

    _WINDOW = 40  # colleagues are linked within this many places of each other
    _NEAR = 5_000  # "nearby" long-range ties land within this many people

    def _friend_counts(self, rng: random.Random, p: int, org: int, end: int) -> tuple[int, int, list[int]]:
        """How many forward ties ``p`` makes: (colleagues, others, per rep account)."""
        rand = rng.random
        intra = min(end - p - 1, int(rand() * 5.5))
        if p < self.n_reps:
            per_account = [min(self.org_size[a], 1 + int(rand() * 3)) for a in self.rep_accounts[p]]
            return intra, 0, per_account
        cross = int(rand() * (4.5 if self.org_kind[org] == "other" else 2.5))
        return intra, min(cross, self.n - end), []

    def write_friendships(self, out: Path, progress: Progress | None) -> int:
        # Pass 1 only adds up the counts, so that progress has an exact total;
        # pass 2 redraws the same counts from a fresh copy of the same stream.
        total = 0
        crng = random.Random(self.seeds["friend_counts"])
        for org, (start, size) in enumerate(zip(self.org_start, self.org_size)):
            end = start + size
            for p in range(start, end):
                intra, cross, acc = self._friend_counts(crng, p, org, end)
                total += intra + cross + sum(acc)

        w = _Writer(out, "friendships", ("person_a", "person_b", "kind", "since"), total, progress)
        crng = random.Random(self.seeds["friend_counts"])
        rng = random.Random(self.seeds["friends"])
        rand, randrange = rng.random, rng.randrange
        pids, n = self.pids, self.n
        kinds_any = ("friend",) * 10 + ("former_colleague",) * 6 + ("alumni",) * 2 + ("family",) + ("other",)
        own_kinds = ("friend", "former_colleague", "former_colleague")
        rows = w.rows
        for org, (start, size) in enumerate(zip(self.org_start, self.org_size)):
            end = start + size
            kind = self.org_kind[org]
            reps = self.org_reps.get(org, ())
            later_others = self.other_orgs[bisect_right(self.other_orgs, org):]
            own_kind = OTHER_KINDS[self.org_other[org]][2] if kind == "other" else None
            for p in range(start, end):
                intra, cross, acc = self._friend_counts(crng, p, org, end)
                a = pids[p]
                if intra:
                    span = min(self._WINDOW, end - p - 1)
                    for d in (rng.sample(range(1, span + 1), intra) if intra > 1 else (1 + randrange(span),)):
                        k = own_kind or (own_kinds[int(rand() * 3)] if kind == "own"
                                         else ("friend" if rand() < 0.85 else "other"))
                        rows.append((a, pids[p + d], k, self._since(rand)))
                for account, c in zip(self.rep_accounts[p] if acc else (), acc):
                    a_start, a_size = self.org_start[account], self.org_size[account]
                    picked: set[int] = set()
                    while len(picked) < c:
                        picked.add(a_start + int(a_size * rand() ** 2))
                    for q in sorted(picked):
                        rows.append((a, pids[q], "friend" if rand() < 0.6 else "former_colleague",
                                     self._since(rand)))
                if cross:
                    picked = set()
                    tries = 0
                    while len(picked) < cross:
                        tries += 1
                        u = rand()
                        if tries > 20:  # tiny tail of the file: take the first free one
                            q = next(x for x in range(end, n) if x not in picked)
                        elif u < 0.25 and reps:  # someone at another account of the same rep
                            accounts = self.rep_accounts[reps[int(rand() * len(reps))]]
                            o2 = accounts[int(rand() * len(accounts))]
                            if o2 <= org:
                                continue
                            q = self.contact(rng, o2)
                        elif u < 0.45 and later_others:  # a club or alumni network
                            o2 = later_others[int(rand() * len(later_others))]
                            q = self.org_start[o2] + int(self.org_size[o2] * rand())
                        elif u < 0.8:  # nearby
                            q = end + int(min(self._NEAR, n - end) * rand())
                        else:  # anywhere later
                            q = end + int((n - end) * rand())
                        picked.add(q)
                    for q in sorted(picked):
                        o2 = self.org_of(q)
                        k = own_kind or (OTHER_KINDS[self.org_other[o2]][2] if self.org_other[o2] >= 0
                                         else kinds_any[int(rand() * len(kinds_any))])
                        rows.append((a, pids[q], k, self._since(rand)))
                if len(rows) >= _BATCH:
                    w.flush()
        return w.close()

    def _since(self, rand: Callable[[], float]) -> str:
        return "" if rand() < 0.2 else self.day(1 + int(rand() * 25 * 365))

    # interactions ----------------------------------------------------------

    def write_interactions(self, out: Path, progress: Progress | None) -> int:
        rng = random.Random(self.seeds["interactions"])
        rand = rng.random
        total = self.n * INTERACTIONS_PER_PERSON
        width = max(4, len(str(total)))
        w = _Writer(out, "interactions", ("id", "date", "type", "participants", "org_id", "nature", "notes"),
                    total, progress)
        rows = w.rows
        pids, oids, n, n_own = self.pids, self.oids, self.n, self.n_own
        bus_types = [t for t, _ in BUSINESS]
        bus_cum = _cumulative(c for _, c in BUSINESS)
        per_types = [t for t, _ in PERSONAL]
        per_cum = _cumulative(c for _, c in PERSONAL)
        acc_orgs, acc_cum = self.account_orgs, self.account_cum
        acc_total = acc_cum[-1]
        days = [self.day(d) for d in range(_DAYS_BACK + 1)]
        managers = range(self.n_reps, n_own)
        for i in range(1, total + 1):
            u = rand()
            day = days[1 + int((_DAYS_BACK - 1) * rand() ** 1.4)]  # more recent than old
            nature = ""
            if u < 0.72:  # a rep with contacts at an account they cover
                org = acc_orgs[bisect_right(acc_cum, rand() * acc_total)]
                reps = self.org_reps[org]
                rep = reps[0] if len(reps) == 1 or rand() < 0.6 else reps[1 + int(rand() * (len(reps) - 1))]
                people = [rep]
                v = rand()
                if len(reps) > 1 and v < 0.1:
                    other = reps[int(rand() * len(reps))]
                    if other != rep:
                        people.append(other)
                elif v > 0.97:
                    people.append(managers[int(rand() * len(managers))])
                m = 1 if (v := rand()) < 0.55 else 2 if v < 0.88 else 3
                m = min(m, self.org_size[org])
                contacts: list[int] = []
                while len(contacts) < m:
                    q = self.contact(rng, org)
                    if q not in contacts:
                        contacts.append(q)
                people += contacts
                personal = rand() < 0.22
                org_id = oids[org] if not personal or rand() < 0.5 else ""
            else:  # people outside our company among themselves
                p = n_own + int((n - n_own) * rand())
                org = self.org_of(p)
                start, size = self.org_start[org], self.org_size[org]
                people = [p]
                want = 2 if (v := rand()) < 0.7 else 3 if v < 0.92 else 4
                guard = 0
                while len(people) < want and guard < 20:
                    guard += 1
                    if size > 1 and rand() < 0.5:
                        q = start + int(size * rand())
                    else:
                        q = p + 1 + int(2_000 * rand())
                        if q >= n:
                            q = n_own + (q - n_own) % (n - n_own)
                    if q not in people:
                        people.append(q)
                if len(people) < 2:  # cannot happen with n - n_own >= 2, kept as a guard
                    people.append(n_own if p != n_own else n_own + 1)
                personal = rand() < 0.65
                org_id = ""
            v = rand()
            if v < 0.01:
                kind, nature = CUSTOM[int(rand() * len(CUSTOM))]
            elif personal:
                kind = per_types[bisect_right(per_cum, rand() * per_cum[-1])]
                if v > 0.995:
                    nature = "business"  # a working lunch, a dinner that was a negotiation
            else:
                kind = bus_types[bisect_right(bus_cum, rand() * bus_cum[-1])]
            notes = NOTES[int(rand() * len(NOTES))] if rand() < 0.08 else ""
            rows.append((f"I-{i:0{width}d}", day, kind, ";".join([pids[x] for x in people]),
                         org_id, nature, notes))
            if len(rows) >= _BATCH:
                w.flush()
        return w.close()

    # deals -----------------------------------------------------------------

    def write_deals(self, out: Path, progress: Progress | None) -> int:
        rng = random.Random(self.seeds["deals"])
        rand = rng.random
        plan: list[int] = []
        for org in self.account_orgs:
            size = self.org_size[org]
            if self.org_kind[org] == "customer":
                plan.append(1 + int(rand() * (1 + math.log2(size + 1))))
            else:
                plan.append(int(rand() * 3) if rand() < 0.6 else 0)
        total = sum(plan)
        width = max(3, len(str(total)))
        w = _Writer(out, "deals", ("id", "org_id", "amount", "status", "rep_id", "closed_on", "product"),
                    total, progress)
        i = 0
        for org, count in zip(self.account_orgs, plan):
            customer = self.org_kind[org] == "customer"
            scale = 1 + math.log10(self.org_size[org] + 1)
            reps = self.org_reps[org]
            for j in range(count):
                i += 1
                u = rand()
                if customer:
                    status = "won" if j == 0 or u < 0.45 else "lost" if u < 0.75 else "open"
                else:
                    status = "lost" if u < 0.55 else "open"
                amount = int(min(50_000_000, 20_000 * rng.paretovariate(1.3) * scale)) // 100 * 100
                closed = "" if status == "open" else self.day(1 + int(rand() * (_DAYS_BACK - 1)))
                rep = reps[0] if rand() < 0.6 else reps[int(rand() * len(reps))]
                w.rows.append((f"D-{i:0{width}d}", self.oids[org], str(amount), status, self.pids[rep],
                               closed, PRODUCTS[int(rand() * len(PRODUCTS))]))
                if len(w.rows) >= _BATCH:
                    w.flush()
        return w.close()
