"""HubSpot: CRM export CSVs of companies, contacts and deals, with property labels as headers.

Exports name columns by label (``Record ID``, ``First Name``, ``Company name``,
``Deal Stage``, ``Associated Company IDs``, ...), in a casing that changed over
the years; older ones say ``Contact ID`` or ``Company ID``. Each file is
recognised by its columns, whatever its name.

- companies: organisations (``Type``, else ``Lifecycle Stage``, gives the kind;
  ``Company Domain Name`` their mail domain); ``Company owner`` their rep.
- contacts: people at their associated company (else ``Company Name``, else
  their mail domain).
- deals: deals at their associated company; ``Deal owner`` the rep; the stage
  (``Closed Won``, ``Closed Lost``, anything else open) the status.

Owners are named by HubSpot by name (sometimes with an address): one is our
team's person with that address, else with exactly that name in our own
organisation, else a new rep.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.importers.errors import SourceFileError
from ingest.importers.identity import OrgHint
from ingest.importers.merge import Run
from ingest.importers.sourcecsv import SourceCsv
from ingest.importers.values import number_text, match_name, normal_email, parse_amount, parse_bool, parse_date

__all__ = ["import_hubspot"]

_ID = {"contacts": ["recordid", "contactid", "vid", "id"], "companies": ["recordid", "companyid", "id"],
       "deals": ["recordid", "dealid", "id"]}


def _first(row: dict[str, str], *keys: str) -> str | None:
    return next((row[k] for k in keys if row.get(k)), None)


def _what(keys: list[str]) -> str | None:
    have = set(keys)
    if have & {"dealname", "dealstage"}:
        return "deals"
    if have & {"firstname", "lastname", "email"} and not have & {"companydomainname"}:
        return "contacts"
    if have & {"companyname", "companydomainname", "name"}:
        return "companies"
    return None


def _kind(row: dict[str, str]) -> str:
    value = (row.get("type") or "").lower()
    if "partner" in value or "reseller" in value:
        return "partner"
    if "customer" in value:
        return "customer"
    if "prospect" in value:
        return "prospect"
    if value in ("vendor", "other"):
        return "other"
    stage = (row.get("lifecyclestage") or "").lower()
    return "customer" if stage in ("customer", "evangelist") else "prospect"


def _status(row: dict[str, str]) -> str | None:
    won = parse_bool(row.get("isclosedwon"))
    stage = (row.get("dealstage") or "").lower()
    if won or "won" in stage:
        return "won"
    if "lost" in stage or parse_bool(row.get("isclosedlost")):
        return "lost"
    if won is False and parse_bool(_first(row, "isdealclosed", "isclosed")):
        return "lost"
    return "open" if stage or won is False else None


class _HubSpot:
    def __init__(self, run: Run) -> None:
        self.run = run
        self.who = run.who
        self.companies: dict[str, str] = {}
        self.owners: dict[str, str | None] = {}

    def owner(self, source: str, text: str | None) -> str | None:
        """Our team's person a HubSpot owner cell names."""
        if not text:
            return None
        if text in self.owners:
            return self.owners[text]
        found = re.search(r"[^\s<>()\"',;]+@[^\s<>()\"',;]+", text)
        email = normal_email(found.group(0)) if found else None
        name = re.sub(r"[<(\[]?[^\s<>()\"',;]+@[^\s<>()\"',;]+[>)\]]?", "", text).strip(" -,") or None
        pid = None
        if email is None and name:
            own = self.who.own_org()
            key = match_name(name)
            pid = next((r["id"] for r in self.run.t["people"] if r.get("org_id", "").strip() == own
                        and match_name(r.get("name", "")) == key), None)
        if pid is None:
            pid = self.who.person(name=name, email=email, team=True,
                                  source_ids=() if email else (f"hubspot:owner:{match_name(name or '').replace(' ', '-')}",))
        self.owners[text] = pid
        return pid

    def company(self, source: str, row: dict[str, str]) -> None:
        cid = _first(row, *_ID["companies"])
        name = _first(row, "companyname", "name")
        domain = _first(row, "companydomainname", "domainname", "website", "domain")
        if not cid or not (name or domain):
            self.run.skip(source, "no Record ID, or neither a name nor a domain")
            return
        revenue = parse_amount(row.get("annualrevenue"))
        oid = self.who.org(OrgHint(source_id=f"hubspot:company:{cid}", name=name, domain=domain, kind=_kind(row),
                                   industry=row.get("industry"), annual_revenue=number_text(revenue) if revenue else None))
        if oid is None:
            self.run.skip(source, f"neither a name nor a web domain ({domain!r} is no domain)")
            return
        self.companies[cid] = oid
        rep = self.owner(source, _first(row, "companyowner", "hubspotowner", "owner"))
        if rep:
            self.run.account(source, oid, rep, "owner")

    def _company_of(self, row: dict[str, str]) -> str | None:
        ids = _first(row, "associatedcompanyidsprimary", "associatedcompanyids", "associatedcompanyid",
                     "companyid", "associatedcompanyidprimary")
        for cid in re.split(r"[;,\s]+", ids or ""):
            if cid and (cid in self.companies or f"hubspot:company:{cid}" in self.who.org_by_source):
                return self.companies.get(cid) or self.who.org_by_source[f"hubspot:company:{cid}"]
        name = _first(row, "associatedcompany", "companyname", "company")
        return self.who.org(OrgHint(name=name)) if name else None

    def contact(self, source: str, row: dict[str, str]) -> None:
        cid = _first(row, *_ID["contacts"])
        if not cid:
            self.run.skip(source, "no Record ID")
            return
        name = " ".join(x for x in (row.get("firstname"), row.get("lastname")) if x) or None
        pid = self.who.person(name=name, email=row.get("email"), source_ids=(f"hubspot:{cid}",),
                              emails=tuple(re.split(r"[;,\s]+", row.get("additionalemailaddresses", ""))),
                              org=self._company_of(row), title=_first(row, "jobtitle", "title"))
        if pid is None:
            self.run.skip(source, "neither a name nor an e-mail address")

    def deal(self, source: str, row: dict[str, str]) -> None:
        did = _first(row, *_ID["deals"])
        if not did:
            self.run.skip(source, "no Record ID")
            return
        org = self._company_of(row)
        rep = self.owner(source, _first(row, "dealowner", "hubspotowner", "owner"))
        self.run.deal(source, f"hubspot:deal:{did}", org, parse_amount(row.get("amount")), _status(row), rep,
                      parse_date(_first(row, "closedate", "closeddate")), row.get("dealname"))


