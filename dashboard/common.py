"""What every dashboard page shares: the store, the as-of date, cached analyses, the gate.

The store is opened once per process (``st.cache_resource``). Analysis results are cached
with ``st.cache_data`` under the store's *revision* (:meth:`~graph.store.base.Store.state`),
which changes with every completed ingest, so a new ingest invalidates them at once. Each
cached function reads through one reader (``with store.reader() as r:``, one consistent
snapshot) and runs again when a load changed the store under it
(:func:`~graph.store.consistency.retrying`). Pages call these functions only: they hold no
analysis and no store reads of their own.
"""

from __future__ import annotations

import hmac
import os
from datetime import date
from typing import Any

import networkx as nx
import streamlit as st

from graph.analysis.config import Config, load_config
from graph.errors import RelmapError
from graph.model import Organisation, Person
from graph.store import DEFAULT_STORE, Store, open_store
from graph.store.consistency import retrying

__all__ = ["store_spec", "get_store", "get_cypher_store", "revision", "as_of", "config", "gate", "risk",
           "stages", "stage_detail", "whatif", "paths", "mutual", "who_knows", "search", "ego", "team_map",
           "connectors", "connector_graph",
           "people_and_orgs", "team", "reps", "members", "decision_makers", "show_error", "stop_without_store",
           "md", "md_code"]


def store_spec() -> str:
    """The store this dashboard serves (``RELMAP_STORE``, else ``./relmap-data``)."""
    return os.environ.get("RELMAP_STORE") or DEFAULT_STORE


@st.cache_resource(show_spinner=False)
def get_store(spec: str) -> Store:
    """The store, opened once per process and shared by every session."""
    return open_store(spec, create=False)


@st.cache_resource(show_spinner=False)
def get_cypher_store(spec: str) -> Store:
    """A separate connection for the Cypher console (read-only queries only).

    On Neo4j it logs in as ``RELMAP_CYPHER_USER`` / ``RELMAP_CYPHER_PASSWORD`` when
    set (a read-only user, on editions that have roles), else as the store's user.
    """
    if spec.lower().startswith(("neo4j", "bolt")):
        from graph.store.neo4j import Neo4jStore

        return Neo4jStore.connect(spec, user=os.environ.get("RELMAP_CYPHER_USER") or None,
                                  password=os.environ.get("RELMAP_CYPHER_PASSWORD"))
    return open_store(spec, create=False)


def stop_without_store() -> Store:
    """The store, or an explanation and a stop when it cannot be opened."""
    try:
        return get_store(store_spec())
    except RelmapError as exc:
        st.error(f"The store cannot be opened: {md(exc)}")
        st.info("Load data first: `relmap demo` loads the example story, `relmap ingest DIR` your own files.")
        st.stop()
        raise  # unreachable: st.stop() raises


def revision() -> str:
    """The store's current revision (cache key for every analysis)."""
    return stop_without_store().state().revision or "empty"


def as_of() -> date:
    """The analysis date chosen in the sidebar (default today)."""
    value = st.session_state.get("as_of")
    return value if isinstance(value, date) else date.today()


@st.cache_resource(show_spinner=False)
def config() -> Config:
    """Weights and thresholds (``RELMAP_CONFIG`` may point at a TOML file)."""
    return load_config()


def gate() -> bool:
    """The optional shared password in front of every page; True when the user may pass."""
    expected = os.environ.get("RELMAP_DASHBOARD_PASSWORD", "")
    if not expected or st.session_state.get("authenticated"):
        return True
    st.title("relmap")
    with st.form("login"):
        given = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        if hmac.compare_digest(given.encode(), expected.encode()):
            st.session_state["authenticated"] = True
            st.rerun()
        st.error("Wrong password.")
    return False


_MARKDOWN = set("\\`*_{}[]()#+-.!|<>~$:&=")


def md(text: object) -> str:
    r"""User-supplied text made inert for ``st.markdown`` and the message boxes (which render
    Markdown): every Markdown character is backslash-escaped (``&`` too, or ``&lt;`` would show
    as ``<``; ``=`` too, or a line of them would make the line above a heading), so a name
    shows as typed, and bare links are broken with a zero-width space.

    >>> print(md("[x](y) *b*"))
    \[x\]\(y\) \*b\*
    """
    escaped = "".join("\\" + ch if ch in _MARKDOWN else ch for ch in str(text))
    # GitHub-flavoured Markdown still turns bare URLs, www. names and e-mail addresses into
    # links after unescaping: an invisible zero-width space keeps them plain text
    for token in ("://", "www", "@"):
        escaped = escaped.replace(token, token[0] + "\u200b" + token[1:])
    return escaped


