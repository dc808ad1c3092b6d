"""Fuzzing every importer with mutated fixtures: exit 0 with a valid folder, or a clean exit 2. Never a crash.

A few dozen cases run here (fast); ``scripts/fuzz_import.py`` runs thousands.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.importers.fuzzing import OPS, SEEDS, check, mutate, random_case

CASES = 60


@pytest.mark.parametrize("seed", range(CASES))
def test_mutated_files_never_crash(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    kind, path, args, ops, data = random_case(rng)
    code, problem = check(tmp_path, kind, path.name, data, args)
    assert problem is None, (kind, path.name, ops, problem)


@pytest.mark.parametrize("kind, path, args", SEEDS, ids=[f"{k}-{p.name}" for k, p, _ in SEEDS])
def test_every_fixture_cut_in_half_and_given_as_every_other_kind(tmp_path: Path, kind: str, path: Path,
                                                                  args: tuple[str, ...]) -> None:
    data = path.read_bytes()
    code, problem = check(tmp_path / "half", kind, path.name, data[: len(data) // 2], args)
    assert problem is None, problem
    for other, other_path, _ in SEEDS[:: max(1, len(SEEDS) // 6)]:
        code, problem = check(tmp_path / "other", kind, path.name, other_path.read_bytes(), args)
        assert problem is None, (other_path.name, problem)


def test_every_op_is_drawn() -> None:
    rng = random.Random(0)
    seen = {op for _ in range(400) for op in random_case(rng)[3]}
    assert seen == set(OPS)
    assert mutate(b"abc", rng, ["empty"]) == b""


# What scripts/fuzz_import.py found, each fixed; kept as it was found (small enough to read).
FOUND = [
    ("hubspot", "companies.csv", b"Record ID,Company name,Company Domain Name\n9002,Epsilon,www.epsilon-fo;ods.example\n",
     ()),  # seed 2: a ';' in a domain became a source id relmap ingest refused
    ("salesforce", "OpportunityContactRole.csv", b"Id,OpportunityId,\"Cont\nctId\",Role\n1,2,3,x\n",
     ()),  # seed 2: a new line in a header cell made the refusal message two lines
    ("calendar", "cal.ics", b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20240510T200000Z\nORGANIZER;CN=samom\n"
     b"ATTENDEE:mailto:a@b.example\nEND:VEVENT\nEND:VCALENDAR\n",
     ()),  # seed 3: an event without UID and a damaged ORGANIZER line: exit 1
    ("hubspot", "companies.csv", b"Record ID,Company name,Company Domain Name\n9002,,not a domain\n",
     ()),  # seed 3: a company with neither a name nor a usable domain was written without a name
]


@pytest.mark.parametrize("kind, name, data, args", FOUND, ids=[f"{k}-{n}-{i}" for i, (k, n, _, _) in enumerate(FOUND)])
def test_what_fuzzing_found(tmp_path: Path, kind: str, name: str, data: bytes, args: tuple[str, ...]) -> None:
    code, problem = check(tmp_path, kind, name, data, args)
    assert problem is None, problem


def test_a_megabyte_header_is_read_or_refused_in_moments(tmp_path: Path) -> None:
    """email.policy.default takes minutes on some megabyte headers (found by the fuzz script, seed 4)."""
    import time

    for header in (b'To: "' + b'"' * 1_100_000, b"To: " + b"a@b.example, " * 100_000):
        began = time.process_time()
        code, problem = check(tmp_path, "mail", "m.eml", b"From: x@y.example\n" + header +
                              b"\nDate: Tue, 14 May 2024 10:04:25 +0200\n\nbody\n", ())
        assert problem is None and code == 0, problem
        assert time.process_time() - began < 20


def test_an_id_too_long_to_be_an_id_is_not_kept(tmp_path: Path) -> None:
    """seed 5: a 100,000-character Record ID and LinkedIn URL became source ids relmap ingest refused."""
    huge = "9" * 100_000
    code, problem = check(tmp_path, "hubspot", "contacts.csv",
                          f"Record ID,First Name,Email\n{huge},Ann,ann@acme.example\n".encode(), ())
    assert problem is None and code == 0, problem
    code, problem = check(tmp_path, "linkedin", "Connections.csv",
                          f"First Name,Last Name,URL,Company,Connected On\nAnn,Lee,https://www.linkedin.com/in/{huge},"
                          "Acme,30 May 2024\n".encode(), ("--owner", "rita@northwind.example"))
    assert problem is None and code == 0, problem


def test_a_megabyte_of_blanks_in_an_address_header_is_read_in_moments(tmp_path: Path) -> None:
    """seed 5: a lazy quantifier followed by blanks took quadratic time on a megabyte of blanks."""
    import time

    began = time.process_time()
    code, problem = check(tmp_path, "mail", "m.eml", b"From: x@y.example\nTo: Ann" + b" " * 1_000_000 +
                          b"<a@b.example>\nDate: Tue, 14 May 2024 10:04:25 +0200\n\nbody\n", ())
    assert problem is None and code == 0, problem
    assert time.process_time() - began < 20
