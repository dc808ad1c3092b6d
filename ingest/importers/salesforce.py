"""Salesforce: a Data Export or Data Loader folder of CSV files, any subset of the objects below.

=========================  =============================================================
file (any case)            becomes
=========================  =============================================================
``User.csv``               our team (the ``own`` organisation)
``Account.csv``            organisations (``Type`` gives the kind); ``OwnerId`` their rep
``Contact.csv``            people at their ``AccountId``
``AccountTeamMember.csv``  more reps of an account (``support``)
``Opportunity.csv``        deals (``IsWon``/``IsClosed``/``StageName``; ``Amount``; ``CloseDate``)
``OpportunityContactRole`` contacts' roles (decision maker, influencer, user)
``Event.csv``              interactions with their owner, ``WhoId`` and invitees
``EventRelation.csv``      an event's invitees (not those who declined)
``Task.csv``               completed calls, e-mails and meetings
=========================  =============================================================

A file with another name is recognised by its columns. Ids of 15 and 18
characters name the same record; ``000000000000000AAA`` is an empty reference;
deleted rows (``IsDeleted``) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingest.importers.errors import SourceFileError
from ingest.importers.identity import OrgHint
from ingest.importers.merge import Run
from ingest.importers.sourcecsv import SourceCsv
from ingest.importers.values import number_text, parse_amount, parse_bool, parse_date, salesforce_id

__all__ = ["import_salesforce", "OBJECTS"]

#: The objects read, in the order they are read.
OBJECTS = ["user", "account", "contact", "accountteammember", "opportunity", "opportunitycontactrole", "event",
           "eventrelation", "task"]

#: Columns that tell an object's file by its header, when its name does not.
_SIGNATURES: list[tuple[str, set[str]]] = [
    ("eventrelation", {"eventid", "relationid"}), ("opportunitycontactrole", {"opportunityid", "contactid"}),
    ("accountteammember", {"accountid", "userid"}), ("opportunity", {"stagename"}), ("user", {"username"}),
    ("task", {"tasksubtype"}), ("task", {"whoid", "status", "activitydate"}),
    ("event", {"whoid", "activitydatetime"}), ("event", {"whoid", "startdatetime"}),
    ("contact", {"accountid", "lastname"}), ("account", {"id", "name", "type"}), ("account", {"id", "website"}),
]
_REQUIRED = {"user": ["id"], "account": ["id", "name"], "contact": ["id"], "accountteammember": ["accountid", "userid"],
             "opportunity": ["id", "accountid"], "opportunitycontactrole": ["opportunityid", "contactid"],
             "event": ["id"], "eventrelation": ["eventid", "relationid"], "task": ["id"]}
_CONTACT_ROLES = {"decision maker": "decision_maker", "economic buyer": "decision_maker",
                  "executive sponsor": "decision_maker", "economic decision maker": "decision_maker",
                  "influencer": "influencer", "technical buyer": "influencer", "evaluator": "influencer",
                  "business user": "user", "user": "user", "technical user": "user"}


def _kind(account_type: str | None) -> str | None:
    value = (account_type or "").lower()
    if not value:
        return None
    if "customer" in value or "client" in value:
        return "customer"
    if "partner" in value or "reseller" in value or "integrator" in value or "distributor" in value:
        return "partner"
    if "prospect" in value or "lead" in value:
        return "prospect"
    return "other"


def _status(row: dict[str, str]) -> str | None:
    won, closed = parse_bool(row.get("iswon")), parse_bool(row.get("isclosed"))
    stage = (row.get("stagename") or "").lower()
    if won:
        return "won"
    if closed:
        return "lost"
    if closed is False:
        return "open"
    if "won" in stage:
        return "won"
    if "lost" in stage or "closed" in stage:
        return "lost"
    return "open" if stage else None


def _name(row: dict[str, str]) -> str | None:
    joined = " ".join(x for x in (row.get("firstname"), row.get("lastname")) if x)
    return row.get("name") or joined or None


def find_files(sources: list[Path]) -> dict[str, list[Path]]:
    """The export's files by object (a folder's CSV files, or files named on the command line)."""
    files: list[Path] = []
    for source in sources:
        files += sorted(p for p in source.iterdir() if p.suffix.lower() == ".csv") if source.is_dir() else [source]
    found: dict[str, list[Path]] = {}
    for path in files:
        stem = path.stem.lower().replace("_", "").replace(" ", "")
        obj = stem if stem in OBJECTS else None
        if obj is None:
            keys = set(SourceCsv(path, what="a Salesforce export").keys)
            obj = next((o for o, sig in _SIGNATURES if sig <= keys), None)
        if obj is None:
            if any(s.is_dir() for s in sources) and path.parent in sources:
                continue  # another file in the export folder (Lead.csv, Attachment.csv, ...)
            raise SourceFileError(f"{path}: not a Salesforce export of a known object: name it after its object "
                                  "(" + ", ".join(o.capitalize() for o in OBJECTS) + ") or give the whole folder")
        found.setdefault(obj, []).append(path)
    if not found:
        raise SourceFileError("no Salesforce files found in " + ", ".join(str(s) for s in sources) +
                              " (expected Account.csv, Contact.csv, User.csv, Opportunity.csv, Event.csv, ...)")
    return found


@dataclass
class _Event:
    source: str
    when: date | None
    kind: str
    people: list[str | None]
    org: str | None
    subject: str | None
    relations: list[str | None] = field(default_factory=list)


class _Salesforce:
    def __init__(self, run: Run) -> None:
        self.run = run
        self.who = run.who
        self.people: dict[str, str] = {}    # salesforce id -> person id
        self.orgs: dict[str, str] = {}      # account id -> organisation id
        self.owner: dict[str, str] = {}     # account id -> owner user id
        self.untyped: set[str] = set()      # accounts without a Type
        self.won: set[str] = set()          # accounts with a won opportunity
        self.opp_account: dict[str, str] = {}
        self.events: dict[str, _Event] = {}

    def person(self, sf_id: str | None) -> str | None:
        if sf_id is None:
            return None
        return self.people.get(sf_id) or self.who.by_source.get(f"salesforce:{sf_id}")

    def org(self, sf_id: str | None) -> str | None:
        if sf_id is None:
            return None
        return self.orgs.get(sf_id) or self.who.org_by_source.get(f"salesforce:{sf_id}")

    def rows(self, path: Path, obj: str) -> Iterator[tuple[str, dict[str, str]]]:
        csv = SourceCsv(path, what="a Salesforce export")
        csv.require(f"a Salesforce {obj} export", _REQUIRED[obj])
        size = max(1, len(csv._text))
        for n, (line, row, problem) in enumerate(csv.rows(), start=1):
            self.run.read += 1
            source = f"{path}:{line}"
            if n % 5000 == 0:
                self.run.tick(path.name, n, max(n, size // 200))
            if problem:
                self.run.skip(source, problem)
                continue
            if parse_bool(row.get("isdeleted")):
                self.run.skip(source, "deleted in Salesforce (IsDeleted)")
                continue
            yield source, row

    # -- one method per object ----------------------------------------------------------------------
    def user(self, source: str, row: dict[str, str]) -> None:
        uid = salesforce_id(row.get("id"))
        if uid is None:
            self.run.skip(source, f"Id {row.get('id')!r} is not a Salesforce id")
            return
        kind = (row.get("usertype") or "standard").lower()
        if kind not in ("standard", ""):
            self.run.skip(source, f"a user of type {row.get('usertype')} (portal, partner or automated), not our team")
            return
        pid = self.who.person(name=_name(row), email=row.get("email"), source_ids=(f"salesforce:{uid}",),
                              title=row.get("title"), team=True)
        if pid is None:
            self.run.skip(source, "neither a name nor an e-mail address")
            return
        self.people[uid] = pid

    def account(self, source: str, row: dict[str, str]) -> None:
        aid = salesforce_id(row.get("id"))
        if aid is None or not row.get("name"):
            self.run.skip(source, "no Id or no Name")
            return
        domain = row.get("website")  # https://www.acme.example/ or acme.example: Resolver.org reads either
        kind = _kind(row.get("type"))
        revenue = parse_amount(row.get("annualrevenue"))
        oid = self.who.org(OrgHint(source_id=f"salesforce:{aid}", name=row["name"], domain=domain, kind=kind,
                                   industry=row.get("industry"), annual_revenue=number_text(revenue) if revenue else None))
        if oid is None:
            return
        self.orgs[aid] = oid
        if kind is None:
            self.untyped.add(aid)
        owner = salesforce_id(row.get("ownerid"))
        if owner:
            self.owner[aid] = owner
            rep = self.person(owner)
            if rep is None:
                self.run.skip(source, f"owner {owner} is not in User.csv (the account is kept without its rep)")
            else:
                self.run.account(source, oid, rep, "owner")

    def contact(self, source: str, row: dict[str, str]) -> None:
        cid = salesforce_id(row.get("id"))
        if cid is None:
            self.run.skip(source, f"Id {row.get('id')!r} is not a Salesforce id")
            return
        aid = salesforce_id(row.get("accountid"))
        org = self.org(aid)
        if aid and org is None:
            self.run.skip(source, f"AccountId {aid} is not in Account.csv (the contact is kept at their mail domain)")
        pid = self.who.person(name=_name(row), email=row.get("email"), source_ids=(f"salesforce:{cid}",),
                              org=org, title=row.get("title"))
        if pid is None:
            self.run.skip(source, "neither a name nor an e-mail address")
            return
        self.people[cid] = pid

    def accountteammember(self, source: str, row: dict[str, str]) -> None:
        aid, uid = salesforce_id(row.get("accountid")), salesforce_id(row.get("userid"))
        org, rep = self.org(aid), self.person(uid)
        if org is None or rep is None:
            self.run.skip(source, f"AccountId {aid} or UserId {uid} is not in Account.csv / User.csv")
            return
        self.run.account(source, org, rep, "owner" if self.owner.get(aid or "") == uid else "support")

    def opportunity(self, source: str, row: dict[str, str]) -> None:
        oid = salesforce_id(row.get("id"))
        aid = salesforce_id(row.get("accountid"))
        if oid is None:
            self.run.skip(source, f"Id {row.get('id')!r} is not a Salesforce id")
            return
        if aid:
            self.opp_account[oid] = aid
        org = self.org(aid)
        status = _status(row)
        if org is None and aid:
            self.run.skip(source, f"AccountId {aid} is not in Account.csv")
            return
        if status == "won" and aid:
            self.won.add(aid)
        rep = self.person(salesforce_id(row.get("ownerid")))
        self.run.deal(source, f"salesforce:{oid}", org, parse_amount(row.get("amount")), status, rep,
                      parse_date(row.get("closedate")), row.get("name"))

    def opportunitycontactrole(self, source: str, row: dict[str, str]) -> None:
        pid = self.person(salesforce_id(row.get("contactid")))
        role = _CONTACT_ROLES.get((row.get("role") or "").strip().lower())
        if pid is None or role is None:
            return
        person = self.run.t["people"].get(pid)
        if person is not None and person.get("role", "").strip() in ("", "other") and \
                self.who.org_kind(person.get("org_id", "").strip()) != "own":
            self.run.t["people"].update(person, role=role)

    def _activity(self, source: str, row: dict[str, str], subtype: str | None) -> _Event | None:
        subject = row.get("subject")
        kind = self.run.options.types.type_of(subject)
        if kind == "meeting" and (subtype or row.get("type")):
            kind = self.run.options.types.type_of(subtype or row.get("type"))
        what = salesforce_id(row.get("whatid"))
        account = salesforce_id(row.get("accountid")) or (what if what and what.startswith("001") else None) or \
            (self.opp_account.get(what) if what else None)
        when = parse_date(row.get("activitydatetime") or row.get("startdatetime") or row.get("activitydate")
                          or row.get("completeddatetime"))
        people = [self.person(salesforce_id(row.get("ownerid"))), self.person(salesforce_id(row.get("whoid")))]
        return _Event(source, when, kind, people, self.org(account), subject)

    def event(self, source: str, row: dict[str, str]) -> None:
        eid = salesforce_id(row.get("id"))
        if eid is None:
            self.run.skip(source, f"Id {row.get('id')!r} is not a Salesforce id")
            return
        if parse_bool(row.get("ischild")):
            return  # an invitee's copy of an event; EventRelation names the invitees
        found = self._activity(source, row, row.get("eventsubtype"))
        if found:
            self.events[eid] = found

    def eventrelation(self, source: str, row: dict[str, str]) -> None:
        event = self.events.get(salesforce_id(row.get("eventid")) or "")
        if event is None:
            return
        if (row.get("status") or "").strip().lower() == "declined":
            return
        if parse_bool(row.get("isinvitee")) is False and parse_bool(row.get("isparent")) is False:
            return
        event.relations.append(self.person(salesforce_id(row.get("relationid"))))

    def task(self, source: str, row: dict[str, str]) -> None:
        tid = salesforce_id(row.get("id"))
        if tid is None:
            self.run.skip(source, f"Id {row.get('id')!r} is not a Salesforce id")
            return
        status = (row.get("status") or "").lower()
        closed = parse_bool(row.get("isclosed"))
        if closed is False or (closed is None and status and "complete" not in status and "closed" not in status):
            self.run.skip(source, "an open task, not something that happened")
            return
        subtype = row.get("tasksubtype")
        if (subtype or "").lower() in ("listemail", "cadence"):
            self.run.skip(source, f"a {subtype} task (mass e-mail or sequence step), not a conversation")
            return
        found = self._activity(source, row, subtype)
        if found:
            self.run.interaction(source, f"salesforce:{tid}", found.when, found.kind, found.people, found.org,
                                 found.subject)

    def finish(self) -> None:
        for eid, e in self.events.items():
            self.run.interaction(e.source, f"salesforce:{eid}", e.when, e.kind, e.people + e.relations, e.org,
                                 e.subject)
        for aid in sorted(self.untyped):  # no Type: a customer once a deal is won, else a prospect
            self.who.org(OrgHint(source_id=f"salesforce:{aid}", kind="customer" if aid in self.won else "prospect"))


def import_salesforce(run: Run, sources: list[Path]) -> None:
    """Read a Salesforce export into ``run`` (see the module's docstring)."""
    found = find_files(sources)
    sf = _Salesforce(run)
    for obj in OBJECTS:
        for path in found.get(obj, []):
            handle = getattr(sf, obj)
            for source, row in sf.rows(path, obj):
                handle(source, row)
    sf.finish()
