"""What a load changes: the rows added, changed and removed per file, and who that touches.

A store told to hold a dataset (:meth:`graph.store.base.Store.load`) compares it with what it
holds (:func:`diff`), writes only the difference, and rebuilds derived data only for what the
difference touches (:meth:`Changes.scope`: pairs of people and people); when most rows change
it writes the whole dataset instead (:func:`worth_a_refresh`). Either way the store ends up
holding exactly the dataset. An update (``load`` with ``removed``) names its rows and removals
itself: the store reads only the held rows of those keys (:func:`diff_update`).

Rows are compared whole, by their key: an organisation, person, interaction or deal by its
id, a friendship by its two people, an account by organisation and rep.

>>> from graph.model import Dataset, Organisation, Person
>>> old = Dataset([Organisation("O1", "Acme", "customer")], [Person("P1", "Ann", "O1")])
>>> new = Dataset([Organisation("O1", "Acme", "customer")], [Person("P1", "Ann", "O1", role="rep"),
...                                                          Person("P2", "Bo", "O1")])
>>> c = diff(old, new)
>>> c.counts()["people"], sorted(c.scope(old, new).people)
({'added': 1, 'changed': 1, 'removed': 0}, ['P1', 'P2'])
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from hashlib import blake2b
from itertools import islice
from typing import Any

from graph.derived import Scope
from graph.model import TABLES, Dataset, Interaction, Rows, pair

__all__ = ["KEYS", "TableChanges", "Changes", "diff", "diff_held", "diff_update", "merge", "update_keys",
           "kind_changed", "worth_a_refresh", "key_of", "fingerprint", "fingerprint_text", "batches",
           "Removed"]

#: The keys an update removes, per table (:meth:`graph.store.base.Store.load` with ``removed``).
Removed = Mapping[str, Collection[Hashable]]

#: The key of a row of each table.
KEYS: dict[str, Callable[[Any], Hashable]] = {
    "organisations": lambda o: o.id,
    "people": lambda p: p.id,
    "friendships": lambda f: (f.person_a, f.person_b),
    "interactions": lambda i: i.id,
    "accounts": lambda a: (a.org_id, a.rep_id),
    "deals": lambda d: d.id,
}

#: Above this share of rows changed, a load writes everything (bulk writes win).
REFRESH_LIMIT = 0.25


def key_of(table: str, row: Any) -> Hashable:
    """The key of ``row`` of ``table``.

    >>> from graph.model import Friendship
    >>> key_of("friendships", Friendship("P1", "P2"))
    ('P1', 'P2')
    """
    return KEYS[table](row)


def fingerprint(table: str, row: Any) -> int:
    """A signed 64-bit hash of a row of ``table``: of its values in order (an interaction's
    participants included), as ``repr`` writes them, which is the same text in every process.
    Each store keeps it with the row (SQLite ``fp``, Neo4j ``_fp``), so that a load compares a
    dataset with what it holds by key and fingerprint (:func:`diff_held` with
    ``form=fingerprint``) without reading rows back.

    >>> from graph.model import Organisation
    >>> o = Organisation("O1", "Acme", "customer")
    >>> fingerprint("organisations", o) == fingerprint("organisations", Organisation("O1", "Acme", "customer"))
    True
    >>> fingerprint("organisations", o) == fingerprint("organisations", o._replace(kind="prospect"))
    False
    """
    return fingerprint_text(repr(tuple(row)))


def fingerprint_text(text: str) -> int:
    """The signed 64-bit hash :func:`fingerprint` takes of a row's ``repr`` (the column-wise fast
    path, :mod:`ingest.columns`, builds that text without the row).

    >>> from graph.model import Organisation
    >>> fingerprint_text("('O1', 'Acme', 'customer', None, None)") == fingerprint(
    ...     "organisations", Organisation("O1", "Acme", "customer"))
    True
    """
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


def batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``rows`` in lists of ``size`` (how a store writes and reads a change).

    >>> list(batches(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


@dataclass
class TableChanges:
    """One table's difference: the new rows of keys not held before (``added``), the new rows of
    keys held with other values (``changed``), and the keys no longer there (``removed``)."""

    added: Rows[Any] = field(default_factory=list)
    changed: list[Any] = field(default_factory=list)
    removed: list[Hashable] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed)}


@dataclass
class Changes:
    """The difference between what a store held and what it is told to hold, per table;
    ``whole`` when the store wrote every row again instead (a first load, most rows changed,
    or a store that held no complete load of this schema)."""

    tables: dict[str, TableChanges] = field(default_factory=lambda: {t: TableChanges() for t in TABLES})
    whole: bool = False

    def __len__(self) -> int:
        return sum(len(t) for t in self.tables.values())

    @classmethod
    def everything(cls, data: Dataset) -> "Changes":
        """Every row of ``data`` added, written whole: a load into a store that held nothing
        complete (each table's ``added`` is ``data``'s own, not a copy)."""
        return cls({t: TableChanges(added=getattr(data, t)) for t in TABLES}, whole=True)

    def __getitem__(self, table: str) -> TableChanges:
        return self.tables[table]

    def counts(self) -> dict[str, dict[str, int]]:
        """``{table: {"added": n, "changed": n, "removed": n}}``, every table."""
        return {t: c.counts() for t, c in self.tables.items()}

    def upserts(self) -> Dataset:
        """The rows to write: those added and those changed, per table."""
        return Dataset(**{t: [*c.added, *c.changed] for t, c in self.tables.items()})

    def before_keys(self) -> dict[str, set[Hashable]]:
        """The keys of the organisations, people and interactions changed or removed: the held
        rows whose values before :meth:`scope` reads (a store that compared fingerprints reads
        only those back)."""
        return {t: {KEYS[t](r) for r in c.changed} | set(c.removed)
                for t, c in self.tables.items() if t in ("organisations", "people", "interactions")}

    def scope(self, old: Dataset, new: Dataset) -> Scope:
        """What the change touches in derived data (:class:`graph.derived.Scope`): every two people
        at an interaction added, changed or removed (before and after), and the organisation it is
        about; every friendship added, changed or removed; the people added or removed, those
        whose organisation or role changed, and everyone at an organisation whose kind changed
        (they join or leave our team). ``old``: at least the held interactions, people and
        organisations changed or removed (:meth:`before_keys`), and the held people of
        organisations whose kind changed. Accounts and deals feed no derived data."""
        out = Scope(orgs=set())
        c = self.tables
        was_person = {p.id: p for p in old.people}
        out.people.update(p.id for p in c["people"].added)
        out.people.update(str(k) for k in c["people"].removed)
        out.people.update(p.id for p in c["people"].changed
                          if (w := was_person.get(p.id)) is None or (w.org_id, w.role) != (p.org_id, p.role))
        out.pairs.update(pair(f.person_a, f.person_b) for f in c["friendships"].changed)
        removed: list[tuple[str, str]] = list(c["friendships"].removed)  # type: ignore[arg-type]  # two people
        out.add_friendships([*((f.person_a, f.person_b) for f in c["friendships"].added), *removed])
        was = {i.id: i for i in old.interactions} if c["interactions"].changed or c["interactions"].removed else {}
        met: list[tuple[int, Interaction]] = []
        for i in [*c["interactions"].added, *c["interactions"].changed]:
            out.add_interaction(i.participants, i.org_id)
            met.append((1, i))
        gone = [i.id for i in c["interactions"].changed] + list(c["interactions"].removed)
        for key in gone:
            if key in was:
                out.add_interaction(was[key].participants, was[key].org_id)
                met.append((-1, was[key]))
        # a row not read back: each pair's evidence is counted again from the rows
        out.met = met if all(key in was for key in gone) else None
        old_kind = {o.id: o.kind for o in old.organisations} if c["organisations"].changed else {}
        moved = {o.id for o in c["organisations"].changed if old_kind.get(o.id) != o.kind}
        if moved:
            out.people.update(p.id for p in new.people if p.org_id in moved)
            out.people.update(p.id for p in old.people if p.org_id in moved)
        return out

    def people(self, old: Dataset, new: Dataset) -> set[str]:
        """Everyone in :meth:`scope` (before :func:`graph.derived.touched` adds everyone tied to them)."""
        return self.scope(old, new).ends()


def diff(old: Dataset, new: Dataset) -> Changes:
    """What turns ``old`` into ``new``, table by table (rows compared whole, by key).

    >>> from graph.model import Dataset, Friendship
    >>> diff(Dataset(friendships=[Friendship("a", "b")]), Dataset()).counts()["friendships"]["removed"]
    1
    """
    return diff_held({t: {KEYS[t](r): r for r in getattr(old, t)} for t in TABLES}, new)


def diff_held(held: Mapping[str, Mapping[Hashable, Any]], new: Dataset,
              form: Callable[[str, Any], Any] | None = None) -> Changes:
    """What turns the rows ``held`` (per table, by key, each in the form ``form(table, row)``
    gives a row of ``new``: a store compares its own row tuples) into ``new``.

    >>> from graph.model import Dataset, Organisation
    >>> held = {t: {} for t in TABLES} | {"organisations": {"O1": ("O1", "Acme", "customer", None, None)}}
    >>> c = diff_held(held, Dataset([Organisation("O1", "Acme", "prospect")]), lambda t, r: tuple(r))
    >>> len(c["organisations"].changed)
    1
    """
    out = Changes()
    for table in TABLES:
        rows = held[table]
        seen = _compare(out.tables[table], table, getattr(new, table), rows, form)
        out.tables[table].removed.extend(k for k in rows if k not in seen)
    return out


def _compare(t: TableChanges, table: str, rows: Iterable[Any], held: Mapping[Hashable, Any],
             form: Callable[[str, Any], Any] | None) -> set[Hashable]:
    """Each of ``rows`` into ``t.added`` (its key not ``held``) or ``t.changed`` (held with
    other values, compared in the form ``form`` gives); return the keys of ``rows``."""
    key = KEYS[table]
    seen: set[Hashable] = set()
    added: list[Any] = []
    for row in rows:
        k = key(row)
        seen.add(k)
        before = held.get(k)
        if before is None:
            added.append(row)
        elif before != (form(table, row) if form is not None else row):
            t.changed.append(row)
    t.added = added
    return seen


def diff_update(held: Mapping[str, Mapping[Hashable, Any]], rows: Dataset, removed: Removed,
                form: Callable[[str, Any], Any] | None = None) -> Changes:
    """What an update changes: each row of ``rows`` is added or replaces the held row of its key,
    the held rows of the ``removed`` keys go, nothing else changes. ``held``: at least the held
    rows of those keys, per table, by key (each in the form ``form(table, row)`` gives).

    >>> from graph.model import Organisation
    >>> held = {t: {} for t in TABLES} | {"organisations": {"O1": Organisation("O1", "Acme", "customer"),
    ...                                                      "O2": Organisation("O2", "Bolt", "customer")}}
    >>> c = diff_update(held, Dataset([Organisation("O1", "Acme", "prospect")]), {"organisations": ["O2", "O9"]})
    >>> c.counts()["organisations"]
    {'added': 0, 'changed': 1, 'removed': 1}
    """
    out = Changes()
    for table in TABLES:
        had = held.get(table, {})
        _compare(out.tables[table], table, getattr(rows, table), had, form)
        out.tables[table].removed.extend(k for k in removed.get(table, ()) if k in had)
    return out


def update_keys(rows: Dataset, removed: Removed) -> dict[str, set[Hashable]]:
    """Per table, the keys an update names: its rows' and those it removes (the held rows a
    store reads for :func:`diff_update`)."""
    return {t: {KEYS[t](r) for r in getattr(rows, t)} | set(removed.get(t, ())) for t in TABLES}


def kind_changed(held: Iterable[tuple[str, str]], rows: Dataset) -> list[str]:
    """The organisations of ``held`` ``(id, kind)`` pairs to which ``rows`` give another kind
    (their people join or leave the team: :meth:`Changes.scope` needs them all).

    >>> from graph.model import Organisation
    >>> kind_changed([("O1", "prospect"), ("O2", "other")], Dataset([Organisation("O1", "Acme", "customer")]))
    ['O1']
    """
    kinds = {o.id: o.kind for o in rows.organisations}
    return sorted(oid for oid, kind in held if kinds.get(oid, kind) != kind)


def merge(held: Dataset, rows: Dataset, removed: Removed) -> Dataset:
    """What a store holding ``held`` holds after an update of ``rows`` and ``removed`` (see
    :func:`diff_update`), in ``held``'s order with new rows last.

    >>> from graph.model import Organisation
    >>> merge(Dataset([Organisation("O1", "Acme", "customer")]), Dataset([Organisation("O2", "Bolt", "other")]),
    ...       {"organisations": ["O1"]}).organisations
    [Organisation(id='O2', name='Bolt', kind='other', industry=None, annual_revenue=None)]
    """
    out = Dataset()
    for table in TABLES:
        key = KEYS[table]
        kept = {key(r): r for r in getattr(held, table)}
        for r in getattr(rows, table):
            kept[key(r)] = r
        gone = set(removed.get(table, ()))
        setattr(out, table, [r for k, r in kept.items() if k not in gone])
    return out


def worth_a_refresh(changes: Changes, sizes: Iterable[int]) -> bool:
    """Whether writing only ``changes`` beats writing everything: a store holding rows (of
    ``sizes``, per table) of which at most :data:`REFRESH_LIMIT` change.

    >>> worth_a_refresh(Changes(), [0, 0])
    False
    """
    total = sum(sizes)
    return total > 0 and len(changes) <= REFRESH_LIMIT * total
