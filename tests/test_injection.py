"""Injection: hostile text in every free-text input field stays text, on both stores, end to end.

Every payload below (Cypher, SQL, HTML/JS, Markdown, rich markup, spreadsheet formulas, odd
Unicode) is put into every field the contract leaves free (``ingest/rows.py``): organisation
``id``, ``name`` and ``industry``; person ``id``, ``name``, ``title`` and ``email`` (made
valid: the payload without ``@`` and blanks, then ``@x.example``); interaction ``id`` and
``notes``; deal ``id`` and ``product``. (Friendship and account rows have no free text: their
``kind``/``role`` are fixed words and ``since`` a date; interaction ``type`` is a lower-case
word; person ids cannot hold ``;``, which separates ``participants``, nor line breaks.)

The folder goes in through ``relmap ingest`` (CliRunner) into a real SQLite file and the real
Neo4j, and then:

- ``dump()`` gives back every value byte for byte, and the counts are what was written (an
  ingest of the same folder with the values rotated, then the original again, too);
- the read commands (``stats``, ``who-knows``, ``mutual``, ``paths``, ``risk``, ``whatif``,
  ``stages``, ``cooling``, ``query``) return the literal strings, each id with its own name;
- the store's search treats ``%``, ``_``, ``\\`` and quotes as plain characters;
- the network drawing (``dashboard/draw.py``) and every dashboard page (Streamlit AppTest)
  show the payloads as text: no tag, attribute, link or image that the data made;
- the handover plan CSV neutralises every cell a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import html as htmlmod
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from dashboard.draw import network_html
from graph.analysis.config import load_config
from graph.analysis.departure import PLAN_COLUMNS, departure_whatif
from graph.analysis.ego import ego_graph
from graph.analysis.search import Match, find_by_name
from graph.export import csv_text
from graph.model import Account, Dataset, Deal, Friendship, Interaction, Organisation, Person
from graph.store import Store, open_store
from relmap.cli import cli

AS_OF = "2026-11-26"

#: (name, payload). None starts or ends with blanks: ingest trims cells, by contract.
PAYLOADS: list[tuple[str, str]] = [
    # Cypher
    ("cypher-close-map", "' }) MATCH (n) DETACH DELETE n //"),
    ("cypher-union", '"}) RETURN 1 UNION MATCH (n) DETACH DELETE n //'),
    ("cypher-escaped-quote", "\\u0027 OR 1=1 //"),
    ("cypher-or", "' OR 1=1 //"),
    ("cypher-backtick", "x` }) MATCH (n) SET n.pwned = true //"),
    ("cypher-backtick-label", "`) CALL db.createLabel('Pwned') //"),
    ("cypher-param", "$param"),
    ("cypher-params", "$text ${limit} $0 $$"),
    ("cypher-set-label", "'); MATCH (n) SET n:Pwned //"),
    ("cypher-backslash-quote", "\\'}) CREATE (:Pwned) //"),
    ("cypher-comment", "/* */ CREATE (:Pwned) //"),
    # SQL
    ("sql-drop", "'); DROP TABLE people; --"),
    ("sql-or", "' OR '1'='1"),
    ("sql-bobby", "Robert'); DELETE FROM people;--"),
    ("sql-double-quote", '"; DROP TABLE organisations; --'),
    ("sql-attach", "1'; ATTACH DATABASE 'pwned.db' AS pwned; --"),
    ("sql-like", "100% _match_ \\ all"),
    ("sql-like-only", "%_%"),
    # HTML / JavaScript / Markdown
    ("html-img", "<img src=x onerror=alert(1)>"),
    ("html-script", "<script>alert(1)</script>"),
    ("js-url", "javascript:alert(1)"),
    ("html-attr-break", '"><svg onload=alert(1)>'),
    ("md-link", "[x](javascript:alert(1))"),
    ("html-close-script", "</script><script>alert(1)</script><!--"),
    ("html-entities", '<a href="https://evil.example">click</a> & &amp; &lt;b&gt;'),
    ("md-image", "![x](https://evil.example/p.png) **bold** _em_ # head"),
    ("md-autolink", "see https://evil.example/?q=<x> or www.evil.example"),
    ("md-email", "user@evil.example"),
    ("template", "{{7*7}} ${7*7} %s %n"),
    ("rich-markup", "[bold red]pwned[/] [link=https://evil.example]click[/link] [/]"),
    # spreadsheets
    ("formula-hyperlink", '=HYPERLINK("https://evil.example","x")'),
    ("formula-plus", "+cmd|' /C calc'!A0"),
    ("formula-minus", "-2+3"),
    ("formula-at", "@SUM(1+1)*cmd|' /C calc'!A0"),
    # odd text
    ("multi-line", "line one\nline two <b>x</b>"),
    ("unicode", "Zoë 李 🤝 \u202egnp.exe O\u2019Brien"),
    ("csv-quoting", 'O\'Brien & Co "quoted", comma'),
]
VALUES = [v for _, v in PAYLOADS]
N = len(PAYLOADS)
#: Row of each payload by name.
IDX = {n: i for i, (n, _) in enumerate(PAYLOADS)}
#: A few rows the slower checks (paths, pages) look at closely: the sharpest payloads.
SHARP = [IDX[n] for n in ("cypher-close-map", "sql-drop", "html-img", "md-link", "html-close-script",
                          "html-entities", "rich-markup", "formula-hyperlink", "multi-line")]

OWN = Organisation("O-OWN <script>alert('own')</script>", "Northwind <b onmouseover=alert(1)>", "own",
                   "Software & <i>things</i>", None)
R1 = Person("R1') OR ('1'='1' --", "Rita <img src=x onerror=alert('rep')>", OWN.id,
            "Account Executive [x](javascript:alert(1))", "rep", "rita'--@northwind.example")
R2 = Person('R2"}) DETACH DELETE n //', "Sam [bold]Rep[/]", OWN.id, "=1+1", "rep", None)


def _oneline(text: str) -> str:
    return " ".join(text.split())


def org_id(i: int) -> str:
    return f"O{i:02d} {_oneline(VALUES[i])}"


def person_id(i: int) -> str:
    return f"P{i:02d} {_oneline(VALUES[i]).replace(';', ',')}"


def interaction_id(i: int) -> str:
    return f"I{i:02d} {VALUES[i]}"


def deal_id(i: int) -> str:
    return f"D{i:02d} {VALUES[i]}"


def email_of(text: str) -> str:
    return re.sub(r"[@\s]", "", text)[:60] + "@x.example"


def build(values: list[str]) -> Dataset:
    """The dataset the payload folder holds: ``values[i]`` goes into every free field of row ``i``
    (the ids always carry ``VALUES[i]``, so that rotated values update the same records)."""
    d = Dataset(organisations=[OWN], people=[R1, R2])
    friend_pairs: list[tuple[str, str, str, date | None]] = [(R1.id, R2.id, "former_colleague", None)]
    for i, text in enumerate(values):
        oid, pid = org_id(i), person_id(i)
        d.organisations.append(Organisation(oid, text, "customer" if i % 4 else "prospect", text, 1000.0 * (i + 1)))
        d.people.append(Person(pid, text, oid, text, "decision_maker", email_of(text)))
        friend_pairs.append((R1.id, pid, "friend", date(2020, 1, 1)))
        if i % 2 == 0:
            friend_pairs.append((R2.id, pid, "club", None))
        participants = (R1.id, pid) + ((R2.id,) if i % 4 == 0 else ())
        kind = "tennis" if i % 2 == 0 else "meeting"
        d.interactions.append(Interaction(interaction_id(i), date(2026, 10, 1), kind,
                                          "personal" if kind == "tennis" else "business", participants, oid, text))
        d.accounts.append(Account(oid, R1.id, "owner", date(2025, 1, 1)))
        if i % 3 == 0:
            d.accounts.append(Account(oid, R2.id, "support", None))
        d.deals.append(Deal(deal_id(i), oid, 1000.0 * (i + 1), "won", R1.id, date(2026, 6, 1), text))
    d.friendships = [Friendship(min(a, b), max(a, b), k, s) for a, b, k, s in friend_pairs]
    return d


def write_folder(folder: Path, d: Dataset) -> Path:
    """The dataset as input CSV files (written by the csv module: quoting as a spreadsheet would)."""
    folder.mkdir(parents=True, exist_ok=True)

    def put(name: str, header: list[str], rows: list[list[Any]]) -> None:
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(header)
            out.writerows([["" if v is None else v for v in row] for row in rows])

    put("organisations.csv", ["id", "name", "kind", "industry", "annual_revenue"],
        [[o.id, o.name, o.kind, o.industry, o.annual_revenue] for o in d.organisations])
    put("people.csv", ["id", "name", "org_id", "title", "role", "email"],
        [[p.id, p.name, p.org_id, p.title, p.role, p.email] for p in d.people])
    put("friendships.csv", ["person_a", "person_b", "kind", "since"],
        [[f.person_a, f.person_b, f.kind, f.since] for f in d.friendships])
    put("interactions.csv", ["id", "date", "type", "participants", "org_id", "notes"],
        [[i.id, i.date, i.type, ";".join(i.participants), i.org_id, i.notes] for i in d.interactions])
    put("accounts.csv", ["org_id", "rep_id", "role", "since"],
        [[a.org_id, a.rep_id, a.role, a.since] for a in d.accounts])
    put("deals.csv", ["id", "org_id", "amount", "status", "rep_id", "closed_on", "product"],
        [[x.id, x.org_id, x.amount, x.status, x.rep_id, x.closed_on, x.product] for x in d.deals])
    return folder


EXPECTED = build(VALUES)
#: Every id (people and organisations) with its name, as the outputs must show them.
NAME_OF = {p.id: p.name for p in EXPECTED.people} | {o.id: o.name for o in EXPECTED.organisations}
#: The free-text fields each payload went into.
FIELDS = ["organisations.id", "organisations.name", "organisations.industry", "people.id", "people.name",
          "people.title", "people.email", "interactions.id", "interactions.notes", "deals.id", "deals.product"]


def test_every_field_holds_every_payload() -> None:
    """The folder really carries each payload in each free field (guards the builder itself)."""
    d = EXPECTED
    for i, text in enumerate(VALUES):
        o, p = d.organisations[i + 1], d.people[i + 2]
        inter, deal = d.interactions[i], d.deals[i]
        assert text.split("\n")[0] in o.id and o.name == o.industry == text
        assert text.split("\n")[0].replace(";", ",") in p.id and p.name == p.title == text
        assert p.email and p.email.startswith(re.sub(r"[@\s]", "", text)[:10])
        assert inter.id.endswith(text) and inter.notes == text and deal.id.endswith(text) and deal.product == text
    assert len(FIELDS) * N >= 400


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def run_json(*args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return json.loads(result.stdout)


def ingest(spec: str, folder: Path) -> None:
    doc = run_json("ingest", str(folder), "--store", spec)
    assert doc["rejected"] == 0 and doc["ingested"] == EXPECTED.counts(), doc


def assert_intact(spec: str, expected: Dataset) -> None:
    """Every value back byte for byte, the counts as written, no table or label added or dropped."""
    with open_store(spec, create=False) as s:
        got = s.dump().sorted()
        want = expected.sorted()
        for table in ("organisations", "people", "friendships", "interactions", "accounts", "deals"):
            assert getattr(got, table) == getattr(want, table), table
        assert s.counts() == expected.counts()
        if spec.startswith("bolt"):
            labels = s.cypher("CALL db.labels() YIELD label RETURN collect(label)").rows[0][0]
            assert not {"Pwned", "Hacked"} & set(labels), labels
            assert s.cypher("MATCH (n) WHERE n.pwned IS NOT NULL RETURN count(n)").rows[0][0] == 0
    if not spec.startswith("bolt"):
        db = next(Path(spec).glob("*.sqlite3"))
        with sqlite3.connect(db) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            assert {"organisations", "people", "friendships", "interactions", "participants", "accounts",
                    "deals"} <= tables
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert {r[1] for r in conn.execute("PRAGMA database_list")} <= {"main", "temp"}  # nothing ATTACHed
        assert not list(Path(spec).parent.rglob("pwned.db")) and not Path("pwned.db").exists()


@pytest.fixture
def payload_store(store_spec: str, tmp_path: Path) -> str:
    ingest(store_spec, write_folder(tmp_path / "in", EXPECTED))
    return store_spec


def test_payloads_round_trip_through_ingest(payload_store: str, tmp_path: Path) -> None:
    assert_intact(payload_store, EXPECTED)
    # the update path: the same records with every value moved on by one row, then back
    rotated = build(VALUES[1:] + VALUES[:1])
    ingest(payload_store, write_folder(tmp_path / "rotated", rotated))
    assert_intact(payload_store, rotated)
    ingest(payload_store, write_folder(tmp_path / "again", EXPECTED))
    assert_intact(payload_store, EXPECTED)
    assert run_json("stats", "--store", payload_store) == EXPECTED.counts()


# -- the read commands ---------------------------------------------------------------------------
def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


_ID_NAME = [("id", "name"), ("target", "name"), ("rep_id", "rep_name"), ("contact_id", "contact_name"),
            ("successor_id", "successor_name"), ("org_id", "account")]


def check_names(node: Any) -> int:
    """Every id shown with a name carries exactly its stored name; returns how many pairs were checked."""
    checked = 0
    if isinstance(node, dict):
        pairs = [(k, n) for k, n in _ID_NAME if k in node and n in node]
        if not any(k == "id" for k, _ in pairs):
            pairs += [(k, "name") for k in ("org_id", "rep_id") if k in node and "name" in node][:1]
        for k, n in pairs:
            if node[k] in NAME_OF and node[n] is not None:
                assert node[n] == NAME_OF[node[k]], (k, node[k], node[n])
                checked += 1
        if isinstance(node.get("people"), list) and isinstance(node.get("names"), list):
            assert node["names"] == [NAME_OF[x] for x in node["people"]]
            checked += len(node["people"])
        for v in node.values():
            checked += check_names(v)
    elif isinstance(node, list):
        for v in node:
            checked += check_names(v)
    return checked


def test_read_commands_return_the_literal_strings(payload_store: str, tmp_path: Path) -> None:
    spec = payload_store
    common = ("--store", spec, "--as-of", AS_OF)
    seen: set[str] = set()
    checked = 0
    for i in range(N):
        for subject in (person_id(i), org_id(i)):
            doc = run_json("who-knows", subject, *common)
            assert doc["target"] == subject and doc["name"] == VALUES[i]
            assert R1.name in set(strings(doc))
            checked += check_names(doc)
            seen |= set(strings(doc))
    doc = run_json("mutual", R1.id, R2.id, *common)
    assert {m["id"] for m in doc["mutual"]} >= {person_id(i) for i in range(0, N, 2)}
    checked += check_names(doc)
    for i in SHARP:
        doc = run_json("paths", "--to", person_id(i), "--from", R2.id, *common)
        assert doc["paths"] and doc["paths"][0]["names"][-1] == VALUES[i], doc
        checked += check_names(doc)
        doc = run_json("paths", "--to-org", org_id(i), *common)
        assert doc["paths"] and doc["paths"][0]["people"][-1] == person_id(i)
        checked += check_names(doc)
    doc = run_json("risk", *common)
    assert {a["name"] for a in doc["accounts"]} == set(VALUES)
    assert {a["org_id"] for a in doc["accounts"]} == {org_id(i) for i in range(N)}
    checked += check_names(doc)
    doc = run_json("stages", *common)
    assert {a["org_id"] for a in doc["accounts"]} == {org_id(i) for i in range(N)}
    checked += check_names(doc)
    seen |= set(strings(doc))
    doc = run_json("cooling", "--days", "30", *common)
    assert doc["ties"], doc
    checked += check_names(doc)
    plan = tmp_path / "plan.csv"
    doc = run_json("whatif", "--rep", R1.id, "--csv", str(plan), *common)
    assert doc["rep_name"] == R1.name and doc["accounts"]
    checked += check_names(doc)
    assert checked > 10 * N
    assert set(VALUES) <= seen
    assert run_json("stats", "--store", spec) == EXPECTED.counts()
    assert_intact(spec, EXPECTED)
    # the text output prints them as they are too
    for args in (("who-knows", person_id(IDX["rich-markup"])), ("risk",), ("whatif", "--rep", R1.id), ("stages",),
                 ("paths", "--to", person_id(IDX["html-img"])), ("mutual", R1.id, R2.id), ("cooling",)):
        result = run(*args, *common)
        assert result.exit_code == 0, (args, result.output)
    assert VALUES[IDX["rich-markup"]] in run("who-knows", person_id(IDX["rich-markup"]), *common).stdout


@pytest.mark.parametrize("backend", [pytest.param("neo4j", marks=pytest.mark.neo4j)])  # Cypher needs Neo4j
def test_query_returns_the_literal_strings(payload_store: str) -> None:
    spec = payload_store
    doc = run_json("query", "UNWIND $ids AS id MATCH (p:Person {id: id})-[:WORKS_AT]->(o:Organisation) "
                   "RETURN p.id, p.name, p.title, p.email, o.id, o.name, o.industry ORDER BY p.id",
                   "--param", "ids=" + json.dumps([person_id(i) for i in range(N)]), "--store", spec)
    want = sorted([person_id(i), v, v, email_of(v), org_id(i), v, v] for i, v in enumerate(VALUES))
    assert doc["rows"] == want
    doc = run_json("query", "MATCH (i:Interaction)-[:ABOUT]->(o:Organisation) MATCH (d:Deal)-[:FOR]->(o) "
                   "RETURN i.id, i.notes, d.id, d.product ORDER BY i.id", "--store", spec)
    assert doc["rows"] == [[f"I{i:02d} {v}", v, f"D{i:02d} {v}", v] for i, v in enumerate(VALUES)]
    for i, v in enumerate(VALUES):  # a payload as a parameter value (JSON and raw text) finds only itself
        for raw in (json.dumps(v), v):
            if raw == v and (raw[:1] in '"[{' or "\n" in raw):
                continue  # read as JSON (or not one argument); the JSON form above covers it
            doc = run_json("query", "MATCH (p:Person) WHERE p.name = $name RETURN p.id", "--param", f"name={raw}",
                           "--store", spec)
            assert doc["rows"] == [[person_id(i)]], (v, raw, doc)
    text = run("query", "MATCH (p:Person) RETURN p.name AS `[/]`, p.title AS title ORDER BY p.id", "--store", spec)
    assert text.exit_code == 0, text.output
    assert "[bold red]pwned[/]" in text.stdout and "[/]" in text.stdout
    assert_intact(spec, EXPECTED)


def test_search_treats_wildcards_and_quotes_as_text(payload_store: str) -> None:
    everyone = [(p.id, p.name) for p in EXPECTED.people] + [(o.id, o.name) for o in EXPECTED.organisations]
    with open_store(payload_store, create=False) as s, s.reader() as r:
        for text in VALUES + ["%", "_", "\\", "'", '"', "`", "$text", "*", ".*"]:
            found = {m.id for m in find_by_name(r, text, 1000)}
            want = {i for i, name in everyone if text.lower() in name.lower() or i == text}
            assert found == want, text
        for i in range(N):  # an exact id is found too
            assert person_id(i) in {m.id for m in find_by_name(r, person_id(i), 1000)}


# -- spreadsheets ----------------------------------------------------------------------------------
def _safe(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def test_handover_plan_csv_neutralises_formulas(payload_store: str, tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    result = run("whatif", "--rep", R1.id, "--csv", str(plan), "--store", payload_store, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    with open_store(payload_store, create=False) as s, s.reader() as r:
        rows = departure_whatif(r, R1.id, date.fromisoformat(AS_OF), load_config()).plan_rows()
    assert rows
    with plan.open(newline="", encoding="utf-8") as fh:
        got = list(csv.reader(fh))
    assert got[0] == list(PLAN_COLUMNS)
    assert got[1:] == [[_safe(v) for v in row] for row in rows]
    for row in got[1:]:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
    formulas = {v for n, v in PAYLOADS if n.startswith("formula-")}
    shown = {cell for row in got[1:] for cell in row}
    assert len({"'" + f for f in formulas} & shown) >= 2  # orphaned contacts' names and titles, neutralised
    assert plan.read_bytes().decode("utf-8") == csv_text(PLAN_COLUMNS, rows)  # the dashboard's download


def test_csv_export_neutralises_every_payload() -> None:
    text = csv_text(["name", "title"], [[v, v] for v in VALUES])
    got = list(csv.reader(text.splitlines(keepends=True)))
    assert got[1:] == [[_safe(v), _safe(v)] for v in VALUES]
    assert sum(row[0] != v for row, v in zip(got[1:], VALUES)) == sum(n.startswith("formula-") for n in IDX)


# -- the drawing -----------------------------------------------------------------------------------
_PAGE_TAGS = {"html", "head", "meta", "title", "style", "script", "body", "div", "span", "i", "b"}


class _Page(HTMLParser):
    """The tags of a page, as a browser's tokenizer sees them (script and style bodies are raw text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self.scripts.append((dict(attrs), ""))

    def handle_data(self, data: str) -> None:
        if self.tags and self.tags[-1][0] == "script" and self.scripts:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def check_drawing(page: str, people: dict[str, Person] | None = None) -> list[dict[str, Any]]:
    """The page has only the drawing's own tags and scripts; returns its node data."""
    parser = _Page()
    parser.feed(page)
    parser.close()
    assert {t for t, _ in parser.tags} <= _PAGE_TAGS, {t for t, _ in parser.tags} - _PAGE_TAGS
    for tag, attrs in parser.tags:
        for name, value in attrs.items():
            assert not name.startswith("on") and name not in ("src", "href", "srcdoc"), (tag, name, value)
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
    assert not parser.comments
    assert [a.get("type") for a, _ in parser.scripts] == [None, "application/json", None]
    data = json.loads(parser.scripts[1][1])
    for v in VALUES:
        if any(c in v for c in "<>&"):
            assert v not in page  # only ever written escaped
    if people is not None:
        for node in data["nodes"]:
            assert node["label"] == people[node["id"]].name  # shown as typed: text, not markup
            assert node["title"].startswith(people[node["id"]].name)
    return list(data["nodes"])


