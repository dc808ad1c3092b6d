"""The Cypher cookbook: questions analysts ask, as named, parameterised queries.

The README shows the same queries (a test keeps them identical), the dashboard's
Cypher page offers them one click away, and every one runs against Neo4j in the
test suite.

>>> len(COOKBOOK) >= 8
True
>>> COOKBOOK[0].title
'Who at our company knows someone at this account?'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Recipe", "COOKBOOK"]


@dataclass(frozen=True)
class Recipe:
    """One cookbook query with example parameters (for the example story)."""

    title: str
    query: str
    params: dict[str, Any] = field(default_factory=dict)


COOKBOOK: list[Recipe] = [
    Recipe(
        'Who at our company knows someone at this account?',
        """\
MATCH (them:Person)-[:WORKS_AT]->(:Organisation {id: $org})
MATCH (us:Person)-[:WORKS_AT]->(:Organisation {kind: 'own'})
WHERE EXISTS { (us)-[:KNOWS]-(them) }
   OR EXISTS { (us)-[:ATTENDED]->(:Interaction)<-[:ATTENDED]-(them) }
RETURN us.name AS colleague, collect(them.name) AS contacts
ORDER BY size(contacts) DESC, colleague
""",
        {'org': 'O-TELCO'},
    ),
    Recipe(
        'Accounts by number of covering reps (fewest first)',
        """\
MATCH (o:Organisation) WHERE o.kind IN ['customer', 'prospect']
OPTIONAL MATCH (rep:Person)-[:COVERS]->(o)
RETURN o.name AS account, count(rep) AS reps, collect(rep.name) AS covered_by
ORDER BY reps, account
""",
        {},
    ),
    Recipe(
        'Friends of friends of a contact (people one introduction away)',
        """\
MATCH (c:Person {id: $person})-[:KNOWS]-(f:Person)-[:KNOWS]-(fof:Person)
WHERE fof <> c AND NOT EXISTS { (c)-[:KNOWS]-(fof) }
RETURN fof.name AS name, collect(DISTINCT f.name) AS via
ORDER BY size(via) DESC, name
""",
        {'person': 'P-010'},
    ),
    Recipe(
        'The last interactions with an account',
        """\
MATCH (i:Interaction)-[:ABOUT]->(:Organisation {id: $org})
MATCH (p:Person)-[:ATTENDED]->(i)
RETURN i.date AS date, i.type AS type, i.nature AS nature, collect(p.name) AS who, i.notes AS notes
ORDER BY date DESC
LIMIT 10
""",
        {'org': 'O-TELCO'},
    ),
    Recipe(
        'Won revenue per rep since a date',
        """\
MATCH (rep:Person)-[:HANDLES]->(d:Deal {status: 'won'})
WHERE d.closed_on >= date($since)
RETURN rep.name AS rep, sum(d.amount) AS won, count(d) AS deals
ORDER BY won DESC
""",
        {'since': '2025-11-26'},
    ),
    Recipe(
        'Customer accounts only one of our reps has ever met (single-rep dependency)',
        """\
MATCH (o:Organisation {kind: 'customer'})<-[:WORKS_AT]-(c:Person)
MATCH (rep:Person {role: 'rep'})-[:ATTENDED]->(:Interaction)<-[:ATTENDED]-(c)
WITH o, collect(DISTINCT rep.name) AS reps
WHERE size(reps) = 1
RETURN o.name AS account, reps[0] AS only_rep
ORDER BY account
""",
        {},
    ),
    Recipe(
        'The shortest chain of friendships from a rep to a contact',
        """\
MATCH p = shortestPath((a:Person {id: $from})-[:KNOWS*..4]-(b:Person {id: $to}))
RETURN [n IN nodes(p) | n.name] AS chain, length(p) AS hops
""",
        {'from': 'P-003', 'to': 'P-010'},
    ),
    Recipe(
        'Personal and business interactions per account (the two hands)',
        """\
MATCH (i:Interaction)-[:ABOUT]->(o:Organisation)
WHERE o.kind IN ['customer', 'prospect']
RETURN o.name AS account,
       sum(CASE i.nature WHEN 'personal' THEN 1 ELSE 0 END) AS personal,
       sum(CASE i.nature WHEN 'business' THEN 1 ELSE 0 END) AS business
ORDER BY account
""",
        {},
    ),
    Recipe(
        'Decision makers no rep has met',
        """\
MATCH (dm:Person {role: 'decision_maker'})-[:WORKS_AT]->(o:Organisation)
WHERE NOT EXISTS { (dm)-[:ATTENDED]->(:Interaction)<-[:ATTENDED]-(:Person {role: 'rep'}) }
RETURN o.name AS account, dm.name AS decision_maker, dm.title AS title
ORDER BY account, decision_maker
""",
        {},
    ),
    Recipe(
        'Contacts a rep has not seen for six months',
        """\
MATCH (rep:Person {role: 'rep'})-[:ATTENDED]->(i:Interaction)<-[:ATTENDED]-(c:Person)
WHERE c.role <> 'rep'
WITH rep, c, max(i.date) AS last_seen
WHERE last_seen < date($as_of) - duration('P180D')
RETURN rep.name AS rep, c.name AS contact, last_seen
ORDER BY last_seen
LIMIT 20
""",
        {'as_of': '2026-11-26'},
    ),
    Recipe(
        'Everyone a person knows, and how (one TIE per tie)',
        """\
MATCH (p:Person {id: $person})-[t:TIE]-(o:Person)-[:WORKS_AT]->(org:Organisation)
RETURN o.name AS name, org.name AS organisation, t.kind AS friendship, t.shared AS shared_friends,
       reduce(n = 0, x IN coalesce(t.ns, []) | n + x) AS times_met, coalesce(t.types, []) AS met_at
ORDER BY times_met DESC, name
""",
        {'person': 'P-010'},
    ),
]