def md_code(text: object) -> str:
    r"""Like :func:`md`, except that what relmap's messages quote between backticks (a command,
    a clause) shows as code, not as text with stray backticks. Inside a code span nothing is
    read as Markdown; an unmatched backtick stays a backtick.

    >>> print(md_code("load data with `relmap ingest DIR` instead"))
    load data with `relmap ingest DIR` instead
    >>> print(md_code("a `*b*` and `c"))
    a `*b*` and \`c
    """
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: the last one is text
        parts[-2:] = ["`".join(parts[-2:])]
    return "".join(md(part) if i % 2 == 0 else (f"`{part}`" if part else "") for i, part in enumerate(parts))


def show_error(exc: Exception) -> None:
    """Show a relmap error as a message, never a traceback."""
    st.error(md(exc))


# -- cached reads and analyses: keyed on (store, revision, as-of, arguments) -----------------------
@st.cache_data(show_spinner="Computing the risk of every account…", max_entries=16)
@retrying
def risk(spec: str, rev: str, when: date) -> list[dict[str, Any]]:
    from graph.analysis.risk import account_risk

    with get_store(spec).reader() as r:
        return [a.to_json() for a in account_risk(r, when, config())]


@st.cache_data(show_spinner="Placing every account…", max_entries=16)
@retrying
def stages(spec: str, rev: str, when: date) -> list[dict[str, Any]]:
    """Every account's stage; the warm introductions and rep-contact pairs are left to :func:`stage_detail`."""
    from graph.analysis.stages import account_stages

    with get_store(spec).reader() as r:
        return [a.to_json() for a in account_stages(r, when, config(), introductions=(), pairs=False)]


@st.cache_data(show_spinner="Working out the next step…", max_entries=64)
@retrying
def stage_detail(spec: str, rev: str, when: date, org_id: str) -> dict[str, Any]:
    """One account's stage with its next step (and warm introduction) worked out."""
    from graph.analysis.stages import account_stages

    with get_store(spec).reader() as r:
        found = account_stages(r, when, config(), introductions=[org_id], only=[org_id])
    return next(a.to_json() for a in found if a.org_id == org_id)


@st.cache_data(show_spinner="Working out the handover…", max_entries=32)
@retrying
def whatif(spec: str, rev: str, when: date, rep: str) -> tuple[dict[str, Any], list[list[Any]]]:
    from graph.analysis.departure import departure_whatif

    with get_store(spec).reader() as r:
        dep = departure_whatif(r, rep, when, config())
    return dep.to_json(), dep.plan_rows()


@st.cache_data(show_spinner="Finding introductions…", max_entries=64)
@retrying
def paths(spec: str, rev: str, when: date, targets: tuple[str, ...], sources: tuple[str, ...], k: int,
          hops: int) -> list[dict[str, Any]]:
    """The ``k`` strongest introductions to any of ``targets`` (from ``sources``, else any rep)."""
    from graph.analysis.introductions import introductions_to

    with get_store(spec).reader() as r:
        found = introductions_to(r, targets, when, config(), sources=sources or None, k=k, max_hops=hops)
        names = {p.id: p.name for p in r.people(ids={x for p in found for x in p.people})} if found else {}
    return [p.to_json(names) for p in found]


@st.cache_data(show_spinner=False, max_entries=64)
@retrying
def mutual(spec: str, rev: str, when: date, a: str, b: str) -> list[dict[str, Any]]:
    from graph.analysis.contacts import mutual_contacts

    with get_store(spec).reader() as r:
        return mutual_contacts(r, a, b, when, config())


@st.cache_data(show_spinner=False, max_entries=64)
@retrying
def who_knows(spec: str, rev: str, when: date, subject: str) -> dict[str, Any]:
    from graph.analysis.contacts import who_knows as _who

    with get_store(spec).reader() as r:
        return _who(r, subject, when, config())


@st.cache_data(show_spinner=False, max_entries=256)
@retrying
def search(spec: str, rev: str, text: str, limit: int = 20) -> list[tuple[str, str, str, str]]:
    """``(kind, id, name, detail)`` of the people and organisations matching ``text``."""
    from graph.analysis.search import find_by_name

    with get_store(spec).reader() as r:
        return [tuple(m) for m in find_by_name(r, text, limit)]  # type: ignore[misc]


