"""Finding people and organisations by name (the dashboard's search box).

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

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from graph.model import Organisation, Person
from graph.store.base import Reader

__all__ = ["Match", "find_by_name", "merge_matches"]


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


def merge_matches(text: str, people: Iterable[Person], orgs: Iterable[Organisation],
                  org_names: Mapping[str, str], limit: int) -> list[Match]:
    """The people and organisations found, as :class:`Match` rows in :func:`find_by_name`'s order."""
    found = [Match("person", p.id, p.name, f"{p.title or ''} · {org_names.get(p.org_id, '')}") for p in people]
    found += [Match("organisation", o.id, o.name, o.kind) for o in orgs]
    found.sort(key=lambda m: (m.id != text, m.name, m.id))
    return found[:limit]
