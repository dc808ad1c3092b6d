"""The analysis commands: ``paths``, ``mutual``, ``who-knows``, ``risk``, ``whatif``, ``stages``,
``cooling`` and ``connectors``. Each reads through one reader (``with store.reader() as r:``): one consistent
snapshot of the store, its work run again by :func:`~relmap.cli.common.handle_errors` when a load
changed the store under it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click

from graph.errors import UsageError
from graph.store import open_store
from graph.store.base import Reader
from relmap.cli.common import analysis_options, handle_errors, settings
from relmap.output import emit_json, progress_bar, stderr, table

__all__ = ["COMMANDS"]


def _names(r: Reader, ids: set[str]) -> dict[str, str]:
    return {p.id: p.name for p in r.people(ids=ids)} if ids else {}


def _strength(x: float, digits: int) -> str:
    """A strength with ``digits`` decimals; one too small to show so is ``<0.001`` (not ``0.000``:
    a path that exists is never shown as nothing).

    >>> _strength(0.7454, 3), _strength(0.00014, 3), _strength(0.004, 2)
    ('0.745', '<0.001', '<0.01')
    """
    smallest = 10.0 ** -digits
    return f"<{smallest:.{digits}f}" if x < smallest / 2 else f"{x:.{digits}f}"


@click.command()
@click.option("--to", "target", metavar="PERSON", help="The person to reach (an id).")
@click.option("--to-org", "target_org", metavar="ORG", help="Reach an organisation: its decision makers.")
@click.option("--from", "sources", multiple=True, metavar="PERSON",
              help="Who starts the chain (repeatable); default: every rep on the team.")
@click.option("--k", "k", type=click.IntRange(1, 50), default=None, help="How many paths (default 3).")
@click.option("--max-hops", type=click.IntRange(1, 8), default=None, help="At most this many hops (default 4).")
@click.option("--avoid", multiple=True, metavar="PERSON", help="Nobody's chain may pass through this person.")
@analysis_options
@handle_errors
def paths(target: str | None, target_org: str | None, sources: tuple[str, ...], k: int | None,
          max_hops: int | None, avoid: tuple[str, ...], store: str, as_json: bool, as_of: datetime | None,
          config_path: Path | None) -> None:
    """Warm introductions: the strongest chains of ties to a person, strongest first.

    Path strength is the product of its ties' strengths; the best path within
    --max-hops is exact. Each hop is explained by its evidence (friendship,
    tennis, dinners, meetings). Example:

        relmap paths --to P-010 --from P-003
    """
    from graph.analysis.introductions import decision_makers, introductions_to

    if bool(target) == bool(target_org):
        raise UsageError("give exactly one of --to PERSON or --to-org ORG")
    when, cfg = settings(as_of, config_path)
    with open_store(store, create=False) as s, s.reader() as r:
        targets = [target] if target else [p.id for p in decision_makers(r, str(target_org))]
        found = introductions_to(r, targets, when, cfg, sources=sources or None, k=k, max_hops=max_hops, avoid=avoid)
        names = _names(r, {pid for p in found for pid in p.people} | set(targets))
    if as_json:
        doc: dict[str, Any] = {"target": target or target_org, "as_of": when.isoformat(),
                               "paths": [p.to_json(names) for p in found]}
        if target_org:
            doc["targets"] = targets
        emit_json(doc)
        return
    from graph.analysis.words import plural

    who = names.get(target, target) if target else f"the decision makers of {target_org}"
    if not found:
        click.echo(f"No introduction path to {who} within {plural(max_hops or cfg.default_max_hops, 'hop')} "
                   f"as of {when}.")
        return
    click.echo(f"Warm introductions to {who}, as of {when}:")
    for n, p in enumerate(found, start=1):
        click.echo(f"{n}. {_strength(p.strength, 3)}  " + " -> ".join(names.get(x, x) for x in p.people))
        for (a, b), tie in zip(zip(p.people, p.people[1:]), p.ties):
            click.echo(f"     {names.get(a, a)} - {names.get(b, b)} ({_strength(tie.strength, 2)}): "
                       + "; ".join(tie.explain()))


@click.command()
@click.argument("a")
@click.argument("b")
@analysis_options
@handle_errors
def mutual(a: str, b: str, store: str, as_json: bool, as_of: datetime | None, config_path: Path | None) -> None:
    """People tied to both A and B (person ids), strongest first."""
    from graph.analysis.contacts import mutual_contacts

    if a == b:  # before the store is opened: nonsense is a usage error wherever the store is
        raise UsageError(f"A and B are the same person ('{a}'): mutual contacts need two different people")
    when, cfg = settings(as_of, config_path)
    with open_store(store, create=False) as s, s.reader() as r:
        found, names = mutual_contacts(r, a, b, when, cfg), _names(r, {a, b})
    if as_json:
        emit_json({"a": a, "b": b, "as_of": when.isoformat(), "mutual": found})
        return
    if not found:
        click.echo(f"{names.get(a, a)} and {names.get(b, b)} have no mutual contacts as of {when}.")
        return
    click.echo(f"Mutual contacts of {names.get(a, a)} and {names.get(b, b)}, as of {when}:")
    for m in found:
        click.echo(f"  {m['name']} ({m['id']}): {m['strength_a']:.2f} with {names.get(a, a)}, "
                   f"{m['strength_b']:.2f} with {names.get(b, b)}")


@click.command("who-knows")
@click.argument("subject", metavar="PERSON|ORG")
@analysis_options
@handle_errors
def who_knows_cmd(subject: str, store: str, as_json: bool, as_of: datetime | None, config_path: Path | None) -> None:
    """Everyone on our team with a tie to a person or to anyone at an organisation."""
    from graph.analysis.contacts import who_knows

    when, cfg = settings(as_of, config_path)
    with open_store(store, create=False) as s, s.reader() as r:
        doc = who_knows(r, subject, when, cfg)
    if as_json:
        emit_json(doc | {"as_of": when.isoformat()})
        return
    if not doc["known_by"]:
        click.echo(f"Nobody on the team has a tie to {doc['name']} as of {when}.")
        return
    click.echo(f"Who on the team knows {doc['name']} ({doc['kind']}), as of {when}:")
    for m in doc["known_by"]:
        contacts = ", ".join(f"{c['name']} {c['strength']:.2f}" for c in m["contacts"])
        click.echo(f"  {m['name']} ({m['id']}) {m['strength']:.2f}" + (f": {contacts}" if doc["kind"] == "organisation" else ""))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


@click.command()
@click.option("--limit", type=click.IntRange(1), default=None, help="Show only the riskiest N accounts.")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="RISK.csv", help="Also write the table as CSV (spreadsheet-safe), with every column.")
@analysis_options
@handle_errors
def risk(limit: int | None, csv_path: Path | None, store: str, as_json: bool, as_of: datetime | None,
         config_path: Path | None) -> None:
    """Single-rep dependency risk of every account, highest risk first.

    An account's value is our business there: its won deals closed in the last 365 days
    (value_window_days) plus its open pipeline. Its value at risk is the part that hangs on
    the top rep: value x top share where the risk is high or medium, 0 where it is low.
    """
    from graph.analysis.risk import account_risk, write_risk_csv
    from graph.analysis.words import plural

    when, cfg = settings(as_of, config_path)
    with open_store(store, create=False) as s, s.reader() as r:
        found = account_risk(r, when, cfg)[:limit]
    if csv_path is not None:
        written = write_risk_csv(found, csv_path)
        stderr.print(f"wrote the risk table ({plural(written, 'row')}) to {csv_path}", markup=False, emoji=False)
    if as_json:
        emit_json({"as_of": when.isoformat(), "accounts": [a.to_json() for a in found]})
        return
    if not found:
        click.echo("No accounts in the store (an account is a customer, prospect or partner, or an organisation "
                   "a rep is assigned to).")
        return
    days = cfg.value_window_days
    won = "won last year" if days == 365 else f"won last {plural(days, 'day')}"
    rows = [[a.level, _cut(a.name, 30), cfg.money(a.value), cfg.money(a.won_last_year), cfg.money(a.pipeline),
             cfg.money(a.value_at_risk), _cut(a.reps[0].name, 22) if a.reps else "-", f"{a.top_share:.0%}",
             str(a.bus_factor)] for a in found]
    headers = ["level", "account", "value", won, "pipeline", "value at risk", "top rep", "share", "bus factor"]
    for line in table(headers, rows, right={2, 3, 4, 5, 7, 8}):
        click.echo(line)
    click.echo(f"Value: won in the last {plural(days, 'day')} up to {when}, plus the open pipeline.")
    click.echo("Value at risk: value x the top rep's share where the risk is high or medium; 0 where it is low.")


@click.command()
@click.option("--rep", "rep_id", required=True, metavar="REP", help="The rep who would leave (an id).")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="PLAN.csv", help="Also write the handover plan as CSV (spreadsheet-safe).")
@click.option("--max-hops", type=click.IntRange(1, 8), default=None, help="Successor paths of at most this many hops.")
@analysis_options
@handle_errors
def whatif(rep_id: str, csv_path: Path | None, max_hops: int | None, store: str, as_json: bool,
           as_of: datetime | None, config_path: Path | None) -> None:
    """What a rep's departure would orphan, and who should take each contact over."""
    from graph.analysis.departure import departure_whatif, write_handover_plan

    when, cfg = settings(as_of, config_path)
    with open_store(store, create=False) as s, s.reader() as r:
        dep = departure_whatif(r, rep_id, when, cfg, max_hops=max_hops)
    if csv_path is not None:
        from graph.analysis.words import plural

        rows = write_handover_plan(dep, csv_path)
        stderr.print(f"wrote the handover plan ({plural(rows, 'row')}) to {csv_path}", markup=False, emoji=False)
    if as_json:
        emit_json(dep.to_json() | {"as_of": when.isoformat()})
        return
    if not dep.accounts:
        click.echo(f"If {dep.rep_name} left, no account contact would be orphaned (as of {when}).")
        return
    click.echo(f"If {dep.rep_name} left (as of {when}), these contacts would have no strong tie left:")
    for oid, name, orphans in dep.accounts:
        click.echo(f"  {name} ({oid}, value {cfg.money(dep.values.get(oid, 0.0))}):")
        for o in orphans:
            click.echo(f"    {o.contact_name}{', ' + o.title if o.title else ''}: {o.suggestion}")


