"""An update folder (``relmap ingest DIR --update``): new or changed rows, and rows to remove,
merged into what the store holds.

Any of the six input files may be there, none is required, and rows may name ids the store
already holds. A row whose key the store holds replaces that row; a new key adds a row;
nothing else the store holds changes, except the rows ``removals.csv`` names::

    file,id
    people.csv,P-017
    friendships.csv,P-002;P-031
    accounts.csv,O-ACME;P-004

``id`` is the row's id; a friendship's two people (either order) and an account's
organisation and rep are written as two ids separated by ``;``, as an interaction's
participants are. Removing a row that is not there is not an error (running the same update
twice converges); removing a row other rows still name is, unless they are removed or changed
too.

>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "removals.csv").write_text("file,id\\npeople.csv,P1\\nfriendships.csv,P3;P2\\n")
>>> r = read_removals(d, [])
>>> r.keys["people"], r.keys["friendships"]
({'P1': 2}, {('P2', 'P3'): 3})
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from graph.errors import Problem
from graph.model import TABLES, Account, Dataset, pair
from graph.store.changes import KEYS
from ingest.csvfile import CsvFile

if TYPE_CHECKING:
    from graph.store.base import Reader

__all__ = ["REMOVALS_FILE", "Removals", "read_removals", "check_held", "demotes", "Held", "StoreIds"]

V = TypeVar("V")

REMOVALS_FILE = "removals.csv"

#: The input files whose rows have a two-part key, and what the two parts are.
_TWO_PART = {"friendships.csv": "person_a;person_b", "accounts.csv": "org_id;rep_id"}


@dataclass
class Removals:
    """The keys ``removals.csv`` names, per table, with the line naming each."""

    keys: dict[str, dict[Hashable, int]] = field(default_factory=lambda: {t: {} for t in TABLES})


class StoreIds(dict[str, V], Generic[V]):
    """A dict of ids the store holds, filled as ids are asked for: an id not yet in it is looked
    up with ``fetch`` (once; an id not held is remembered too), unless it is one of ``gone``
    (removed by the update). Ids set in it (the folder's rows) are never looked up.

    >>> asked = []
    >>> def fetch(ids):
    ...     asked.append(sorted(ids))
    ...     return {i: i.lower() for i in ids if i.startswith("P")}
    >>> d = StoreIds(fetch, gone={"P-GONE"})
    >>> d.prefetch(["P-1", "X-2", "P-GONE"]); "P-1" in d, "X-2" in d, "P-GONE" in d, d["P-1"]
    (True, False, False, 'p-1')
    >>> d["P-3"] = "mine"; d.get("P-3"), d.get("P-4"), asked
    ('mine', 'p-4', [['P-1', 'X-2'], ['P-4']])
    """

    def __init__(self, fetch: Callable[[list[str]], dict[str, V]], gone: Collection[str] = ()) -> None:
        super().__init__()
        self._fetch, self._asked = fetch, set(gone)

    def prefetch(self, ids: Iterable[str]) -> None:
        """Look up at once every id of ``ids`` not asked for before."""
        new = [i for i in dict.fromkeys(ids) if i not in self._asked and not dict.__contains__(self, i)]
        if new:
            self._asked.update(new)
            for key, value in self._fetch(new).items():
                dict.setdefault(self, key, value)

    def __contains__(self, key: object) -> bool:
        if not dict.__contains__(self, key) and isinstance(key, str):
            self.prefetch([key])
        return dict.__contains__(self, key)

    def __missing__(self, key: str) -> V:
        self.prefetch([key])
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        raise KeyError(key)

    def get(self, key: str, default: V | None = None) -> V | None:  # type: ignore[override]
        return self[key] if key in self else default


class Held:
    """What the store holds, read through an open ``reader`` as an update's checks name it
    (the update is checked against the store's ids, not against every row read beforehand):
    organisations' kinds and people's organisation and role by id (:meth:`org_kinds`,
    :meth:`people`), and for :func:`demotes` our organisations, their reps and the rows
    ``removals.csv`` names (:meth:`around`)."""

    def __init__(self, reader: "Reader") -> None:
        self.reader = reader

    def org_kinds(self, gone: Collection[str]) -> StoreIds[str]:
        return StoreIds(lambda ids: {o.id: o.kind for o in self.reader.organisations(ids=ids)}, gone)

    def people(self, gone: Collection[str]) -> StoreIds[tuple[str, str]]:
        return StoreIds(lambda ids: {p.id: (p.org_id, p.role) for p in self.reader.people(ids=ids)}, gone)

    def around(self, removals: Removals) -> Dataset:
        """The held rows :func:`demotes` reads: our organisations and reps, and what is removed."""
        r = self.reader
        orgs = {o.id: o for o in r.organisations(kinds=["own"])}
        orgs.update((o.id, o) for o in r.organisations(ids=[str(k) for k in removals.keys["organisations"]]))
        people = {p.id: p for p in r.people(kinds=["own"], role="rep")}
        people.update((p.id, p) for p in r.people(ids=[str(k) for k in removals.keys["people"]]))
        return Dataset(organisations=list(orgs.values()), people=list(people.values()))


def read_removals(folder: Path, problems: list[Problem]) -> Removals:
    """The rows ``folder/removals.csv`` names (none when there is no such file); every problem
    is added to ``problems`` as ``removals.csv:line: message``."""
    out = Removals()
    path = Path(folder) / REMOVALS_FILE
    if not path.is_file():
        return out
    source = CsvFile(path)
    problems.extend(source.problems)
    if not source.header or any(p.line == 1 for p in source.problems):
        return out
    missing = [c for c in ("file", "id") if c not in source.header]
    if missing:
        problems.extend(Problem(REMOVALS_FILE, 1, f"required column '{c}' is missing (the file needs: file, id)", c)
                        for c in missing)
        return out
    files = {f"{t}.csv": t for t in TABLES}
    for line, cells, unreadable in source.rows():
        if unreadable:
            problems.append(Problem(REMOVALS_FILE, line, unreadable))
            continue
        name, text = (cells.get("file") or "").strip(), (cells.get("id") or "").strip()
        if name not in files:
            problems.append(Problem(REMOVALS_FILE, line, f"file '{name}' is not one of {', '.join(files)}", "file"))
            continue
        if not text:
            problems.append(Problem(REMOVALS_FILE, line, "id is empty", "id"))
            continue
        key: Hashable = text
        if name in _TWO_PART:
            parts = [p.strip() for p in text.split(";")]
            if len(parts) != 2 or not all(parts) or parts[0] == parts[1]:
                problems.append(Problem(REMOVALS_FILE, line, f"id '{text}' of a row of {name} must be "
                                                             f"{_TWO_PART[name]}", "id"))
                continue
            key = pair(parts[0], parts[1]) if name == "friendships.csv" else (parts[0], parts[1])
        table = files[name]
        if key in out.keys[table]:
            problems.append(Problem(REMOVALS_FILE, line, f"{name} '{text}' is already removed at line "
                                                         f"{out.keys[table][key]}", "id"))
            continue
        out.keys[table][key] = line
    return out


def check_held(final: Dataset, update: Dataset, removals: Removals, problems: list[Problem], *,
               person_line: dict[str, int], org_line: dict[str, int]) -> None:
    """Problems the update makes in rows the store holds and the folder does not give: a held
    row naming a removed organisation or person, or naming as its rep someone who is no longer
    a rep at our organisation. Each is reported where the fix is: at the removal, or at the
    folder's row (``person_line``, ``org_line``: the folder's line of each id) that changed the
    person or organisation."""
    given = {t: {KEYS[t](r) for r in getattr(update, t)} for t in TABLES}
    org_kind = {o.id: o.kind for o in final.organisations}
    people = {p.id: p for p in final.people}

    def gone(table: str, key: Hashable, what: str, by: str) -> None:
        line = removals.keys[table].get(key)
        if line is not None:
            problems.append(Problem(REMOVALS_FILE, line, f"{table}.csv '{key}' is still named by {by} the store "
                                                         f"holds ({what}); remove or change that row too", "id"))

    for p in final.people:
        if p.org_id not in org_kind and p.id not in given["people"]:
            gone("organisations", p.org_id, "its org_id", f"people.csv '{p.id}'")
    for f in final.friendships:
        for x in (f.person_a, f.person_b):
            if x not in people and (f.person_a, f.person_b) not in given["friendships"]:
                gone("people", x, "one of its two people", f"friendships.csv '{f.person_a};{f.person_b}'")
    for i in final.interactions:
        if i.id in given["interactions"]:
            continue
        for x in i.participants:
            if x not in people:
                gone("people", x, "a participant", f"interactions.csv '{i.id}'")
        if i.org_id is not None and i.org_id not in org_kind:
            gone("organisations", i.org_id, "its org_id", f"interactions.csv '{i.id}'")
    for table, rows in (("accounts", final.accounts), ("deals", final.deals)):
        for row in rows:
            k = KEYS[table](row)
            if k in given[table]:
                continue
            label = (f"accounts.csv '{row.org_id};{row.rep_id}'" if isinstance(row, Account)
                     else f"deals.csv '{row.id}'")
            if row.org_id not in org_kind:
                gone("organisations", row.org_id, "its org_id", label)
            rep = row.rep_id
            if rep is None:
                continue
            if rep not in people:
                gone("people", rep, "its rep_id", label)
                continue
            who = people[rep]
            if who.role != "rep" or org_kind.get(who.org_id) != "own":
                if rep in person_line:
                    problems.append(Problem("people.csv", person_line[rep], f"'{rep}' would no longer be a rep at "
                                            f"our organisation, but {label} the store holds names them as its rep; "
                                            f"change or remove that row too", "role"))
                elif who.org_id in org_line:
                    problems.append(Problem("organisations.csv", org_line[who.org_id],
                                            f"'{who.org_id}' would no longer be of kind 'own', but its rep '{rep}' "
                                            f"is named by {label} the store holds; change or remove that row too",
                                            "kind"))


def demotes(held: Dataset, update: Dataset, removals: Removals) -> bool:
    """Whether an update removes a held organisation or person, or makes a held rep at our
    organisation no longer one (other held rows may name them: only every held row can say)."""
    if any(o.id in removals.keys["organisations"] for o in held.organisations) or \
            any(p.id in removals.keys["people"] for p in held.people):
        return True
    kind = {o.id: o.kind for o in held.organisations} | {o.id: o.kind for o in update.organisations}
    was_own = {o.id for o in held.organisations if o.kind == "own"}
    if any(kind[o] != "own" for o in was_own):
        return True
    now = {p.id: p for p in update.people}
    return any(p.role == "rep" and p.org_id in was_own and p.id in now
               and (now[p.id].role != "rep" or kind.get(now[p.id].org_id) != "own") for p in held.people)
