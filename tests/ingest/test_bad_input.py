"""The bad-input corpus: every malformed folder is refused with exit 2, a
``file:line: message`` for each problem, and nothing written to the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.store import open_store
from relmap.cli import cli
from tests.helpers import BASE, BASE_COUNTS, base_with, write_folder

P = BASE["people.csv"]
O = BASE["organisations.csv"]
F = BASE["friendships.csv"]
I = BASE["interactions.csv"]
A = BASE["accounts.csv"]
D = BASE["deals.csv"]

# (case id, files changed, every line expected on standard error)
CORPUS: list[tuple[str, dict[str, str | bytes | None], list[str]]] = [
    ("dangling-org", base_with(people=P + "P7,Ann,ACME,,user,\n"),
     ["people.csv:8: org_id 'ACME' is not in organisations.csv"]),
    ("duplicate-org-id", base_with(organisations=O + "O-A,Acme Again,customer,,\n"),
     ["organisations.csv:5: id 'O-A' is already used at line 3"]),
    ("duplicate-person-id", base_with(people=P + "P1,Rita Again,O-OWN,,rep,\n"),
     ["people.csv:8: id 'P1' is already used at line 2"]),
    ("unknown-org-kind", base_with(organisations=O.replace("O-B,Beta Bank,prospect", "O-B,Beta Bank,client")),
     ["organisations.csv:4: kind 'client' is not one of: 'own', 'customer', 'prospect', 'partner', 'other'"]),
    ("revenue-not-number", base_with(organisations=O.replace("5000000", "5M")),
     ["organisations.csv:3: annual_revenue '5M' is not a number (use digits with an optional '.', no thousands separators)"]),
    ("negative-amount", base_with(deals=D.replace("D1,O-A,120000", "D1,O-A,-120000")),
     ["deals.csv:2: amount '-120000' must not be negative"]),
    ("impossible-date", base_with(deals=D.replace("2026-06-30", "2026-02-30")),
     ["deals.csv:2: closed_on '2026-02-30' is not a real calendar date"]),
    ("non-iso-date", base_with(interactions=I.replace("2026-10-01", "01/10/2026")),
     ["interactions.csv:2: date '01/10/2026' is not a date (write it as YYYY-MM-DD)"]),
    ("unknown-deal-status", base_with(deals=D.replace(",open,", ",pending,")),
     ["deals.csv:3: status 'pending' is not one of: 'won', 'lost', 'open'"]),
    ("deal-rep-not-a-rep", base_with(deals=D.replace("won,P1", "won,P4")),
     ["deals.csv:2: rep_id 'P4' has role 'decision_maker' in people.csv; only a 'rep' can be assigned"]),
    ("rep-not-in-own-org", base_with(people=P + "P7,Rex Outside,O-A,,rep,\n", accounts=A + "O-B,P7,support,\n"),
     ["accounts.csv:4: rep_id 'P7' works at 'O-A' (kind 'customer'); a rep must work at an organisation "
      "of kind 'own'"]),
    ("self-friendship", base_with(friendships=F + "P3,P3,friend,\n"),
     ["friendships.csv:4: person_a and person_b are the same person 'P3'; a friendship needs two people"]),
    ("reversed-duplicate-friendship", base_with(friendships=F + "P4,P1,friend,\n"),
     ["friendships.csv:4: friendship P1-P4 is already given at line 2 (a friendship is undirected)"]),
    ("dangling-friend", base_with(friendships=F + "P1,P99,friend,\n"),
     ["friendships.csv:4: person_b 'P99' is not in people.csv"]),
    ("one-participant", base_with(interactions=I + "I4,2026-01-01,call,P1,,,\n"),
     ["interactions.csv:5: participants needs at least two person ids separated by ';'"]),
    ("unknown-participant", base_with(interactions=I + "I4,2026-01-01,call,P1;P42,,,\n"),
     ["interactions.csv:5: participants 'P42' is not in people.csv"]),
    ("unknown-type-without-nature", base_with(interactions=I + "I4,2026-01-01,karaoke,P1;P4,,,\n"),
     ["interactions.csv:5: type 'karaoke' is not a known interaction type; give the row a nature "
      "('personal' or 'business')"]),
    ("duplicate-interaction-id", base_with(interactions=I + "I2,2026-01-01,call,P1;P4,,,\n"),
     ["interactions.csv:5: id 'I2' is already used at line 3"]),
    ("duplicate-account", base_with(accounts=A + "O-A,P1,support,\n"),
     ["accounts.csv:4: rep 'P1' is already assigned to 'O-A' at line 2"]),
    ("dangling-deal-org", base_with(deals=D + "D3,O-ZZ,10,won,,,\n"),
     ["deals.csv:4: org_id 'O-ZZ' is not in organisations.csv"]),
    ("missing-required-column", base_with(people="id,name,title\nP1,Rita,AE\n"),
     ["people.csv:1: required column 'org_id' is missing (the file needs: id, name, org_id)"]),
    ("empty-file", base_with(organisations=""),
     ["organisations.csv:1: file is empty: a header row is required"]),
    ("header-only-required-file", base_with(people="id,name,org_id\n"),
     ["people.csv:1: file has a header row but no data rows"]),
    ("missing-required-file", base_with(people=None),
     ["people.csv: file is missing; it is required in the input folder"]),
    ("not-utf8", base_with(people=P.replace("Carl Chen", "Carl Ch\u00e9n").encode("latin-1")),
     ["people.csv:5: not UTF-8 text (byte 0xe9 at column 11); save the file as UTF-8"]),
    ("semicolon-delimiter", base_with(accounts="org_id,rep_id\nO-A;P1\n"),
     ["accounts.csv:2: row has 1 cells but the header has 2 (check the delimiter is a comma and quotes are "
      "balanced)"]),
    ("unterminated-quote", base_with(deals=D + 'D3,O-A,10,won,P1,,"Core\n'),
     ["deals.csv:4: row cannot be read as CSV: unexpected end of data"]),
    ("bad-email", base_with(people=P.replace("rita@northwind.example", "rita-at-northwind")),
     ["people.csv:2: email 'rita-at-northwind' is not an e-mail address"]),
    ("empty-required-cell", base_with(organisations=O.replace("O-B,Beta Bank", "O-B,")),
     ["organisations.csv:4: name is required but the cell is empty"]),
    ("duplicate-header-column", base_with(accounts="org_id,rep_id,rep_id\nO-A,P1,P1\n"),
     ["accounts.csv:1: column 'rep_id' appears twice in the header"]),
    ("problems-in-several-files", base_with(people=P + "P7,Ann,ACME,,user,\n",
                                            deals=D.replace("120000", "lots"),
                                            friendships=F + "P2,P2,friend,\n"),
     ["people.csv:8: org_id 'ACME' is not in organisations.csv",
      "friendships.csv:4: person_a and person_b are the same person 'P2'; a friendship needs two people",
      "deals.csv:2: amount 'lots' is not a number (use digits with an optional '.', no thousands separators)"]),
]


@pytest.fixture
def loaded(store_spec: str, tmp_path: Path) -> str:
    """A store already holding the base folder (so 'nothing written' is visible)."""
    result = CliRunner().invoke(cli, ["ingest", str(write_folder(tmp_path / "base", dict(BASE))),
                                      "--store", store_spec])
    assert result.exit_code == 0, result.output
    return store_spec


@pytest.mark.parametrize("case, files, expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_input_is_refused_and_nothing_written(loaded: str, tmp_path: Path, case: str,
                                                  files: dict[str, str | bytes | None],
                                                  expected: list[str]) -> None:
    with open_store(loaded) as s:
        before = s.dump()
        revision = s.revision()
    folder = write_folder(tmp_path / case, files)
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--store", loaded])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    problems = [line for line in lines if ".csv" in line.split(" ")[0]]
    assert problems == expected
    assert "nothing was written" in lines[-1]
    with open_store(loaded) as s:
        assert s.revision() == revision
        assert s.dump() == before
        assert s.counts() == BASE_COUNTS


def test_dry_run_writes_nothing_even_when_valid(store_spec: str, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", dict(BASE))
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--dry-run", "--store", store_spec])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Valid (dry run, nothing written): 3 organisations, 6 people")
    if "://" not in store_spec:
        assert not Path(store_spec).exists()
    else:
        with open_store(store_spec) as s:
            assert sum(s.counts().values()) == 0