@click.command()
@click.option("--org", "orgs", multiple=True, metavar="ORG", help="Only this account (repeatable).")
@analysis_options
@handle_errors
def stages(orgs: tuple[str, ...], store: str, as_json: bool, as_of: datetime | None, config_path: Path | None) -> None:
    """The relationship stage of every account: outsider, friend, supplier or partner, and the next step.

    Every supplier and outsider account's next step is a warm-introduction search; on a
    large store, --org limits the table (and the searches) to the accounts you ask about.
    """
    from graph.analysis.stages import account_stages

    when, cfg = settings(as_of, config_path)
    with open_store(store, create=False) as s, progress_bar() as bar, s.reader() as r:
        found = account_stages(r, when, cfg, progress=bar, only=set(orgs) if orgs else None)
    if as_json:
        emit_json({"as_of": when.isoformat(), "accounts": [a.to_json() for a in found]})
        return
    for a in found:
        doc = a.to_json()
        click.echo(f"{doc['stage']:<9} {doc['name'][:28]:<28} personal {doc['personal']:.2f}  "
                   f"institutional {doc['institutional']:.2f}  value {cfg.money(a.value.value)}")
        click.echo(f"          next: {doc['next_step']}")


@click.command()
@click.option("--days", type=click.IntRange(1), default=90, show_default=True,
              help="A tie is cooling when its last interaction is older than this.")
