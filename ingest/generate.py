"""Deterministic synthetic input data for relmap, at any scale.

:func:`generate` writes the six input files of the contract (``organisations.csv``,
``people.csv``, ``friendships.csv``, ``interactions.csv``, ``accounts.csv``,
``deals.csv``) for a made-up sales organisation and its market. The same seed
always gives byte-identical files. Rows are streamed to disk in batches, so
memory is bounded by the id lists and the account map: about 50 MB at 100,000
people (about 6 s) and 160 MB at one million (about 90 s).

The shape of the world:

- one ``own`` organisation (index 0) holding the reps (about 1% of all people,
  at least 3) and a few managers;
- customer, prospect, partner and ``other`` organisations (clubs, alumni networks)
  with heavy-tailed (Pareto) sizes: many with a handful of people, a few with
  thousands;
- each customer and prospect is an account of one to three reps (an owner and
  supporters), drawn so that a few reps carry many accounts;
- friendships are clustered: mostly between colleagues, between a rep and the
  contacts at their accounts, and between people at accounts that share a rep or
  at clubs, with some random long-range ties (a small world). A person only ever
  links forward to people with a larger index and never twice to the same one,
  so there is no self-friendship and no duplicate pair without any lookup table;
- about ten interactions per person over the two years before ``as_of``, mostly a
  rep with contacts at an account they cover, the rest among people outside our
  company, mixing business and personal types;
- deals per account: customers have won deals, prospects only lost or open ones.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     counts = generate(Path(tmp), people=200, seed=7)
...     files = sorted(p.name for p in Path(tmp).iterdir())
>>> files == sorted(f"{name}.csv" for name in counts)
True
>>> counts["people"], counts["interactions"]
(200, 2000)
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

__all__ = ["generate", "FILES", "INTERACTIONS_PER_PERSON"]

#: The files :func:`generate` writes, in the order it writes them (without ``.csv``).
FILES = ("organisations", "people", "accounts", "friendships", "interactions", "deals")

#: Interactions written per person.
INTERACTIONS_PER_PERSON = 10

Progress = Callable[[str, int, int], None]

_BATCH = 10_000
_DAYS_BACK = 730  # interactions and deals fall in the two years before as_of

# --------------------------------------------------------------------------- vocab

_FIRST = (
    "Aisha", "Daniel", "Zoë", "Liam", "Kenji", "Priya", "Mateo", "Sofía", "Olusegun", "Ngozi",
    "Wei", "Mei", "Yuki", "Hiroshi", "Aarav", "Ananya", "Fatima", "Omar", "Layla", "Yusuf",
    "José", "Lucía", "Søren", "Ingrid", "Björn", "Astrid", "Łukasz", "Zofia", "Siobhán", "Aoife",
    "Seán", "Chloé", "Noémie", "Jürgen", "Anja", "Dmitri", "Olga", "Aylin", "Emre", "Kofi",
    "Ama", "Thandiwe", "Sipho", "Leilani", "Kai", "Thảo", "Minh", "Grace", "Ethan", "Olivia",
    "Noah", "Emma", "Lucas", "Isabella", "Hannah", "Samuel", "Rebecca", "Carlos", "Ana", "Diego",
    "Valentina", "Rafael", "Camila", "Tomás", "Nadia", "Karim", "Elena", "Marco", "Giulia", "Pierre",
    "Amélie", "Hamid", "Parisa", "Arjun", "Kavya", "Ji-woo", "Min-jun", "Tariq", "Rania", "Matteo",
)
_LAST = (
    "Khan", "Reyes", "Müller", "O'Brien", "Watanabe", "Natarajan", "Fernández", "García", "Adeyemi",
    "Okafor", "Chen", "Liu", "Mori", "Tanaka", "Sharma", "Patel", "El Amrani", "Haddad", "Farouk",
    "Yılmaz", "Martínez", "Sørensen", "Lindqvist", "Andersson", "Kowalski", "Nowak", "Kelly",
    "O'Connor", "D'Souza", "Dubois", "Lefèvre", "Schmidt", "Becker", "Ivanova", "Petrović",
    "Šimić", "Mensah", "Boateng", "Dlamini", "Nkosi", "Kahananui", "Nguyễn", "Trần", "Smith",
    "Johnson", "Brooks", "Silva", "Costa", "Rossi", "Bianchi", "Novak", "Stein", "Mendes",
    "Alvarez", "Herrera", "Achebe", "Nwosu", "Hughes", "Murphy", "Solberg", "Girard", "Huber",
    "Clarke", "Mehta", "Kim", "Park", "Lee", "Hosseini", "Rahimi", "Al-Sayed", "Cohen", "Levi",
    "MacLeod", "Van der Berg", "De Luca", "Jensen", "Virtanen", "Horvat", "Popescu", "Papadopoulos",
)
_ORG_A = (
    "North", "South", "Blue", "Red", "Silver", "Golden", "Harbor", "River", "Summit", "Cedar",
    "Iron", "Bright", "Clear", "Crescent", "Delta", "Evergreen", "Falcon", "Granite", "Helix",
    "Kestrel", "Lumen", "Meridian", "Nova", "Orion", "Pioneer", "Quarry", "Sterling", "Tidal",
    "Vertex", "Willow", "Zenith", "Astra", "Bluefin", "Coral", "Horizon", "Maple", "Polar",
)
_ORG_B = (
    "Systems", "Logistics", "Foods", "Bank", "Health", "Energy", "Telecom", "Retail", "Motors",
    "Pharma", "Insurance", "Capital", "Mining", "Media", "Airlines", "Steel", "Chemicals",
    "Networks", "Labs", "Foundry", "Partners", "Holdings", "Works", "Dynamics", "Analytics",
)
_ORG_LEGAL = ("", "", "", " Ltd", " Inc", " GmbH", " AG", " Group", " SA", " plc", " & Co")
_CITIES = (
    "Riverside", "Lakeside", "Hillcrest", "Bayview", "Oakridge", "Westbrook", "Eastfield",
    "Northgate", "Southport", "Kingsbridge", "Fairhaven", "Brookhaven", "Elmwood", "Stonebridge",
)
_OTHER_KINDS = (  # name pattern, industry, friendship kind among members and with others
    ("{} Tennis Club", "Sports & Leisure", "club"),
    ("{} Golf Club", "Sports & Leisure", "club"),
    ("{} Go Association", "Sports & Leisure", "club"),
    ("{} University Alumni Network", "Education", "alumni"),
    ("{} Business School Alumni", "Education", "alumni"),
    ("{} Rotary Club", "Community", "club"),
    ("{} Chamber of Commerce", "Community", "other"),
)
_INDUSTRIES = (
    "Telecommunications", "Logistics", "Food & Beverage", "Financial Services", "Healthcare",
    "Mining", "Energy", "Retail", "Manufacturing", "Automotive", "Pharmaceuticals", "Insurance",
    "Media", "Public Sector", "Software", "IT Services", "Construction", "Transport",
)

_TITLES = {
    "decision_maker": ("CEO", "CTO", "CFO", "COO", "CIO", "Chief Digital Officer", "VP Engineering",
                       "VP Operations", "Managing Director", "Head of Procurement"),
    "influencer": ("Director of IT", "Head of Operations", "Procurement Manager", "Principal Architect",
                   "Head of Data", "IT Director", "Head of Supply Chain", "Security Architect",
                   "Engineering Manager", "Finance Director"),
    "user": ("Engineer", "Analyst", "Data Scientist", "Operations Specialist", "Platform Engineer",
             "Network Engineer", "Project Manager", "Business Analyst", "Administrator", "Developer"),
    "other": ("Assistant", "Consultant", "Coordinator", "Office Manager", "Intern", "Advisor"),
}
_MEMBER_TITLES = ("Member", "Member", "Member", "Coordinator", "Treasurer", "Chair", "Coach")
_REP_TITLES = ("Account Executive", "Account Executive", "Senior Account Executive", "Key Account Manager")
_MANAGER_TITLES = ("Sales Manager", "Regional Sales Director", "Head of Sales")

_BUSINESS = (("meeting", 25), ("call", 20), ("email", 20), ("demo", 7), ("visit", 6), ("proposal", 6),
             ("negotiation", 4), ("support", 5), ("training", 3), ("conference", 2), ("contract", 2))
_PERSONAL = (("lunch", 25), ("dinner", 20), ("personal_call", 8), ("tennis", 10), ("golf", 10),
             ("sport", 5), ("festival", 5), ("party", 5), ("gift", 5), ("go", 4), ("game", 3))
_CUSTOM = (("workshop", "business"), ("webinar", "business"), ("hackathon", "business"),
           ("sailing", "personal"), ("hiking", "personal"), ("concert", "personal"))
_NOTES = (
    "Follow-up agreed", "Asked for references", "Discussed pricing, wants a discount",
    'Mentioned the "phase 2" budget', "Introduced a new stakeholder", "Good rapport",
    "Raised a support issue", "Shared the roadmap", "Competitor is also in talks",
    "Wants a pilot, then a framework agreement", "Celebrated a go-live", "Talked about family, kids, holidays",
)
_PRODUCTS = ("Data Platform", "Network Analytics Suite", "Fleet Telemetry", "Risk Engine", "Support Plan",
             "Clinical Data Platform", "Cold Chain Monitoring", "Edge Probes", "Training Package")


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


def generate(
    out: Path,
    people: int,
    seed: int = 0,
    *,
    as_of: date = date(2026, 11, 26),
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write a synthetic, contract-valid input folder for ``people`` people.

    Parameters
    ----------
    out : Path
        Folder to write the six CSV files into; created if missing. Files already
        there are overwritten.
    people : int
        Number of people (at least 10). Organisations (about one per 11 people),
        friendships (about 3 a person), interactions (``INTERACTIONS_PER_PERSON`` a person), accounts and
        deals scale with it.
    seed : int, optional
        Seed of the only random generator used; the same seed gives
        byte-identical files.
    as_of : date, optional
        The reference day: interactions and deal closings fall in the two years
        before it, friendships and account assignments start before it.
    progress : callable, optional
        Called as ``progress(file_name, done, total)`` about every 10,000 rows and
        when a file is complete (``file_name`` without ``.csv``).

    Returns
    -------
    dict
        Rows written per file: ``organisations``, ``people``, ``friendships``,
        ``interactions``, ``accounts``, ``deals``.

    Raises
    ------
    ValueError
        If ``people`` is below 10.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     counts = generate(Path(tmp), people=200)
    ...     header = (Path(tmp) / "people.csv").read_text(encoding="utf-8").splitlines()[0]
    >>> sorted(counts)
    ['accounts', 'deals', 'friendships', 'interactions', 'organisations', 'people']
    >>> header
    'id,name,org_id,title,role,email'
    """
    if people < 10:
        raise ValueError(f"people must be at least 10, not {people}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    master = random.Random(seed)
    # One independent stream per stage, drawn in a fixed order: a change to one
    # stage does not reshuffle the others.
    stage_seeds = {name: master.getrandbits(64) for name in
                   ("orgs", "people", "accounts", "friend_counts", "friends", "interactions", "deals")}
    world = _World(people, stage_seeds, as_of)
    counts = {
        "organisations": world.write_organisations(out, progress),
        "people": world.write_people(out, progress),
        "accounts": world.write_accounts(out, progress),
        "friendships": world.write_friendships(out, progress),
        "interactions": world.write_interactions(out, progress),
        "deals": world.write_deals(out, progress),
    }
    return {name: counts[name] for name in
            ("organisations", "people", "friendships", "interactions", "accounts", "deals")}


class _World:
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
        self.org_other = [-1] * n_orgs  # index into _OTHER_KINDS for kind "other"
        self.org_name: list[str] = []
        self.org_domain: list[str] = []
        self.org_industry: list[str] = []
        self.org_revenue: list[str] = []
        for i, (kind, size) in enumerate(zip(kinds, sizes)):
            if kind == "own":
                name, industry = "Northwind Systems", "Software"
                revenue = str(max(5_000_000, size * 250_000))
            elif kind == "other":
                self.org_other[i] = rng.randrange(len(_OTHER_KINDS))
                pattern, industry, _ = _OTHER_KINDS[self.org_other[i]]
                name = pattern.format(rng.choice(_CITIES))
                revenue = "" if rng.random() < 0.6 else str(size * rng.randrange(500, 5_000))
            else:
                name = f"{rng.choice(_ORG_A)} {rng.choice(_ORG_B)}{rng.choice(_ORG_LEGAL)}"
                industry = rng.choice(_INDUSTRIES)
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
        first_slug = [_slug(x) for x in _FIRST]
        last_slug = [_slug(x) for x in _LAST]
        nf, nl = len(_FIRST), len(_LAST)
        rand = rng.random
        for o, (start, size) in enumerate(zip(self.org_start, self.org_size)):
            kind, oid, domain = self.org_kind[o], self.oids[o], self.org_domain[o]
            for off in range(size):
                p = start + off
                f, last = int(rand() * nf), int(rand() * nl)
                if kind == "own":
                    if p < self.n_reps:
                        role, title = "rep", _REP_TITLES[int(rand() * len(_REP_TITLES))]
                    else:
                        role, title = "manager", _MANAGER_TITLES[int(rand() * len(_MANAGER_TITLES))]
                elif kind == "other":
                    role, title = "other", _MEMBER_TITLES[int(rand() * len(_MEMBER_TITLES))]
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
                    titles = _TITLES[role]
                    title = titles[int(rand() * len(titles))]
                email = (f"{first_slug[f]}.{last_slug[last]}{p % 97}@{domain}"
                         if kind != "other" and rand() < 0.7 else "")
                w.rows.append((self.pids[p], f"{_FIRST[f]} {_LAST[last]}", oid, title, role, email))
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
            own_kind = _OTHER_KINDS[self.org_other[org]][2] if kind == "other" else None
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
                        k = own_kind or (_OTHER_KINDS[self.org_other[o2]][2] if self.org_other[o2] >= 0
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
        bus_types = [t for t, _ in _BUSINESS]
        bus_cum = _cumulative(c for _, c in _BUSINESS)
        per_types = [t for t, _ in _PERSONAL]
        per_cum = _cumulative(c for _, c in _PERSONAL)
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
                kind, nature = _CUSTOM[int(rand() * len(_CUSTOM))]
            elif personal:
                kind = per_types[bisect_right(per_cum, rand() * per_cum[-1])]
                if v > 0.995:
                    nature = "business"  # a working lunch, a dinner that was a negotiation
            else:
                kind = bus_types[bisect_right(bus_cum, rand() * bus_cum[-1])]
            notes = _NOTES[int(rand() * len(_NOTES))] if rand() < 0.08 else ""
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
                               closed, _PRODUCTS[int(rand() * len(_PRODUCTS))]))
                if len(w.rows) >= _BATCH:
                    w.flush()
        return w.close()
