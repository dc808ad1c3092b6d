"""Who is who across sources: people and organisations matched with what the folder holds.

People are matched, in this order, by a normalised e-mail address (the ``email``
column, and other addresses kept in ``source_ids`` as ``email:...``), by a
source's own id kept in ``source_ids`` (``salesforce:003...``, ``hubspot:123``,
``linkedin:https://www.linkedin.com/in/...``), and by the id an earlier import
of the same record gave them. Organisations by a CRM id, by a business mail
domain (``domain:acme.example`` in ``source_ids``, else the organisation most of
the folder's people with that domain work at), then by name (case, accents,
punctuation and legal suffixes ignored). Nothing is merged by a person's name:
:mod:`ingest.importers.review` lists those pairs for a person to decide.

What the folder holds wins: a match fills empty cells and adds ids, it never
overwrites a value (so hand edits survive every later import). Free-mail domains
never make an organisation; people with no organisation known belong to one
placeholder, ``No organisation known`` (kind ``other``). Addresses on our own
domains (``--our-domain``, and every business domain the folder's own
organisation already uses) put a person in the ``own`` organisation.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from ingest.importers.folder import InputFolder, Row
from ingest.importers.orgnames import host_name, is_free_mail, name_from_domain, org_domain, org_name_key
from ingest.importers.values import clean_text, email_domain, match_name, name_from_email, normal_email, stable_id

__all__ = ["OrgHint", "Resolver", "org_domain", "is_free_mail", "org_name_key", "joined_ids", "PLACEHOLDER_SOURCE"]

#: The longest source id kept (a longer "id" is no id), and the longest ``source_ids`` cell (as ingest allows).
MAX_ID = 300
MAX_IDS = 20_000

#: The source id marking the placeholder organisation of people with no organisation known.
PLACEHOLDER_SOURCE = "relmap:unaffiliated"

_KINDS = ("own", "customer", "prospect", "partner", "other")
#: How far along an organisation's kind is: a source moves it forward, never back.
_STEP = {"": 0, "other": 1, "prospect": 2, "partner": 3, "customer": 3}


def _sid(value: str) -> str:
    """A source id as ``source_ids`` keeps it: no spaces or ``;`` (percent-encoded); ``""`` when it is too
    long to be an id (over :data:`MAX_ID` characters)."""
    value = re.sub(r"[\s;%\x00-\x1f\x7f]", lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), value.strip())
    return value if len(value) <= MAX_ID else ""


def joined_ids(ids: list[str]) -> str:
    """The ids of a ``source_ids`` cell, as many as fit its limit (the first ones kept)."""
    kept: list[str] = []
    size = 0
    for sid in ids:
        if sid and size + len(sid) + 1 <= MAX_IDS:
            kept.append(sid)
            size += len(sid) + 1
    return ";".join(kept)


def _ids(row: Row) -> list[str]:
    return [s.strip() for s in row.get("source_ids", "").split(";") if s.strip()]


@dataclass
class OrgHint:
    """How a source names an organisation: a CRM id, a name, a web domain, a kind."""

    source_id: str | None = None
    name: str | None = None
    domain: str | None = None
    kind: str | None = None
    industry: str | None = None
    annual_revenue: str | None = None


class Resolver:
    """Find or create people and organisations in an :class:`InputFolder`.

    Parameters
    ----------
    folder : InputFolder
        The folder being merged into; its tables are changed in place.
    our_domains : iterable of str
        Mail domains of our own team (``--our-domain``).
    """

    def __init__(self, folder: InputFolder, our_domains: tuple[str, ...] = ()) -> None:
        self.folder = folder
        self.orgs = folder.tables["organisations"]
        self.people = folder.tables["people"]
        self.our_domains = {org_domain(d.strip().lstrip("@")) for d in our_domains if d.strip()}
        self.by_email: dict[str, str] = {}
        self.by_source: dict[str, str] = {}
        self.org_by_source: dict[str, str] = {}
        self.org_by_name: dict[str, str] = {}
        self.domain_votes: dict[str, Counter[str]] = defaultdict(Counter)
        #: Organisations named only after a mail domain, by the domain's label ("kestrel", "acmetelecom").
        self.by_label: dict[str, str] = {}
        #: People created, or given a real organisation, by this import (checked for duplicates).
        self.fresh: set[str] = set()
        self._own: str | None = None
        self._placeholder: str | None = None
        for row in self.orgs:
            oid = row.get("id", "").strip()
            for sid in _ids(row):
                self.org_by_source.setdefault(sid, oid)
            if row.get("name", "").strip():
                self.org_by_name.setdefault(org_name_key(row["name"]), oid)
            self._note_guess(row)
            if PLACEHOLDER_SOURCE in _ids(row):
                self._placeholder = oid
        own = [r.get("id", "").strip() for r in self.orgs if r.get("kind", "").strip() == "own"]
        for row in self.people:
            pid = row.get("id", "").strip()
            for sid in _ids(row):
                if sid.startswith("email:"):
                    email = normal_email(sid[6:])
                    if email:
                        self.by_email.setdefault(email, pid)
                else:
                    self.by_source.setdefault(sid, pid)
            email = normal_email(row.get("email"))
            if email:
                self.by_email.setdefault(email, pid)
                self._vote(email, row.get("org_id", "").strip())
                if row.get("org_id", "").strip() in own and not is_free_mail(email_domain(email)):
                    self.our_domains.add(org_domain(email_domain(email)))
        if own:
            counts = Counter(r.get("org_id", "").strip() for r in self.people
                             if (e := normal_email(r.get("email"))) and self.is_ours(e))
            self._own = max(own, key=lambda o: (counts.get(o, 0), -own.index(o)))

    # -- organisations ------------------------------------------------------------------------------------
    def _vote(self, email: str, org_id: str) -> None:
        domain = email_domain(email)
        if org_id and org_id != self._placeholder and not is_free_mail(domain):
            self.domain_votes[org_domain(domain)][org_id] += 1

    def _note_guess(self, row: Row | None) -> None:
        """Index an organisation whose name was made from its mail domain, by that domain's label."""
        if row is None:
            return
        for sid in _ids(row):
            if sid.startswith("domain:") and row.get("name", "").strip() == name_from_domain(sid[7:]):
                label = org_domain(sid[7:]).split(".")[0]
                self.by_label.setdefault(re.sub(r"[^0-9a-z]", "", match_name(label)), row.get("id", "").strip())

    def is_ours(self, email: str) -> bool:
        """True when the address is on one of our own domains."""
        return org_domain(email_domain(email)) in self.our_domains

    def own_org(self, name: str | None = None) -> str:
        """Our organisation (kind ``own``): the folder's, else a new one."""
        if self._own is None:
            domain = sorted(self.our_domains)[0] if self.our_domains else None
            oid = "O-OWN" if self.orgs.get("O-OWN") is None else stable_id("O-", "own")
            title = name or (name_from_domain(domain) if domain else "Our team")
            self.orgs.add({"id": oid, "name": title, "kind": "own"})
            self.org_by_name.setdefault(org_name_key(title), oid)
            self._own = oid
        return self._own

    def placeholder(self) -> str:
        """The organisation of people with no organisation known."""
        if self._placeholder is None:
            oid = "O-NONE" if self.orgs.get("O-NONE") is None else stable_id("O-", PLACEHOLDER_SOURCE)
            self.orgs.add({"id": oid, "name": "No organisation known", "kind": "other",
                           "source_ids": PLACEHOLDER_SOURCE})
            self._placeholder = oid
            self.org_by_source[PLACEHOLDER_SOURCE] = oid
        return self._placeholder

    def org(self, hint: OrgHint, mail_domain: str | None = None) -> str | None:
        """The organisation a hint names, found or created; ``None`` when it names none.

        ``mail_domain`` is the business mail domain of the person the hint comes with: when
        neither the hint's id, its web domain nor its name finds an organisation, the one
        most of the folder's people with that domain work at is taken.
        """
        if hint.source_id:
            hint = OrgHint(_sid(hint.source_id) or None, hint.name, hint.domain, hint.kind, hint.industry, hint.annual_revenue)
        name = clean_text(hint.name, 2000)
        domain = host_name(hint.domain)
        if domain and is_free_mail(domain):
            domain = None
        key = org_domain(domain) if domain else None
        if key and key in self.our_domains:
            return self.own_org()
        oid = self.org_by_source.get(hint.source_id) if hint.source_id else None
        if oid is None and key:
            oid = self.org_by_source.get(f"domain:{key}")
            if oid is None and key in self.domain_votes:
                oid = min(self.domain_votes[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if oid is None and name:
            oid = self.org_by_name.get(org_name_key(name))
        if oid is None and key and not name:  # acme-telecom.example: the folder's "Acme Telecom", if it has one
            oid = self.org_by_name.get(org_name_key(name_from_domain(key)))
        guessed = False
        mail_domain = host_name(mail_domain)
        if oid is None and mail_domain and not is_free_mail(mail_domain):
            mail_key = org_domain(mail_domain)
            oid = self.org_by_source.get(f"domain:{mail_key}")
            if oid is None and mail_key in self.domain_votes:
                oid = min(self.domain_votes[mail_key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            found = self.orgs.get(oid) if oid else None
            guessed = found is not None and found.get("name", "").strip() == name_from_domain(mail_key)
        if oid is None and name:  # an organisation named only after its mail domain: "Kestrel" for kestrel.example
            words = org_name_key(name).split()
            oid = self.by_label.get("".join(words)) or (self.by_label.get(words[0]) if words else None)
            guessed = oid is not None
        if oid is None and not (key or name):  # nothing to name a new organisation by
            return None
        kind = hint.kind if hint.kind in _KINDS else None
        if oid is None:
            ident = hint.source_id or (f"domain:{key}" if key and not name else f"name:{org_name_key(name or '')}")
            oid = stable_id("O-", ident)
            while self.orgs.get(oid) is not None:  # a hand-made id, or a rare hash collision
                oid = stable_id("O-", ident + "#")
                ident += "#"
            sources = [s for s in (hint.source_id, f"domain:{key}" if key else None) if s]
            self.orgs.add({"id": oid, "name": name or name_from_domain(key or ""), "kind": kind or "other",
                           "industry": clean_text(hint.industry) or "", "annual_revenue": hint.annual_revenue or "",
                           "source_ids": joined_ids(sources)})
            self._note_guess(self.orgs.get(oid))
        else:
            row = self.orgs.get(oid)
            if row is not None:
                sources = _ids(row)
                new = [s for s in (hint.source_id, f"domain:{key}" if key and hint.domain else None)
                       if s and s not in sources and s not in self.org_by_source]
                changes: dict[str, str | None] = {}
                if new:
                    changes["source_ids"] = joined_ids(sources + new)
                current = row.get("kind", "").strip()
                if kind and PLACEHOLDER_SOURCE not in sources and _STEP.get(current, 0) < _STEP.get(kind, 0) and \
                        (current, kind) != ("partner", "customer"):
                    changes["kind"] = kind  # a kind only moves forward: other, prospect, customer (or partner)
                if not row.get("industry", "").strip() and clean_text(hint.industry):
                    changes["industry"] = clean_text(hint.industry)
                if not row.get("annual_revenue", "").strip() and hint.annual_revenue:
                    changes["annual_revenue"] = hint.annual_revenue
                if name and (guessed or not row.get("name", "").strip()):
                    changes["name"] = name  # a name made from a mail domain was only a guess
                    self.by_label = {k: v for k, v in self.by_label.items() if v != oid}
                if changes:
                    self.orgs.update(row, **changes)
        if hint.source_id:
            self.org_by_source.setdefault(hint.source_id, oid)
        if key and hint.domain:
            self.org_by_source.setdefault(f"domain:{key}", oid)
        if name:
            self.org_by_name.setdefault(org_name_key(name), oid)
        return oid

    def org_kind(self, org_id: str) -> str:
        row = self.orgs.get(org_id)
        return row.get("kind", "").strip() if row else ""

    # -- people -------------------------------------------------------------------------------------------
    def person(self, *, name: str | None = None, email: str | None = None, emails: tuple[str, ...] = (),
               source_ids: tuple[str, ...] = (), org: OrgHint | str | None = None, title: str | None = None,
               team: bool = False, fallback_key: str | None = None) -> str | None:
        """The id of the person a source record describes, found or created; ``None`` if it names nobody.

        Parameters
        ----------
        name, email, emails, title
            What the source says (``emails``: further addresses).
        source_ids
            The source's own ids for the person (``salesforce:003...``).
        org
            The organisation the source puts them at, as a hint or an organisation id (else
            their mail domain's).
        team
            The source says they are on our team (a CRM user or owner).
        fallback_key
            What identifies a record with neither address nor id (a LinkedIn row
            of the old layout: name and company), so a re-import finds it again.
        """
        addresses = [e for e in dict.fromkeys(normal_email(x) for x in (email, *emails)) if e]
        sources = [x for x in (_sid(s) for s in dict.fromkeys(source_ids) if s and s.strip()) if x]
        name = clean_text(name, 2000)
        title = clean_text(title, 2000)
        pid = next((self.by_email[e] for e in addresses if e in self.by_email), None)
        if pid is None:
            pid = next((self.by_source[s] for s in sources if s in self.by_source), None)
        ident = (f"email:{addresses[0]}" if addresses else sources[0] if sources else
                 f"name:{fallback_key}" if fallback_key else None)
        if ident is None or (name is None and not addresses):
            return None
        generated = stable_id("P-", ident)
        if pid is None and self.people.get(generated) is not None:
            pid = generated
        if team:  # the source says they are on our team: their business domain is ours
            self.our_domains.update(org_domain(email_domain(e)) for e in addresses if not is_free_mail(email_domain(e)))
        ours = team or any(self.is_ours(e) for e in addresses)
        if pid is None:
            pid = generated
            row: Row = {"id": pid, "name": name or name_from_email(addresses[0]),
                        "org_id": self._org_for(ours, org, addresses), "title": title or "", "role": "other",
                        "email": addresses[0] if addresses else "",
                        "source_ids": joined_ids(sources + [f"email:{e}" for e in addresses[1:]])}
            self.people.add(row)
            self.fresh.add(pid)
            for e in addresses:
                self.by_email.setdefault(e, pid)
                self._vote(e, row["org_id"])
            for s in sources:
                self.by_source.setdefault(s, pid)
            return pid
        found = self.people.get(pid)
        if found is None:
            return pid
        changes: dict[str, str | None] = {}
        if not found.get("name", "").strip() and (name or addresses):
            changes["name"] = name or name_from_email(addresses[0])
        if not found.get("title", "").strip() and title:
            changes["title"] = title
        current = found.get("org_id", "").strip()
        if not current or (current == self._placeholder and (ours or org or addresses)):
            better = self._org_for(ours, org, addresses)
            if better != current:
                changes["org_id"] = better
                if better != self._placeholder:
                    self.fresh.add(pid)
        known = normal_email(found.get("email"))
        extra = list(addresses)
        if not known and extra:
            changes["email"] = extra.pop(0)
        have = _ids(found)
        add = [s for s in sources if s not in have and self.by_source.get(s, pid) == pid]
        add += [f"email:{e}" for e in extra if e != known and f"email:{e}" not in have and
                self.by_email.get(e, pid) == pid]
        if add:
            changes["source_ids"] = joined_ids(have + add)
        if changes:
            self.people.update(found, **changes)
        for e in addresses:
            self.by_email.setdefault(e, pid)
        for s in sources:
            self.by_source.setdefault(s, pid)
        return pid

    def _org_for(self, ours: bool, org: OrgHint | str | None, addresses: list[str]) -> str:
        if ours:
            return self.own_org()
        business = next((e for e in addresses if not is_free_mail(email_domain(e))), None)
        found = org if isinstance(org, str) else self.org(org, email_domain(business) if business else None) \
            if org else None
        if found is None:
            if business:
                found = self.org(OrgHint(domain=email_domain(business)))
        return found or self.placeholder()

    def make_rep(self, person_id: str) -> str | None:
        """Give a person of our team the role ``rep`` (to own accounts and deals); a reason if they cannot."""
        row = self.people.get(person_id)
        if row is None:
            return f"person '{person_id}' is not in people.csv"
        if self.org_kind(row.get("org_id", "").strip()) != "own":
            return (f"{row.get('name', person_id)} ({person_id}) does not work at an organisation of kind 'own', "
                    "so cannot be a rep")
        role = row.get("role", "").strip()
        if role in ("", "other"):
            self.people.update(row, role="rep")
        elif role != "rep":
            return (f"{row.get('name', person_id)} ({person_id}) has role '{role}' in people.csv; only a rep can own "
                    "accounts and deals (set the role to rep to keep them)")
        return None

    def org_of(self, person_id: str) -> str | None:
        row = self.people.index.get((person_id,))
        return row.get("org_id", "").strip() if row else None

    def external_org(self, people: list[str]) -> str | None:
        """The one organisation, other than ours, that everybody outside our team works at; else ``None``."""
        outside: set[str] = set()
        index, placeholder = self.people.index, self._placeholder
        for p in people:
            row = index.get((p,))
            org = row.get("org_id") if row else None
            if org and org != placeholder and org != self._own and self.org_kind(org) != "own":
                outside.add(org)
        return outside.pop() if len(outside) == 1 else None
