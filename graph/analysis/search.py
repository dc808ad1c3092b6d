"""Finding people and organisations by name (``relmap search`` and the dashboard's search box),
and saying so when an id is not in the store (:func:`unknown_ids`).

>>> from graph.model import Organisation, Person
>>> people = [Person("P2", "Ann Acme", "O1", "CTO"), Person("acme", "Zed", "O1")]
>>> orgs = [Organisation("O1", "Acme", "customer")]
>>> for m in merge_matches("acme", people, orgs, {"O1": "Acme"}, 20):
...     print(m.kind, m.id, m.name, m.detail, sep=" | ")
person | acme | Zed |  · Acme
organisation | O1 | Acme | customer
person | P2 | Ann Acme | CTO · Acme
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, NamedTuple

from graph.errors import UsageError
from graph.model import Organisation, Person
from graph.store.base import Reader

__all__ = ["Match", "find_by_name", "merge_matches", "search_json", "case_variants", "unknown_ids", "SEARCH_HINT"]

#: What every "no such id" message ends with: where to find ids.
SEARCH_HINT = "find ids by name with `relmap search TEXT`"


class Match(NamedTuple):
    """One search result: ``kind`` (``"person"`` or ``"organisation"``), ``id``, ``name`` and a
    ``detail`` to show beside it (a person's title and organisation, an organisation's kind)."""

    kind: str
    id: str
    name: str
    detail: str


def find_by_name(r: Reader, text: str, limit: int = 20) -> list[Match]:
    """People and organisations whose name contains ``text`` (case-insensitively) or whose id
    is ``text``: at most ``limit``, the exact id first, then by name, then by id."""
    people = r.people(name=text, limit=limit)
    orgs = r.organisations(name=text, limit=limit)
    org_names = {o.id: o.name for o in r.organisations(ids={p.org_id for p in people})} if people else {}
    return merge_matches(text, people, orgs, org_names, limit)


def search_json(r: Reader, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """What ``relmap search`` shows: :func:`find_by_name`'s matches, in its order, with the ids
    that differ from ``text`` only in case (:func:`case_variants`) right after the exact id (ids
    are case-sensitive: someone who typed ``p-010`` meant ``P-010``). At most ``limit``, as JSON
    data: a person as ``{"type": "person", "id", "name", "title", "role", "org_id",
    "organisation"}``, an organisation as ``{"type": "organisation", "id", "name", "kind",
    "industry"}``."""
    variants = case_variants(text)
    people = r.people(name=text, limit=limit)
    orgs = r.organisations(name=text, limit=limit)
    found = {(m.kind, m.id) for m in merge_matches(text, people, orgs, {}, limit)}
    cased_people = [p for p in r.people(ids=variants) if ("person", p.id) not in found]
    cased_orgs = [o for o in r.organisations(ids=variants) if ("organisation", o.id) not in found]
    everyone = people + cased_people
    org_names = {o.id: o.name for o in r.organisations(ids={p.org_id for p in everyone})} if everyone else {}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for p in everyone:
        rows[("person", p.id)] = {"type": "person", "id": p.id, "name": p.name, "title": p.title, "role": p.role,
                                  "org_id": p.org_id, "organisation": org_names.get(p.org_id)}
    for o in orgs + cased_orgs:
        rows[("organisation", o.id)] = {"type": "organisation", "id": o.id, "name": o.name, "kind": o.kind,
                                        "industry": o.industry}
    ordered = [(m.kind, m.id) for m in merge_matches(text, people, orgs, org_names, limit)]
    exact = 1 if ordered and ordered[0][1] == text else 0
    cased = sorted([("person", p.id) for p in cased_people] + [("organisation", o.id) for o in cased_orgs],
                   key=lambda k: (variants.index(k[1]), k[0]))
    return [rows[k] for k in ordered[:exact] + cased + ordered[exact:]][:limit]


def case_variants(text: str) -> list[str]:
    """The ids a person most likely meant by ``text`` when ids are case-sensitive: the same
    letters in upper, lower, title or first-letter case (``text`` itself left out).

    >>> case_variants("p-010"), case_variants("o-Telco")
    (['P-010'], ['O-TELCO', 'o-telco', 'O-Telco', 'O-telco', 'O-tELCO'])
    """
    found: list[str] = []
    for v in (text.upper(), text.lower(), text.title(), text.capitalize(), text.swapcase()):
        if v != text and v not in found:
            found.append(v)
    return found


def unknown_ids(r: Reader, ids: Collection[str], what: str = "person") -> UsageError:
    """The error for ids that are not in the store: ids are case-sensitive, so it offers the ids
    that differ only in case (:func:`case_variants`) with their names, and says how to find ids
    by name. ``what``: ``"person"``, ``"rep"``, ``"organisation"`` or ``"person or organisation"``.

    >>> class Story:  # a reader that knows one person
    ...     def people(self, ids): return [Person("P-010", "Viktor Lindqvist", "O1")] if "P-010" in ids else []
    >>> print(unknown_ids(Story(), ["p-010"]))
    no person with id 'p-010' in the store; ids are case-sensitive: did you mean 'P-010' (Viktor Lindqvist)? Else find ids by name with `relmap search TEXT`
    >>> print(unknown_ids(Story(), ["X-1"]))
    no person with id 'X-1' in the store (ids are case-sensitive); find ids by name with `relmap search TEXT`
    """
    ids = list(dict.fromkeys(ids))
    variants = {v: i for i in ids for v in case_variants(i)}
    offered: list[str] = []
    if what != "organisation" and variants:
        offered += [f"'{p.id}' ({p.name})" for p in r.people(ids=set(variants))]
    if "organisation" in what and variants:
        offered += [f"'{o.id}' ({o.name})" for o in r.organisations(ids=set(variants))]
    quoted = ", ".join(f"'{i}'" for i in ids)
    message = f"no {what} with id {quoted} in the store"
    if offered:
        message += f"; ids are case-sensitive: did you mean {' or '.join(offered)}? Else {SEARCH_HINT}"
    else:
        message += f" (ids are case-sensitive); {SEARCH_HINT}"
    return UsageError(message)


def merge_matches(text: str, people: Iterable[Person], orgs: Iterable[Organisation],
                  org_names: Mapping[str, str], limit: int) -> list[Match]:
    """The people and organisations found, as :class:`Match` rows in :func:`find_by_name`'s order."""
    found = [Match("person", p.id, p.name, f"{p.title or ''} · {org_names.get(p.org_id, '')}") for p in people]
    found += [Match("organisation", o.id, o.name, o.kind) for o in orgs]
    found.sort(key=lambda m: (m.id != text, m.name, m.id))
    return found[:limit]
