"""Property: whatever valid folder is ingested reads back the same, from every store."""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.model import (TABLES, ACCOUNT_ROLES, DEAL_STATUSES, FRIEND_KINDS, ORG_KINDS, ROLES, Account, Dataset, Deal,
                         Friendship, Interaction, Organisation, Person, default_nature)
from graph.store import Store
from graph.store.sqlite.spill import Spill
from ingest import check_folder
from tests.helpers import write_dataset

IDS = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=1, max_size=6)
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=25).map(str.strip).filter(bool)
MAYBE_TEXT = st.none() | TEXT
DATES = st.dates(date(1990, 1, 1), date(2030, 12, 31))
AMOUNTS = st.floats(0, 1e12, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 2))
TYPES = st.sampled_from(["tennis", "go", "dinner", "meeting", "demo", "proposal", "email", "hackathon"])


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    org_ids = draw(st.lists(IDS, min_size=1, max_size=5, unique=True))
    orgs = [Organisation(o, draw(TEXT), "own" if n == 0 else draw(st.sampled_from(ORG_KINDS)), draw(MAYBE_TEXT),
                         draw(st.none() | AMOUNTS)) for n, o in enumerate(org_ids)]
    person_ids = draw(st.lists(IDS, min_size=2, max_size=10, unique=True))
    people = []
    for n, p in enumerate(person_ids):
        org = org_ids[0] if n == 0 else draw(st.sampled_from(org_ids))
        role = "rep" if n == 0 else draw(st.sampled_from(ROLES))
        email = draw(st.none() | st.just(f"{p.lower()}@example.com"))
        people.append(Person(p, draw(TEXT), org, draw(MAYBE_TEXT), role, email))
    kinds = {o.id: o.kind for o in orgs}
    reps = [p.id for p in people if p.role == "rep" and kinds[p.org_id] == "own"]
    pairs = draw(st.lists(st.tuples(st.sampled_from(person_ids), st.sampled_from(person_ids))
                          .filter(lambda t: t[0] != t[1]).map(lambda t: tuple(sorted(t))),
                          max_size=8, unique=True))
    friendships = [Friendship(a, b, draw(st.sampled_from(FRIEND_KINDS)), draw(st.none() | DATES)) for a, b in pairs]
    interactions = []
    for n in range(draw(st.integers(0, 6))):
        who = tuple(draw(st.lists(st.sampled_from(person_ids), min_size=2, max_size=4, unique=True)))
        kind = draw(TYPES)
        nature = default_nature(kind) or draw(st.sampled_from(["personal", "business"]))
        interactions.append(Interaction(f"I{n}", draw(DATES), kind, nature, who,
                                        draw(st.none() | st.sampled_from(org_ids)), draw(MAYBE_TEXT)))
    account_keys = draw(st.lists(st.tuples(st.sampled_from(org_ids), st.sampled_from(reps)), max_size=5, unique=True))
    accounts = [Account(o, r, draw(st.sampled_from(ACCOUNT_ROLES)), draw(st.none() | DATES)) for o, r in account_keys]
    deals = [Deal(f"D{n}", draw(st.sampled_from(org_ids)), draw(AMOUNTS), draw(st.sampled_from(DEAL_STATUSES)),
                  draw(st.none() | st.sampled_from(reps)), draw(st.none() | DATES), draw(MAYBE_TEXT))
             for n in range(draw(st.integers(0, 4)))]
    return Dataset(orgs, people, friendships, interactions, accounts, deals)


def _friendships_b_first(folder: Path) -> None:
    """friendships.csv with its two people's columns the other way round, as a spreadsheet may
    list them (columns are found by name)."""
    path = folder / "friendships.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([r[1], r[0], *r[2:]] for r in rows)


def _round_trip(store: Store, data: Dataset) -> None:
    """Validated into lists and into a spill (as ``relmap ingest`` does), the same rows in the same
    order; the spilled ones loaded read back as the input."""
    with tempfile.TemporaryDirectory() as tmp, Spill() as spill:
        _friendships_b_first(write_dataset(Path(tmp), data))
        parsed, report = check_folder(Path(tmp))
        spilled, _ = check_folder(Path(tmp), spill=spill)
        assert {t: list(getattr(spilled, t)) for t in TABLES} == {t: getattr(parsed, t) for t in TABLES}
        assert parsed.sorted() == data.sorted()
        store.load(spilled)
    assert store.dump() == data.sorted()
    assert store.counts() == data.counts()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=datasets())
def test_ingested_data_reads_back_the_same(store: Store, data: Dataset) -> None:
    _round_trip(store, data)
