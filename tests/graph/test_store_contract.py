"""The store contract: every backend loads, counts, reads back and converges the same way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from graph.model import Dataset, Friendship, Interaction, Organisation, Person
from graph.store import Store
from ingest import validate_folder
from tests.helpers import BASE, BASE_COUNTS, base_with, write_folder

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "demo"


def _dataset(tmp_path: Path, files: dict[str, str | bytes | None]) -> Dataset:
    v = validate_folder(write_folder(tmp_path / "in", files))
    assert v.ok, [str(p) for p in v.problems]
    return v.dataset


def test_empty_store_counts_zero(store: Store) -> None:
    assert store.counts() == {k: 0 for k in BASE_COUNTS}
    assert store.dump() == Dataset()


def test_load_then_counts_and_dump_match_input(store: Store, tmp_path: Path) -> None:
    data = _dataset(tmp_path, dict(BASE))
    store.load(data)
    assert store.counts() == BASE_COUNTS
    assert store.dump() == data.sorted()


def test_loaded_values_read_back_typed(store: Store, tmp_path: Path) -> None:
    store.load(_dataset(tmp_path, dict(BASE)))
    back = store.dump()
    org = next(o for o in back.organisations if o.id == "O-A")
    assert org == Organisation("O-A", "Acme Telecom", "customer", "Telecom", 5_000_000.0)
    i3 = next(i for i in back.interactions if i.id == "I3")
    assert i3 == Interaction("I3", date(2026, 8, 1), "hackathon", "business", ("P2", "P6"), "O-B", None)
    assert Friendship("P1", "P4", "club", date(2020, 5, 1)) in back.friendships


def test_reload_same_input_is_idempotent(store: Store, tmp_path: Path) -> None:
    data = _dataset(tmp_path, dict(BASE))
    store.load(data)
    first = store.state().revision
    assert len(store.load(data)) == 0, "nothing to change"
    assert store.counts() == BASE_COUNTS
    assert store.dump() == data.sorted()
    assert store.state().revision == first is not None, "nothing written: the same revision"


def test_reload_changed_input_converges_exactly(store: Store, tmp_path: Path) -> None:
    store.load(_dataset(tmp_path / "a", dict(BASE)))
    changed = base_with(
        # Ivy moves to Beta Bank and gets a title; Bob disappears; a friendship flips order and kind
        people=BASE["people.csv"].replace("P5,Ivy User,O-A,Engineer,user,", "P5,Ivy User,O-B,Architect,user,")
                              .replace("P6,Bob Buyer,O-B,Head of Procurement,influencer,\n", ""),
        friendships="person_a,person_b,kind\nP4,P1,family\n",
        interactions=("id,date,type,participants,org_id\n"
                      "I1,2026-10-02,golf,P1;P4,\n"),
        accounts="org_id,rep_id,role\nO-A,P2,support\n",
        deals="id,org_id,amount,status\nD1,O-A,99,lost\n",
    )
    data = _dataset(tmp_path / "b", changed)
    store.load(data)
    assert store.dump() == data.sorted()
    assert store.counts() == {"organisations": 3, "people": 5, "friendships": 1, "interactions": 1,
                              "accounts": 1, "deals": 1}


def test_load_empty_dataset_clears(store: Store, tmp_path: Path) -> None:
    store.load(_dataset(tmp_path, dict(BASE)))
    store.load(Dataset())
    assert sum(store.counts().values()) == 0


def test_example_story_round_trips(store: Store) -> None:
    v = validate_folder(EXAMPLES)
    assert v.ok and not v.warnings, [str(p) for p in v.problems + v.warnings]
    store.load(v.dataset)
    assert store.dump() == v.dataset.sorted()


def test_text_is_stored_literally(store: Store) -> None:
    nasty = ["Robert'); DROP TABLE people;--", "x' OR 1=1 --", "}) MATCH (n) DETACH DELETE n //",
             "<img src=x onerror=alert(1)>", "Zoë Müller 山田", "=HYPERLINK(\"http://x\")", "line\nbreak"]
    data = Dataset(
        organisations=[Organisation("O1", nasty[2], "customer", nasty[3])],
        people=[Person(f"P{n}", text, "O1", text) for n, text in enumerate(nasty)],
    )
    store.load(data)
    assert store.dump() == data.sorted()
    assert store.counts()["people"] == len(nasty)