@st.cache_data(show_spinner="Reading the network…", max_entries=32)
@retrying
def ego(spec: str, rev: str, when: date, centres: tuple[str, ...], depth: int, min_strength: float) -> nx.Graph:
    from graph.analysis.ego import ego_graph

    with get_store(spec).reader() as r:
        return ego_graph(r, centres, depth, when, config(), min_strength)


@st.cache_data(show_spinner="Reading the team's map…", max_entries=16)
@retrying
def team_map(spec: str, rev: str, when: date, centres: tuple[str, ...], min_strength: float,
             limit: int) -> tuple[nx.Graph, int]:
    """The team's map for a large team: ties among the ``limit`` busiest people only
    (:func:`graph.analysis.ego.busiest_ties`), and how many people the team knows."""
    from graph.analysis.ego import busiest_ties

    with get_store(spec).reader() as r:
        G, known = busiest_ties(r, centres, when, config(), limit)
    G.remove_edges_from([(a, b) for a, b, s in G.edges(data="strength") if s < min_strength])
    return G, known


@st.cache_data(show_spinner="Finding who carries our access…", max_entries=64)
@retrying
def connectors(spec: str, rev: str, when: date, org_id: str | None,
               limit: int | None = None) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The connectors of one account (or, with ``org_id`` ``None``, of the whole book) as the
    JSON of ``relmap connectors``, with the names of their organisations and of their reps."""
    from graph.analysis.connectors import find_connectors

    with get_store(spec).reader() as r:
        found = find_connectors(r, when, config(), org_id=org_id, limit=limit)
        reps = {rep for c in found.connectors for rep in c.team}
        rep_names = {p.id: p.name for p in r.people(ids=reps)} if reps else {}
    return found.to_json(), found.org_names, rep_names


@st.cache_data(show_spinner="Drawing the connectors…", max_entries=32)
@retrying
def connector_graph(spec: str, rev: str, when: date, org_id: str, limit: int | None = None) -> nx.Graph:
    """The ties of an account's connectors' best routes: each rep who starts one to the
    connector, and the connector to each contact they reach (with their evidence)."""
    from graph.analysis.tie_reads import ties_for_pairs
    from graph.analysis.ties import tie_graph

    doc = connectors(spec, rev, when, org_id, limit)[0]
    pairs = {tuple(sorted((end, c["id"]))) for c in doc["connectors"]
             for end in [*c["team"], *(x["contact_id"] for x in c["reaches"])]}
    with get_store(spec).reader() as r:
        return tie_graph(ties_for_pairs(r, pairs, when, config()).values())


@st.cache_data(show_spinner=False, max_entries=64)
@retrying
def people_and_orgs(spec: str, rev: str, ids: tuple[str, ...]) -> tuple[dict[str, Person], dict[str, Organisation]]:
    with get_store(spec).reader() as r:
        people = {p.id: p for p in r.people(ids=ids)}
        orgs = {o.id: o for o in r.organisations(ids={p.org_id for p in people.values()})}
    return people, orgs


@st.cache_data(show_spinner=False, max_entries=16)
@retrying
def team(spec: str, rev: str) -> list[Person]:
    """Everyone at our own organisations, by id."""
    with get_store(spec).reader() as r:
        return r.people(kinds=["own"])


@st.cache_data(show_spinner=False, max_entries=16)
@retrying
def reps(spec: str, rev: str) -> list[Person]:
    """Our reps, by name."""
    with get_store(spec).reader() as r:
        return sorted(r.people(kinds=["own"], role="rep"), key=lambda p: p.name)


@st.cache_data(show_spinner=False, max_entries=64)
@retrying
def members(spec: str, rev: str, org_id: str) -> list[Person]:
    """Everyone working at an organisation, by id."""
    with get_store(spec).reader() as r:
        return r.people(orgs=[org_id])


@st.cache_data(show_spinner=False, max_entries=64)
@retrying
def decision_makers(spec: str, rev: str, org_id: str) -> tuple[str, ...]:
    """The ids of an organisation's decision makers (else influencers, else everyone)."""
    from graph.analysis.introductions import decision_makers as _decision_makers

    with get_store(spec).reader() as r:
        return tuple(p.id for p in _decision_makers(r, org_id))