def import_hubspot(run: Run, sources: list[Path]) -> None:
    """Read HubSpot export files (or folders of them) into ``run``."""
    files: list[Path] = []
    for source in sources:
        files += sorted(p for p in source.iterdir() if p.suffix.lower() == ".csv") if source.is_dir() else [source]
    if not files:
        raise SourceFileError("no CSV files found in " + ", ".join(str(s) for s in sources))
    by_kind: dict[str, list[tuple[Path, SourceCsv]]] = {"companies": [], "contacts": [], "deals": []}
    for path in files:
        csv = SourceCsv(path, what="a HubSpot export")
        what = _what(csv.keys)
        if what is None:
            csv.require("a HubSpot export of contacts, companies or deals", ["recordid", "firstname"])
            raise SourceFileError(f"{path}: not a HubSpot export of contacts, companies or deals")
        if not any(k in csv.keys for k in _ID[what]):
            csv.require(f"a HubSpot {what} export", ["recordid"])
        by_kind[what].append((path, csv))
    hub = _HubSpot(run)
    handlers = {"companies": hub.company, "contacts": hub.contact, "deals": hub.deal}
    for what in ("companies", "contacts", "deals"):
        for path, csv in by_kind[what]:
            for n, (line, row, problem) in enumerate(csv.rows(), start=1):
                run.read += 1
                if n % 5000 == 0:
                    run.tick(path.name, n, n)
                if problem:
                    run.skip(f"{path}:{line}", problem)
                    continue
                handlers[what](f"{path}:{line}", row)