def test_drawing_shows_payloads_as_text(payload_store: str) -> None:
    when = date.fromisoformat(AS_OF)
    with open_store(payload_store, create=False) as s, s.reader() as r:
        G = ego_graph(r, [R1.id, R2.id], 1, when, load_config())
        people = {p.id: p for p in r.people(ids=list(G.nodes))}
        orgs = {o.id: o for o in r.organisations(ids={p.org_id for p in people.values()})}
    assert set(G.nodes) == set(people) == {p.id for p in EXPECTED.people}
    for kwargs in ({}, {"color_by": "stage", "stage_of": {o: "friend" for o in orgs}},
                   {"highlight_paths": [[R2.id, R1.id, person_id(IDX["html-img"])]],
                    "focus": [person_id(IDX["html-img"])]},
                   {"max_nodes": 10}):
        result = network_html(G, people, orgs, **kwargs)
        nodes = check_drawing(result.html, people)
        assert {n["label"] for n in nodes} <= {p.name for p in people.values()}
        if "max_nodes" not in kwargs:
            assert {n["label"] for n in nodes} >= set(VALUES)
            # the legend (HTML) names organisations escaped
            legend = result.html[result.html.index('<div class="relmap-legend">'):]
            if not kwargs.get("color_by"):
                assert len([o for o in orgs.values() if htmlmod.escape(o.name) in legend]) >= 10
                assert htmlmod.escape(OWN.name) in legend and OWN.name not in legend


