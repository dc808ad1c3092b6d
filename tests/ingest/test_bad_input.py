"""The bad-input corpus: every malformed folder is refused with exit 2, a
``file:line: message`` for each problem, and nothing written to the store.

What the contract accepts (a UTF-8 byte-order mark, CRLF, unknown columns, header-only
optional files, formula-looking text) is tested here too: loaded, and stored as typed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.export import safe_cell
from graph.store import open_store
from ingest import check_folder
from ingest.rows import ROW_MODELS, known_columns
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
    ("duplicate-interaction-id-with-its-own-problem", base_with(interactions=I + "I2,2026-02-30,call,P1;P4,,,\n"),
     ["interactions.csv:5: date '2026-02-30' is not a real calendar date",
      "interactions.csv:5: id 'I2' is already used at line 3"]),
    ("interaction-id-of-a-rejected-row", base_with(
        interactions=I + "I4,2026-02-30,call,P1;P4,,,\nI4,2026-01-01,call,P1;P4,,,\nI4,2026-01-02,call,P1;P5,,,\n"),
     ["interactions.csv:5: date '2026-02-30' is not a real calendar date",
      "interactions.csv:6: id 'I4' is already used at line 5", "interactions.csv:7: id 'I4' is already used at line 5"]),
    ("duplicate-friendship-of-a-missing-person", base_with(friendships=F + "P99,P1,friend,\nP1,P99,friend,\n"),
     ["friendships.csv:4: person_a 'P99' is not in people.csv", "friendships.csv:5: person_b 'P99' is not in people.csv",
      "friendships.csv:5: friendship P1-P99 is already given at line 4 (a friendship is undirected)"]),
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
     ["deals.csv:4: row cannot be read as CSV: unexpected end of data (a quoted cell is never closed: check the "
      "quotes are balanced)"]),
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


NOT_UTF8 = "save the file as UTF-8"
NUL = "not UTF-8 text (a NUL byte at column {}: is the file UTF-16 or binary?); " + NOT_UTF8
QUOTES_OPEN = "unexpected end of data (a quoted cell is never closed: check the quotes are balanced)"
TEXT_AFTER_QUOTE = ("',' expected after '\"' (a quoted cell must end at its closing quote; write a quote inside a "
                    "quoted cell as two quotes \"\")")
NOT_A_NUMBER = "is not a number (use digits with an optional '.', no thousands separators)"
EMPTY = "file is empty: a header row is required"
HUGE_CELL = "x" * 5_000_000  # 5 MB in one cell


def _crlf(files: dict[str, str | bytes | None]) -> dict[str, str | bytes | None]:
    return {k: v.replace("\n", "\r\n") if isinstance(v, str) else v for k, v in files.items()}


def _bom(files: dict[str, str | bytes | None]) -> dict[str, str | bytes | None]:
    return {k: b"\xef\xbb\xbf" + v.encode() if isinstance(v, str) else v for k, v in files.items()}


# Bad input at scale (issue 5): more encodings, quoting, sizes, delimiters, every file's ids,
# dates, numbers, empty and header-only files, missing columns, several problems at once.
CORPUS += [
    # -- encodings (UTF-8 only; a UTF-8 byte-order mark is fine, see test_accepted_input) --
    ("latin1-several-lines", base_with(organisations=O.replace("Acme", "Acm\u00e9").replace("Beta", "B\u00eata")
                                       .encode("latin-1")),
     [f"organisations.csv:3: not UTF-8 text (byte 0xe9 at column 8); {NOT_UTF8}",
      f"organisations.csv:4: not UTF-8 text (byte 0xea at column 6); {NOT_UTF8}"]),
    ("utf16-with-bom", base_with(people=P.encode("utf-16")),
     ["people.csv:1: not UTF-8 text: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"]),
    ("utf16-le-without-bom", base_with(people=P.encode("utf-16-le")),
     ["people.csv:1: " + NUL.format(2)]),
    ("utf16-be-without-bom", base_with(deals=D.encode("utf-16-be")),
     ["deals.csv:1: " + NUL.format(1)]),
    ("utf8-bom-then-bad-row", base_with(people=b"\xef\xbb\xbf" + P.replace("Rita Rep,O-OWN", "Rita Rep,O-NO").encode()),
     ["people.csv:2: org_id 'O-NO' is not in organisations.csv"]),
    ("utf8-bom-every-file-and-a-bad-date", _bom(base_with(interactions=I.replace("2026-10-01", "2026-10-32"))),
     ["interactions.csv:2: date '2026-10-32' is not a real calendar date"]),
    # -- NUL bytes --
    ("nul-in-cell", base_with(people=P.replace("Carl Chen", "Carl\x00Chen")),
     ["people.csv:5: " + NUL.format(8)]),
    ("nul-in-header", base_with(friendships=F.replace("person_b", "person_b\x00")),
     ["friendships.csv:1: " + NUL.format(18)]),
    # -- quoting --
    ("unterminated-quote-swallows-the-rest",
     base_with(deals=D.replace("open,P2,,", 'open,P2,,"Core') + "D3,O-A,1,won,P1,,\n"),
     ["deals.csv:3: row cannot be read as CSV: " + QUOTES_OPEN]),
    ("text-after-closing-quote", base_with(people=P + 'P7,"Ann" Lee,O-A,,user,\n'),
     ["people.csv:8: row cannot be read as CSV: " + TEXT_AFTER_QUOTE]),
    # the unreadable row is still named: rows referring to P4 are not reported as dangling
    ("unreadable-row-referred-to", base_with(people=P.replace("P4,Carl Chen", 'P4,"Carl" Chen')),
     ["people.csv:5: row cannot be read as CSV: " + TEXT_AFTER_QUOTE]),
    ("quote-opens-header", base_with(accounts='"org_id,rep_id\nO-A,P1\n'),
     ["accounts.csv:1: header row cannot be read: " + QUOTES_OPEN]),
    # -- sizes --
    ("huge-quoted-cell-5mb", base_with(deals=D + f'D3,O-A,10,won,P1,,"{HUGE_CELL}"\n'),
     ["deals.csv:4: row cannot be read as CSV: a cell is longer than 1,000,000 characters"]),
    ("huge-unquoted-cell-5mb", base_with(interactions=I + f"I4,2026-01-01,call,P1;P4,O-A,,{HUGE_CELL}\n"),
     ["interactions.csv:5: row cannot be read as CSV: a cell is longer than 1,000,000 characters"]),
    ("huge-line-300k-cells", base_with(deals=D + "D3,O-A,10,won,P1,," + ",x" * 300_000 + "\n"),
     ["deals.csv:4: row has 300007 cells but the header has 7 (check the delimiter is a comma and quotes are "
      "balanced)"]),
    ("notes-over-the-limit", base_with(interactions=I + "I4,2026-01-01,call,P1;P4,O-A,," + "n" * 100_001 + "\n"),
     ["interactions.csv:5: notes is too long (100001 characters; at most 100000)"]),
    ("id-too-long", base_with(people=P + "P" * 201 + ",Long Id,O-A,,user,\n"),
     ["people.csv:8: id is too long (201 characters; at most 200)"]),
    # -- delimiters and line endings (CRLF is fine, see test_accepted_input) --
    ("semicolon-file", base_with(organisations=O.replace(",", ";")),
     ["organisations.csv:1: the header is one column separated by semicolons: relmap reads comma-separated files; "
      "save the file with commas"]),
    ("tab-file", base_with(people=P.replace(",", "\t")),
     ["people.csv:1: the header is one column separated by tabs: relmap reads comma-separated files; save the file "
      "with commas"]),
    ("cr-only-line-endings", base_with(people=P.replace("\n", "\r")),
     ["people.csv:1: header row cannot be read: a carriage return inside an unquoted cell (quote the cell, or save "
      "the file with LF or CRLF line endings: CR-only line endings are not read)"]),
    ("crlf-line-numbers", _crlf(base_with(deals=D.replace("5000.50", "-1"))),
     ["deals.csv:3: amount '-1' must not be negative"]),
    ("blank-line-before-header", base_with(accounts="\n" + A),
     ["accounts.csv:1: line 1 is blank: the header row must be the first line"]),
    # -- duplicate and dangling ids, in every file that has them --
    ("duplicate-deal-id", base_with(deals=D + "D1,O-A,10,won,P1,,\n"),
     ["deals.csv:4: id 'D1' is already used at line 2"]),
    ("duplicate-friendship-same-direction", base_with(friendships=F + "P2,P5,club,\n"),
     ["friendships.csv:4: friendship P2-P5 is already given at line 3 (a friendship is undirected)"]),
    ("dangling-friend-person-a", base_with(friendships=F + "P77,P1,friend,\n"),
     ["friendships.csv:4: person_a 'P77' is not in people.csv"]),
    ("dangling-interaction-org", base_with(interactions=I + "I4,2026-01-01,call,P1;P4,O-ZZ,,\n"),
     ["interactions.csv:5: org_id 'O-ZZ' is not in organisations.csv"]),
    ("dangling-account-org", base_with(accounts=A + "O-ZZ,P1,support,\n"),
     ["accounts.csv:4: org_id 'O-ZZ' is not in organisations.csv"]),
    ("dangling-account-rep", base_with(accounts=A + "O-A,P99,support,\n"),
     ["accounts.csv:4: rep_id 'P99' is not in people.csv"]),
    ("dangling-deal-rep", base_with(deals=D + "D3,O-A,10,won,P99,,\n"),
     ["deals.csv:4: rep_id 'P99' is not in people.csv"]),
    ("account-rep-not-a-rep", base_with(accounts=A + "O-A,P3,support,\n"),
     ["accounts.csv:4: rep_id 'P3' has role 'manager' in people.csv; only a 'rep' can be assigned"]),
    # -- dates (the contract has no rule on future dates: see test_accepted_input) --
    ("month-13", base_with(accounts=A.replace("2025-01-01", "2026-13-01")),
     ["accounts.csv:2: since '2026-13-01' is not a real calendar date"]),
    ("february-29-not-leap", base_with(friendships=F.replace("2020-05-01", "2025-02-29")),
     ["friendships.csv:2: since '2025-02-29' is not a real calendar date"]),
    ("year-zero", base_with(interactions=I.replace("2026-08-01", "0000-08-01")),
     ["interactions.csv:4: date '0000-08-01' is not a real calendar date"]),
    ("fullwidth-digit-date", base_with(deals=D.replace("2026-06-30", "\uff12\uff10\uff12\uff16-06-30")),
     ["deals.csv:2: closed_on '\uff12\uff10\uff12\uff16-06-30' is not a date (write it as YYYY-MM-DD)"]),
    ("date-with-time", base_with(interactions=I.replace("2026-09-15", "2026-09-15T10:00")),
     ["interactions.csv:3: date '2026-09-15T10:00' is not a date (write it as YYYY-MM-DD)"]),
    # -- numbers --
    ("nan-amount", base_with(deals=D.replace("120000", "NaN")),
     ["deals.csv:2: amount 'NaN' " + NOT_A_NUMBER]),
    ("inf-revenue", base_with(organisations=O.replace("5000000", "inf")),
     ["organisations.csv:3: annual_revenue 'inf' " + NOT_A_NUMBER]),
    ("overflow-1e309-amount", base_with(deals=D.replace("5000.50", "1e309")),
     ["deals.csv:3: amount '1e309' is not a finite number"]),
    ("negative-revenue", base_with(organisations=O.replace("5000000", "-5000000")),
     ["organisations.csv:3: annual_revenue '-5000000' must not be negative"]),
    ("currency-sign-amount", base_with(deals=D.replace("120000", "\u20ac120000")),
     ["deals.csv:2: amount '\u20ac120000' " + NOT_A_NUMBER]),
    # -- empty and header-only files (header-only optional files are fine, see test_accepted_input) --
    ("empty-people", base_with(people=""), ["people.csv:1: " + EMPTY]),
    ("empty-friendships", base_with(friendships=""), ["friendships.csv:1: " + EMPTY]),
    ("empty-interactions", base_with(interactions=""), ["interactions.csv:1: " + EMPTY]),
    ("empty-accounts", base_with(accounts=""), ["accounts.csv:1: " + EMPTY]),
    ("empty-deals", base_with(deals=""), ["deals.csv:1: " + EMPTY]),
    ("bom-only-file", base_with(organisations=b"\xef\xbb\xbf"), ["organisations.csv:1: " + EMPTY]),
    ("header-only-organisations", base_with(organisations="id,name,kind\n"),
     ["organisations.csv:1: file has a header row but no data rows"]),
    # -- missing required columns, every file --
    ("missing-org-kind", base_with(organisations="id,name\nO-OWN,Northwind\n"),
     ["organisations.csv:1: required column 'kind' is missing (the file needs: id, name, kind)"]),
    ("missing-friendship-person-b", base_with(friendships="person_a,kind\nP1,friend\n"),
     ["friendships.csv:1: required column 'person_b' is missing (the file needs: person_a, person_b)"]),
    ("missing-interaction-columns", base_with(interactions="id,date,notes\nI1,2026-01-01,x\n"),
     ["interactions.csv:1: required column 'type' is missing (the file needs: id, date, type, participants)",
      "interactions.csv:1: required column 'participants' is missing (the file needs: id, date, type, "
      "participants)"]),
    ("missing-account-rep", base_with(accounts="org_id,role\nO-A,owner\n"),
     ["accounts.csv:1: required column 'rep_id' is missing (the file needs: org_id, rep_id)"]),
    ("missing-deal-amount-and-status", base_with(deals="id,org_id\nD1,O-A\n"),
     ["deals.csv:1: required column 'amount' is missing (the file needs: id, org_id, amount, status)",
      "deals.csv:1: required column 'status' is missing (the file needs: id, org_id, amount, status)"]),
    ("empty-header-cell", base_with(deals="id,org_id,,amount,status\nD1,O-A,,10,won\n"),
     ["deals.csv:1: a header cell is empty"]),
    # -- several problems at once: every one reported, in one run --
    ("several-problems-in-one-row", base_with(people=P + "P7,,O-A,,boss,not-an-email\n"),
     ["people.csv:8: name is required but the cell is empty",
      "people.csv:8: role 'boss' is not one of: 'rep', 'manager', 'decision_maker', 'influencer', 'user', 'other'",
      "people.csv:8: email 'not-an-email' is not an e-mail address"]),
    ("several-rows-one-file",
     base_with(deals=D + "D3,O-A,ten,won,,,\nD4,O-A,10,maybe,,2026-02-30,\nD5,O-A,10,won,P4,,\n"),
     ["deals.csv:4: amount 'ten' " + NOT_A_NUMBER,
      "deals.csv:5: status 'maybe' is not one of: 'won', 'lost', 'open'",
      "deals.csv:5: closed_on '2026-02-30' is not a real calendar date",
      "deals.csv:6: rep_id 'P4' has role 'decision_maker' in people.csv; only a 'rep' can be assigned"]),
    ("unknown-enum-values", base_with(friendships=F + "P3,P5,neighbour,\n",
                                      accounts=A.replace("O-B,P2,owner", "O-B,P2,lead")),
     ["friendships.csv:4: kind 'neighbour' is not one of: 'friend', 'family', 'alumni', 'club', "
      "'former_colleague', 'other'",
      "accounts.csv:3: role 'lead' is not one of: 'owner', 'support'"]),
    ("type-not-a-word", base_with(interactions=I.replace(",meeting,", ",Team Meeting!,")),
     ["interactions.csv:3: type 'Team Meeting!' must be a lower-case word (letters, digits, '_')"]),
    ("whitespace-only-required-cell", base_with(people=P.replace("P5,Ivy User,", "P5,   ,")),
     ["people.csv:6: name is required but the cell is empty"]),
    # -- found by scripts/fuzz_ingest.py --
    # the terminal printer turned ":100:" into an emoji ("deals.csv💯 ...")
    ("problem-at-line-100", base_with(deals=D + "".join(f"D{n},O-A,1,won,P1,,\n" for n in range(3, 99))
                                      + "D99,O-A,-1,won,P1,,\n"),
     ["deals.csv:100: amount '-1' must not be negative"]),
    # a quoted cell's newline or escape sequence, quoted in a message, broke "one problem a line"
    ("control-characters-in-a-quoted-id", base_with(people=P + 'P7,Ann,"O-\nA",,user,\nP8,Bo,"O-\x1b[31mB",,user,\n'),
     ["people.csv:8: org_id 'O-\\nA' is not in organisations.csv",
      "people.csv:10: org_id 'O-\\x1b[31mB' is not in organisations.csv"]),
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
        revision = s.state().revision
    folder = write_folder(tmp_path / case, files)
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--store", loaded])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    problems = [line for line in lines if ".csv" in line.split(" ")[0]]
    assert problems == expected
    assert "nothing was written" in lines[-1]
    with open_store(loaded) as s:
        assert s.state().revision == revision
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


def _line(p: dict[str, object]) -> str:
    return f"{p['file']}:{p['line']}: {p['message']}" if int(str(p["line"])) > 0 else f"{p['file']}: {p['message']}"


@pytest.mark.parametrize("case, files, expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_input_json_names_file_line_and_column(tmp_path: Path, case: str, files: dict[str, str | bytes | None],
                                                   expected: list[str]) -> None:
    folder = write_folder(tmp_path / case, files)
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--dry-run", "--json"])
    assert result.exit_code == 2
    problems = json.loads(result.stdout)["error"]["problems"]
    assert [_line(p) for p in problems] == expected
    for p in problems:
        assert p["line"] >= 1 or p["message"].startswith("file is missing")
        columns = known_columns(ROW_MODELS[p["file"]])
        if p["message"].split(" ")[0] in columns:  # a message about a cell names its column
            assert p["column"] is not None
        if p["column"] is not None:
            assert p["column"] in columns


def _people_with_names(names: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(io.StringIO(P)):
        writer.writerow([row[0], names.get(row[0], row[1]), *row[2:]])
    return out.getvalue()


def _with_column(text: str, column: str, value: str) -> str:
    header, *rows = text.splitlines()
    return "".join(line + "\n" for line in [f"{header},{column}", *(f"{row},{value}" for row in rows)])


# (case id, files, warnings expected on standard error, the store then holds exactly BASE)
ACCEPTED: list[tuple[str, dict[str, str | bytes | None], list[str], bool]] = [
    ("utf8-bom-every-file", _bom(dict(BASE)), [], True),
    ("crlf-line-endings", _crlf(dict(BASE)), [], True),
    ("crlf-and-utf8-bom", _bom(_crlf(dict(BASE))), [], True),
    ("blank-lines-between-rows", base_with(deals=D.replace("\nD2", "\n\n\nD2") + "\n\n"), [], True),
    ("columns-in-any-order", base_with(accounts="since,role,rep_id,org_id\n2025-01-01,owner,P1,O-A\n,owner,P2,O-B\n"),
     [], True),
    ("unknown-columns-ignored-with-a-warning",
     base_with(people=_with_column(P, "linkedin", "=cmd"), deals=_with_column(D, "currency", "EUR")),
     ["warning: people.csv:1: unknown column 'linkedin' ignored",
      "warning: deals.csv:1: unknown column 'currency' ignored"], True),
    ("header-only-optional-files",
     base_with(friendships="person_a,person_b\n", interactions="id,date,type,participants\n",
               accounts="org_id,rep_id\n", deals="id,org_id,amount,status\n"),
     [f"warning: {name}.csv:1: file has a header row but no data rows"
      for name in ("friendships", "interactions", "accounts", "deals")], False),
    ("quote-inside-unquoted-cell-is-text", base_with(people=P.replace("Carl Chen", 'Carl "The Cat" Chen')), [], False),
    ("quoted-commas-and-newlines",
     base_with(interactions=I.replace("Saturday doubles", '"Saturday doubles,\nthen lunch"')), [], False),
    # the contract has no rule on dates in the future or the distant past
    ("far-future-and-old-dates", base_with(interactions=I.replace("2026-10-01", "2999-12-31"),
                                           friendships=F.replace("2020-05-01", "1900-01-01")), [], False),
]


@pytest.mark.parametrize("case, files, warnings, same_as_base", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_accepted_input_is_loaded_as_typed(loaded: str, tmp_path: Path, case: str,
                                           files: dict[str, str | bytes | None], warnings: list[str],
                                           same_as_base: bool) -> None:
    with open_store(loaded) as s:
        base = s.dump()
    folder = write_folder(tmp_path / case, files)
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--store", loaded])
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("warning:")] == warnings
    expected, _ = check_folder(folder)
    with open_store(loaded) as s, s.reader() as r:
        assert s.dump() == expected.sorted()
        assert s.counts() == expected.counts()
        if same_as_base:
            assert s.dump() == base
        if case == "quote-inside-unquoted-cell-is-text":
            assert r.people(ids=["P4"])[0].name == 'Carl "The Cat" Chen'
        if case == "quoted-commas-and-newlines":
            assert [i.notes for i in s.dump().interactions if i.id == "I1"] == ["Saturday doubles,\nthen lunch"]


#: Text a spreadsheet would run as a formula: data to relmap, so stored as typed.
FORMULAS = {"P4": '=HYPERLINK("http://evil.example","click me")', "P5": "+cmd|' /C calc'!A0",
            "P6": "@SUM(1+1)", "P3": "-1+2"}


def test_formula_looking_text_is_stored_as_typed_and_exported_neutralised(loaded: str, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "formulas", base_with(people=_people_with_names(FORMULAS)))
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--store", loaded])
    assert result.exit_code == 0, result.output
    with open_store(loaded) as s, s.reader() as r:
        assert {p.id: p.name for p in r.people(ids=list(FORMULAS))} == FORMULAS
    plan = tmp_path / "plan.csv"
    result = CliRunner().invoke(cli, ["whatif", "--rep", "P1", "--csv", str(plan), "--as-of", "2026-11-01",
                                      "--store", loaded])
    assert result.exit_code == 0, result.output
    with plan.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["contact"] for r in rows if r["contact_id"] == "P4"] == ["'" + FORMULAS["P4"]]
    for row in rows:
        for cell in row.values():
            assert cell[:1] not in ("=", "+", "-", "@"), cell
    for name in FORMULAS.values():
        assert safe_cell(name) == "'" + name
