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