# -- the dashboard ---------------------------------------------------------------------------------
_MD = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(["table", "strikethrough"])
_AUTOLINK = re.compile(r"https?://|www\.|[\w.+-]@[\w-]", re.IGNORECASE)
def _walk(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def _rendered_text(tokens: list[Any]) -> str:
    out = []
    for t in tokens:
        if t.children:
            out.append(_rendered_text(t.children))
        elif t.type in ("text", "code_inline"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def check_page(at: Any) -> str:
    """No element shows the data as markup: every Markdown text renders to plain text (no raw HTML,
    link or image), drawings hold only their own tags; returns all the text shown."""
    from streamlit.testing.v1.element_tree import AlertBase, Dataframe, HeadingBase, Html, Markdown, Widget

    assert not at.exception, [e.value for e in at.exception]
    shown: list[str] = []
    for root in (at.main, at.sidebar):
        for node in _walk(root):
            assert not isinstance(node, Html)
            if isinstance(node, (Markdown, AlertBase, HeadingBase)):
                body = node.proto.body
                assert not getattr(node.proto, "allow_html", False), body
                tokens = _MD.parse(body)
                flat = [t for tok in tokens for t in [tok, *(tok.children or [])]]
                bad = [t.type for t in flat if t.type in ("html_inline", "html_block", "link_open", "image")]
                assert not bad, (node.type, body, bad)
                text = _rendered_text(tokens)
                assert not _AUTOLINK.search(text), (node.type, text)
                shown.append(text.replace("\u200b", ""))
            elif getattr(node, "type", None) == "iframe":
                check_drawing(node.proto.srcdoc)
                shown.append(node.proto.srcdoc)
            elif isinstance(node, Dataframe):
                frame = node.value
                shown.extend(str(v) for col in frame.columns for v in frame[col].tolist())
            elif isinstance(node, Widget) and hasattr(node, "options"):
                shown.extend(str(o) for o in node.options)
    return "\n".join(shown)


@pytest.mark.parametrize("text", VALUES + ["a\n===\nb", "AT&T &copy; &#60;", "x\n---", ":red[x] :smile: $x^2$"],
                         ids=[n for n, _ in PAYLOADS] + ["setext", "entities", "setext-dash", "streamlit-directives"])
def test_markdown_escaping_shows_text_as_typed(text: str) -> None:
    """What the pages pass through ``common.md`` renders (CommonMark, as Streamlit's renderer
    follows it) to exactly the text: no tag, link, image, heading or entity taken from the data."""
    from dashboard.common import md

    tokens = _MD.parse(md(text))
    kinds = {t.type for tok in tokens for t in [tok, *(tok.children or [])]}
    assert kinds <= {"paragraph_open", "paragraph_close", "inline", "text", "softbreak"}, kinds
    rendered = _rendered_text(tokens)
    assert rendered.replace("\u200b", "") == text
    assert not _AUTOLINK.search(rendered)


@pytest.fixture
def payload_app(payload_store: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("RELMAP_STORE", payload_store)
    monkeypatch.delenv("RELMAP_DASHBOARD_PASSWORD", raising=False)
    return payload_store


def _app(page: str | None = None) -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py"), default_timeout=180)
    at.session_state["as_of"] = date.fromisoformat(AS_OF)
    at.run()
    if page:
        at.switch_page(f"views/{page}.py")
        at.run()
    return at


def test_dashboard_pages_show_payloads_as_text(payload_app: str, backend: str) -> None:
    seen: list[str] = []
    # Network: the team's map, the ties of a payload person, and a payload search
    at = _app()
    seen.append(check_page(at))
    for pick in (person_id(IDX["html-img"]), person_id(IDX["md-link"]), R1.id):
        at.selectbox(key="net_pick").set_value(pick).run()
        seen.append(check_page(at))
        assert set(at.dataframe[0].value["with"]) <= set(NAME_OF.values())
    at.radio(key="net_scope").set_value("A person or an account").run()
    for i in SHARP:
        typed = VALUES[i].split("\n")[0]
        at.text_input(key="net_text").set_value(typed).run()
        seen.append(check_page(at))
        assert any(VALUES[i] in o for o in at.selectbox(key="net_choice").options)
        for found in _search(payload_app, typed)[:3]:  # the organisation and the person
            at.selectbox(key="net_choice").set_value(found).run()
            seen.append(check_page(at))
    at.text_input(key="net_text").set_value("<nothing like this>").run()
    seen.append(check_page(at))
    # Introductions: reach payload people from a rep; mutual contacts; who knows them
    at = _app("introductions")
    for i in SHARP:
        at.text_input(key="intro_text").set_value(VALUES[i].split("\n")[0]).run()
        at.selectbox(key="intro_from").set_value(R2.id).run()
        text = check_page(at)
        assert VALUES[i] in text
        seen.append(text)
    # Handover risk and what-if
    at = _app("risk")
    seen.append(check_page(at))
    assert set(at.dataframe[0].value["account"]) == set(VALUES)
    at.selectbox(key="risk_rep").set_value(R1.id).run()
    text = check_page(at)
    assert R1.name in text
    seen.append(text)
    # Relationship stages, drilling into payload accounts
    at = _app("stages")
    for i in SHARP:
        at.selectbox(key="stage_pick").set_value(org_id(i)).run()
        text = check_page(at)
        assert VALUES[i] in text
        seen.append(text)
    # Data and, on Neo4j, the Cypher console drawing payload nodes
    seen.append(check_page(_app("data")))
    if backend == "neo4j":
        at = _app("cypher")
        at.text_area(key="cypher_query").set_value(
            "MATCH (p:Person)-[w:WORKS_AT]->(o:Organisation) RETURN p.name AS name, p.title AS title, p, w, o").run()
        at.button(key="cypher_run").click().run()
        text = check_page(at)
        assert set(at.dataframe[0].value["name"]) == {p.name for p in EXPECTED.people}
        assert len(at.get("iframe")) == 1
        seen.append(text)
    everything = "\n".join(seen)
    missing = [n for n, v in PAYLOADS if v not in everything]
    assert not missing, missing
    assert_intact(payload_app, EXPECTED)


def _search(spec: str, text: str) -> list[Match]:
    with open_store(spec, create=False) as s, s.reader() as r:
        return find_by_name(r, text, 20)


def test_payload_store_check_is_not_vacuous(store: Store) -> None:
    """The checks above can fail: a value changed on the way is caught."""
    store.load(EXPECTED)
    assert store.dump().sorted() == EXPECTED.sorted()
    changed = build(VALUES[:-1] + [htmlmod.escape(VALUES[-1])])
    assert store.dump().sorted() != changed.sorted()
    with pytest.raises(AssertionError):
        check_drawing('<html><body><img src=x onerror="alert(1)"></body></html>')
