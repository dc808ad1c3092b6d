"""``relmap ingest DIR --update``: a folder of new or changed rows and removals, merged into what
the store holds. An update taking the store from A to A' answers every analysis command as a
fresh load of A' does, on both stores; a bad update names every problem and writes nothing."""

from __future__ import annotations

import contextlib
import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.model import TABLES, Dataset, Friendship
from graph.store import Store, open_store
from graph.store.changes import diff
from ingest.load import check_update
from relmap.cli import cli
from tests.graph.test_refresh import (cli_answers, assert_same_derived, by_hand, changed, derived_rows, fresh, story,
                                      without)
from tests.helpers import write_dataset, write_delta


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_an_update_answers_as_a_fresh_load(store_spec: str, tmp_path: Path) -> None:
    before, after = story(), by_hand(story(), later=True)
    assert run("ingest", str(write_dataset(tmp_path / "a", before)), "--store", store_spec).exit_code == 0
    delta = write_delta(tmp_path / "delta", before, after)
    result = run("ingest", str(delta), "--update", "--store", store_spec, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["whole"] is False
    for table, c in report["changes"].items():
        assert c["added"] >= 1 and c["changed"] >= 1 and c["removed"] >= 1, (table, c)
    with open_store(store_spec) as s:
        assert s.dump() == after.sorted()
    updated = cli_answers(store_spec)
    again = json.loads(run("ingest", str(delta), "--update", "--store", store_spec, "--json").stdout)
    assert all(c == {"added": 0, "changed": 0, "removed": 0} for c in again["changes"].values()), \
        "the same update twice converges"
    with open_store(store_spec) as s:
        s.load(Dataset())
    assert run("ingest", str(write_dataset(tmp_path / "b", after)), "--store", store_spec).exit_code == 0
    assert updated == cli_answers(store_spec)


def test_an_update_names_ids_the_store_holds_and_needs_no_file(store_spec: str, tmp_path: Path) -> None:
    assert run("ingest", str(write_dataset(tmp_path / "a", story())), "--store", store_spec).exit_code == 0
    folder = tmp_path / "u"
    folder.mkdir()
    (folder / "interactions.csv").write_bytes(
        "\ufeffid,date,type,participants,org_id,notes\r\n"
        "I-9001,2026-11-21,dinner,P-002;P-013,O-TELCO,\"Dinner, then a walk\"\r\n".encode("utf-8"))
    result = run("ingest", str(folder), "--update", "--store", store_spec)
    assert result.exit_code == 0, result.output
    assert "interactions: 1 added" in result.output
    with open_store(store_spec) as s:
        assert s.counts()["interactions"] == len(story().interactions) + 1


class _Asked:
    """A reader that notes which people and organisations are read, and how."""

    def __init__(self, reader: Any, asked: list[tuple[str, Any]]) -> None:
        self._reader, self._asked = reader, asked

    def people(self, ids: Any = None, **how: Any) -> Any:
        self._asked.append(("people", sorted(ids) if ids is not None else how))
        return self._reader.people(ids, **how)

    def organisations(self, ids: Any = None, **how: Any) -> Any:
        self._asked.append(("organisations", sorted(ids) if ids is not None else how))
        return self._reader.organisations(ids, **how)


def test_an_update_reads_only_the_held_ids_its_rows_name(store_spec: str, tmp_path: Path) -> None:
    assert run("ingest", str(write_dataset(tmp_path / "a", story())), "--store", store_spec).exit_code == 0
    folder = tmp_path / "u"
    folder.mkdir()
    (folder / "interactions.csv").write_text("id,date,type,participants,org_id\n"
                                             "I-9001,2026-11-21,dinner,P-002;P-013,O-TELCO\n"
                                             "I-9002,2026-11-22,call,P-013;P-004,O-TELCO\n")
    asked: list[tuple[str, Any]] = []
    with open_store(store_spec) as s:
        held = s.reader

        @contextlib.contextmanager
        def reader() -> Any:
            with held() as r:
                yield _Asked(r, asked)

        s.reader = reader  # type: ignore[method-assign]
        rows, removed, _ = check_update(folder, s)
    assert [i.id for i in rows.interactions] == ["I-9001", "I-9002"] and removed is not None
    by_id = [ids for what, ids in asked if isinstance(ids, list) and ids]
    assert sorted(x for ids in by_id for x in ids) == ["O-TELCO", "P-002", "P-004", "P-013"], asked
    assert [how for what, how in asked if isinstance(how, dict)] == [{"kinds": ["own"]}, {"kinds": ["own"], "role": "rep"}], \
        "beyond the ids named, only our organisations and reps are read (demotes)"


def test_a_bad_update_names_every_problem_and_writes_nothing(store_spec: str, tmp_path: Path) -> None:
    assert run("ingest", str(write_dataset(tmp_path / "a", story())), "--store", store_spec).exit_code == 0
    with open_store(store_spec) as s:
        held, revision = s.dump(), s.state().revision
    folder = tmp_path / "u"
    folder.mkdir()
    (folder / "people.csv").write_text("id,name,org_id,title,role\nP-002,Daniel Reyes,O-NW,AE,manager\n")
    (folder / "interactions.csv").write_text("id,date,type,participants\nI-9002,2026-11-21,dinner,P-002;P-NOPE\n"
                                             "I-9003,2026-11-21,lunch,P-004;P-013\n")
    (folder / "removals.csv").write_text("file,id\npeople.csv,P-013\nfriendships.csv,P-005\nbogus.csv,x\n"
                                         "interactions.csv,I-9003\n")
    result = run("ingest", str(folder), "--update", "--store", store_spec, "--json",
                 "--skip-invalid", str(tmp_path / "rejects.csv"))
    assert result.exit_code == 2
    problems = {(p["file"], p["line"], p["message"]) for p in json.loads(result.stdout)["error"]["problems"]}
    said = "\n".join(f"{f}:{n}: {m}" for f, n, m in sorted(problems))
    for expected in [
        "people.csv:2: 'P-002' would no longer be a rep at our organisation, but accounts.csv 'O-TELCO;P-002'",
        "interactions.csv:2: participants 'P-NOPE' is not in people.csv or in the store",
        "interactions.csv:3: participants 'P-013' is removed by removals.csv:2",
        "removals.csv:2: people.csv 'P-013' is still named by friendships.csv 'P-010;P-013' the store holds",
        "removals.csv:3: id 'P-005' of a row of friendships.csv must be person_a;person_b",
        "removals.csv:4: file 'bogus.csv' is not one of",
    ]:
        assert expected in said, (expected, said)
    assert "--skip-invalid cannot set held rows aside" in json.loads(result.stdout)["error"]["message"]
    with open_store(store_spec) as s:
        assert s.dump() == held and s.state().revision == revision, "nothing written"


def test_an_update_into_no_store_says_how_to_make_one(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "u", story())
    result = run("ingest", str(folder), "--update", "--store", str(tmp_path / "nowhere"))
    assert result.exit_code == 3 and "relmap ingest DIR --store" in result.output
    assert not (tmp_path / "nowhere").exists()


def light(before: Dataset) -> Dataset:
    """``before`` changed in every file without removing an organisation or person or
    demoting a rep: an interaction moved, one removed and one added, a friendship removed
    and one added, a title, an organisation's name, an assignment removed, a deal won."""
    after = replace(before, **{t: list(getattr(before, t)) for t in TABLES})
    first = after.interactions[0]
    after.interactions[0] = first._replace(date=first.date - timedelta(days=3))
    gone = after.interactions.pop()
    after.interactions.append(gone._replace(id="I-NEW", participants=tuple(reversed(gone.participants))))
    after.friendships.pop()
    held = {(f.person_a, f.person_b) for f in after.friendships}
    a, b = next((x.id, y.id) for x in after.people for y in after.people if x.id < y.id and (x.id, y.id) not in held)
    after.friendships.append(Friendship(a, b, "friend"))
    after.people[0] = after.people[0]._replace(title="Chief of Staff")
    after.organisations[-1] = after.organisations[-1]._replace(name="Renamed Ltd")
    after.accounts.pop()
    after.deals[0] = after.deals[0]._replace(status="won", closed_on=date(2026, 11, 20))
    return after


def test_an_update_removing_nothing_named_is_checked_against_the_ids_only(
        store: Store, backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """An update that removes no organisation or person and demotes no rep is checked against
    the store's organisations and people only, and loaded as an update: the store writes its
    rows and removals and ends where a fresh load of the changed dataset would."""
    before = story()
    after = light(before)
    store.load(before)
    write_delta(tmp_path / "delta", before, after)
    delta = diff(before, after)
    rows, removed, report = check_update(tmp_path / "delta", store)
    assert removed is not None, "the update itself, not the store merged with it"
    assert rows.counts() == delta.upserts().counts() and report.ingested == delta.upserts().counts()
    changes = store.load(rows, removed=removed)
    assert changes.counts() == delta.counts() and not changes.whole
    assert store.dump() == after.sorted()
    updated = derived_rows(backend, request, store)
    fresh(backend, store, after)
    assert_same_derived(updated, derived_rows(backend, request, store))


def test_an_update_moving_an_organisation_to_another_kind_redoes_its_people(
        store: Store, backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """A prospect that becomes a customer, given alone: the team ties to all its people (which
    carry the organisation's kind) are rebuilt, though the update names none of them."""
    before = story()
    prospect = next(o for o in before.organisations if o.kind == "prospect")
    assert any(p.org_id == prospect.id for p in before.people)
    after = replace(before, organisations=[o._replace(kind="customer") if o.id == prospect.id else o
                                           for o in before.organisations])
    store.load(before)
    write_delta(tmp_path / "delta", before, after)
    rows, removed, _ = check_update(tmp_path / "delta", store)
    assert removed is not None and rows.counts()["people"] == 0
    store.load(rows, removed=removed)
    updated = derived_rows(backend, request, store)
    fresh(backend, store, after)
    assert_same_derived(updated, derived_rows(backend, request, store))


def test_an_update_removing_a_person_is_checked_against_every_held_row(store: Store, tmp_path: Path) -> None:
    before = story()
    after = without(before, people=["P-013"])
    store.load(before)
    write_delta(tmp_path / "delta", before, after)
    rows, removed, _ = check_update(tmp_path / "delta", store)
    assert removed is None and rows.sorted() == after.sorted(), "what the store will hold"


@pytest.mark.usefixtures("rebuild_in_part")
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.data())
def test_random_updates_reach_the_changed_dataset(store: Store, backend: str, tmp_path_factory: Any,
                                                  request: pytest.FixtureRequest, data: st.DataObject) -> None:
    before = story()
    after = data.draw(changed(before))
    store.load(Dataset())
    store.load(before)
    folder = write_delta(tmp_path_factory.mktemp("delta"), before, after)
    rows, removed, _ = check_update(folder, store)
    changes = store.load(rows, removed=removed)
    assert store.dump() == after.sorted()
    assert changes.counts() == diff(before, after).counts()
    updated = derived_rows(backend, request, store)
    fresh(backend, store, after)
    assert_same_derived(updated, derived_rows(backend, request, store))
