"""Deterministic synthetic input data for relmap, at any scale.

:func:`generate` writes the six input files of the contract (``organisations.csv``,
``people.csv``, ``friendships.csv``, ``interactions.csv``, ``accounts.csv``,
``deals.csv``) for a made-up sales organisation and its market. The same seed
always gives byte-identical files. Rows are streamed to disk in batches, so
memory is bounded by the id lists and the account map: about 50 MB at 100,000
people (about 6 s) and 160 MB at one million (about 90 s).

The shape of the world:

- one ``own`` organisation (index 0) holding the reps (about 1% of all people,
  at least 3) and a few managers;
- customer, prospect, partner and ``other`` organisations (clubs, alumni networks)
  with heavy-tailed (Pareto) sizes: many with a handful of people, a few with
  thousands;
- each customer and prospect is an account of one to three reps (an owner and
  supporters), drawn so that a few reps carry many accounts;
- friendships are clustered: mostly between colleagues, between a rep and the
  contacts at their accounts, and between people at accounts that share a rep or
  at clubs, with some random long-range ties (a small world). A person only ever
  links forward to people with a larger index and never twice to the same one,
  so there is no self-friendship and no duplicate pair without any lookup table;
- about ten interactions per person over the two years before ``as_of``, mostly a
  rep with contacts at an account they cover, the rest among people outside our
  company, mixing business and personal types;
- deals per account: customers have won deals, prospects only lost or open ones.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     counts = generate(Path(tmp), people=200, seed=7)
...     files = sorted(p.name for p in Path(tmp).iterdir())
>>> files == sorted(f"{name}.csv" for name in counts)
True
>>> counts["people"], counts["interactions"]
(200, 2000)
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ingest.synthetic import INTERACTIONS_PER_PERSON, World

__all__ = ["generate", "FILES", "INTERACTIONS_PER_PERSON"]

#: The files :func:`generate` writes, in the order it writes them (without ``.csv``).
FILES = ("organisations", "people", "accounts", "friendships", "interactions", "deals")


Progress = Callable[[str, int, int], None]


def generate(
    out: Path,
    people: int,
    seed: int = 0,
    *,
    as_of: date = date(2026, 11, 26),
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write a synthetic, contract-valid input folder for ``people`` people.

    Parameters
    ----------
    out : Path
        Folder to write the six CSV files into; created if missing. Files already
        there are overwritten.
    people : int
        Number of people (at least 10). Organisations (about one per 11 people),
        friendships (about 3 a person), interactions (``INTERACTIONS_PER_PERSON`` a person), accounts and
        deals scale with it.
    seed : int, optional
        Seed of the only random generator used; the same seed gives
        byte-identical files.
    as_of : date, optional
        The reference day: interactions and deal closings fall in the two years
        before it, friendships and account assignments start before it.
    progress : callable, optional
        Called as ``progress(file_name, done, total)`` about every 10,000 rows and
        when a file is complete (``file_name`` without ``.csv``).

    Returns
    -------
    dict
        Rows written per file: ``organisations``, ``people``, ``friendships``,
        ``interactions``, ``accounts``, ``deals``.

    Raises
    ------
    ValueError
        If ``people`` is below 10.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     counts = generate(Path(tmp), people=200)
    ...     header = (Path(tmp) / "people.csv").read_text(encoding="utf-8").splitlines()[0]
    >>> sorted(counts)
    ['accounts', 'deals', 'friendships', 'interactions', 'organisations', 'people']
    >>> header
    'id,name,org_id,title,role,email'
    """
    if people < 10:
        raise ValueError(f"people must be at least 10, not {people}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    master = random.Random(seed)
    # One independent stream per stage, drawn in a fixed order: a change to one
    # stage does not reshuffle the others.
    stage_seeds = {name: master.getrandbits(64) for name in
                   ("orgs", "people", "accounts", "friend_counts", "friends", "interactions", "deals")}
    world = World(people, stage_seeds, as_of)
    counts = {
        "organisations": world.write_organisations(out, progress),
        "people": world.write_people(out, progress),
        "accounts": world.write_accounts(out, progress),
        "friendships": world.write_friendships(out, progress),
        "interactions": world.write_interactions(out, progress),
        "deals": world.write_deals(out, progress),
    }
    return {name: counts[name] for name in
            ("organisations", "people", "friendships", "interactions", "accounts", "deals")}