@analysis_options
@handle_errors
def cooling(days: int, store: str, as_json: bool, as_of: datetime | None, config_path: Path | None) -> None:
    """Strong ties with valuable accounts that have gone quiet, most valuable first."""
    from graph.analysis.cooling import cooling_ties
    from graph.analysis.words import plural

    when, cfg = settings(as_of, config_path)
    with open_store(store, create=False) as s, s.reader() as r:
        found = cooling_ties(r, when, cfg, days=days)
    if as_json:
        emit_json({"as_of": when.isoformat(), "days": days, "ties": [t.to_json() for t in found]})
        return
    if not found:
        click.echo(f"No strong tie with an account has been quiet for more than {plural(days, 'day')} "
                   f"(as of {when}).")
        return

    for t in found:
        quiet = plural(t.days_since, "day") if t.days_since is not None else "never met"
        click.echo(f"  {t.rep_name} - {t.contact_name} ({t.account}, value {cfg.money(t.value)}): "
                   f"{quiet}; {t.suggestion}")


@click.command()
@click.option("--org", "org_id", metavar="ORG", default=None,
              help="Only this account: who lies on our best routes into its people.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Show only the top N connectors.")
@analysis_options
@handle_errors
def connectors(org_id: str | None, limit: int | None, store: str, as_json: bool, as_of: datetime | None,
               config_path: Path | None) -> None:
    """Who outside our team carries our access to the accounts, highest score first.

    A route into a contact is a rep's own tie, or a rep's tie to someone else who knows
    the contact (two hops); its strength is the product of the ties. With --org, a
    connector's score adds up, over the account's contacts they lie on a best route to,
    the role weight times that route's strength. Without it, the score is the access we
    would lose without them, over every account; accounts that hang on one rep also get
    the connectors who give a second rep a way in. Example:

        relmap connectors --org O-TELCO
    """
    from graph.analysis.connectors import find_connectors
    from graph.analysis.words import plural

    when, cfg = settings(as_of, config_path)
    with open_store(store, create=False) as s, s.reader() as r:
        found = find_connectors(r, when, cfg, org_id=org_id, limit=limit)
        reps = _names(r, {rep for c in found.connectors for rep in c.team})
        account = r.organisations(ids=[org_id])[0].name if org_id else None
    if as_json:
        emit_json(found.to_json())
        return
    where = f"into {account}" if account else "into our accounts"
    if not found.connectors:
        click.echo(f"Nobody outside our team lies on our best routes {where} as of {when}.")
    else:
        scored = "the role-weighted strength of the best routes through them" if account else \
            "the role-weighted access we would lose without them"
        click.echo(f"Connectors: who outside our team carries our access {where}, as of {when}")
        click.echo(f"(score: {scored}).")
        rows = [[_cut(c.name, 24), _cut(found.org_names.get(c.org_id, c.org_id), 24), f"{c.score:.3f}",
                 _cut(", ".join(reps.get(rep, rep) for rep in c.team), 30),
                 f"{plural(len(c.reaches), 'contact')}: " + ", ".join(
                     f"{x.name} {_strength(x.strength, 2)}" for x in c.reaches[:3])
                 + (", …" if len(c.reaches) > 3 else "")] for c in found.connectors]
        for line in table(["connector", "organisation", "score", "reps", "reaches"], rows, right={2}):
            click.echo(line)
    if found.successors:
        click.echo("")
        click.echo("Second routes into the accounts that hang on one rep:")
        for a in found.successors:
            click.echo(f"  {a.name} (hangs on {a.top_rep_name or 'nobody'}):")
            if not a.routes:
                click.echo("    nobody outside our team knows both its people and another rep")
            for route in a.routes:
                click.echo(f"    {_strength(route.strength, 3)}  {route.rep_name} -> {route.name} -> "
                           f"{route.contact_name}")


COMMANDS = [paths, mutual, who_knows_cmd, risk, whatif, stages, cooling, connectors]
