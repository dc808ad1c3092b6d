"""Possible duplicates, listed for a person to decide: never merged silently.

After an import, every person it created (or gave a real organisation) is
compared by name with the other people of the same organisation (rapidfuzz's
``token_sort_ratio`` on names with accents, case and punctuation folded; 88 or
more is listed). Each pair becomes a row of ``review.csv`` in the input folder::

    id,name,org_id,candidate_id,candidate_name,score,decision
    P-1f0c...,Jon Smith,O-ACME,P4,John Smith,95,

Write ``merge`` in ``decision`` to make ``id`` and ``candidate_id`` one person
(the candidate's row stays, the other's ids, addresses and ties move to it), or
``keep`` for two different people (the pair is not listed again). The decisions
are carried out at the start of the next ``relmap import`` into the folder.
"""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz import fuzz, process

from ingest.importers.folder import InputFolder, Row
from ingest.importers.identity import Resolver, joined_ids
from ingest.importers.values import match_name

__all__ = ["apply_decisions", "find_duplicates", "open_questions", "THRESHOLD"]

#: The lowest name similarity (0 to 100) listed as a possible duplicate.
THRESHOLD = 88.0

_MERGE = {"merge", "same", "yes", "y"}
_KEEP = {"keep", "different", "no", "n", "distinct"}


def _pair(row: Row) -> tuple[str, str]:
    a, b = row.get("id", "").strip(), row.get("candidate_id", "").strip()
    return (a, b) if a <= b else (b, a)


def _ids(row: Row) -> list[str]:
    return [s.strip() for s in row.get("source_ids", "").split(";") if s.strip()]


def open_questions(folder: InputFolder) -> int:
    """How many pairs in the review file still wait for a decision."""
    return sum(1 for r in folder.review if r.get("decision", "").strip().lower() not in _KEEP | _MERGE)


def _merge(folder: InputFolder, gone: str, into: str) -> None:
    """Make ``gone`` and ``into`` one person, ``into``'s row kept, every reference rewritten."""
    people = folder.tables["people"]
    loser, keeper = people.get(gone), people.get(into)
    if loser is None or keeper is None or gone == into:
        return
    changes: dict[str, str | None] = {}
    for column in ("name", "title", "email", "org_id"):
        if not keeper.get(column, "").strip() and loser.get(column, "").strip():
            changes[column] = loser[column]
    if keeper.get("role", "").strip() in ("", "other") and loser.get("role", "").strip() not in ("", "other"):
        changes["role"] = loser["role"]
    ids = _ids(keeper)
    extra = _ids(loser)
    email = loser.get("email", "").strip().lower()
    if email and email != keeper.get("email", changes.get("email") or "").strip().lower():
        extra.append(f"email:{email}")
    merged = list(dict.fromkeys(ids + extra))
    if merged != ids:
        changes["source_ids"] = joined_ids(merged)
    if changes:
        people.update(keeper, **changes)
    friendships = folder.tables["friendships"]
    for row in list(friendships):
        a, b = row.get("person_a", "").strip(), row.get("person_b", "").strip()
        if gone not in (a, b):
            continue
        a, b = (into if a == gone else a), (into if b == gone else b)
        if a == b or friendships.get(a, b) is not None:
            friendships.remove(row)
        else:
            friendships.rekey(row, person_a=min(a, b), person_b=max(a, b))
    for row in folder.tables["interactions"]:
        people_ids = [p.strip() for p in row.get("participants", "").split(";") if p.strip()]
        if gone in people_ids:
            folder.tables["interactions"].update(
                row, participants=";".join(dict.fromkeys(into if p == gone else p for p in people_ids)))
    accounts = folder.tables["accounts"]
    for row in list(accounts):
        if row.get("rep_id", "").strip() == gone:
            if accounts.get(row.get("org_id", "").strip(), into) is not None:
                accounts.remove(row)
            else:
                accounts.rekey(row, rep_id=into)
    for row in folder.tables["deals"]:
        if row.get("rep_id", "").strip() == gone:
            folder.tables["deals"].update(row, rep_id=into)
    people.remove(loser)


def apply_decisions(folder: InputFolder) -> int:
    """Carry out the ``merge`` decisions of the review file; return how many pairs were merged."""
    merged = 0
    keep: list[Row] = []
    for row in folder.review:
        decision = row.get("decision", "").strip().lower()
        if decision in _MERGE:
            _merge(folder, row.get("id", "").strip(), row.get("candidate_id", "").strip())
            merged += 1
        else:
            keep.append(row)
    if merged:
        people = folder.tables["people"]
        keep = [r for r in keep if people.get(r.get("id", "").strip()) is not None
                and people.get(r.get("candidate_id", "").strip()) is not None]
    folder.review[:] = keep
    return merged


def find_duplicates(folder: InputFolder, who: Resolver) -> int:
    """List the people this import created who may be someone the folder already had; return how many pairs."""
    if not who.fresh:
        return 0
    placeholder = who.org_by_source.get("relmap:unaffiliated")
    by_org: dict[str, list[Row]] = defaultdict(list)
    for person in folder.tables["people"]:
        by_org[person.get("org_id", "").strip()].append(person)
    listed = {_pair(r) for r in folder.review}
    found = 0
    for pid in sorted(who.fresh):
        found_row = folder.tables["people"].get(pid)
        if found_row is None:
            continue
        row = found_row
        org = row.get("org_id", "").strip()
        if not org or org == placeholder:
            continue
        others = [r for r in by_org[org] if r.get("id", "").strip() != pid]
        if not others:
            continue
        name = match_name(row.get("name", ""))
        choices = [match_name(r.get("name", "")) for r in others]
        for _, score, index in process.extract(name, choices, scorer=fuzz.token_sort_ratio, limit=None,
                                               score_cutoff=THRESHOLD):
            other = others[index]
            oid = other.get("id", "").strip()
            mine, theirs = (row.get("email", "").strip().lower(), other.get("email", "").strip().lower())
            if mine and theirs and mine == theirs:
                continue
            pair = (pid, oid) if pid <= oid else (oid, pid)
            if pair in listed:
                continue
            listed.add(pair)
            # the newer row is the one to merge away: an existing row (not created now) is the candidate
            first, second = (row, other) if oid not in who.fresh or pid > oid else (other, row)
            folder.review.append({"id": first.get("id", "").strip(), "name": first.get("name", ""), "org_id": org,
                                  "candidate_id": second.get("id", "").strip(),
                                  "candidate_name": second.get("name", ""), "score": f"{score:.0f}",
                                  "decision": ""})
            found += 1
    return found
