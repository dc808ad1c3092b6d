"""The SQL of the spill (:mod:`graph.store.sqlite.spill`): its scratch tables, run by its own
connection, and the statements by which the embedded store, with the spill attached as
``spill``, copies it (a whole load) or compares itself with it (a refresh)."""

from __future__ import annotations

from graph.store.sqlite.sql import COLUMNS, KEY_COLUMNS

__all__ = ["SCHEMA", "INSERT", "ABSORB", "SEE", "REPEATS", "DROP", "READ", "AT", "COPY", "DIFF", "GONE",
           "HELD", "HOLD", "HELD_DIFF", "HELD_GONE", "HELD_COUNT", "HELD_DROP"]

_TABLES = [t for t in COLUMNS if t != "participants"]  # an interaction's participants are in its row
_KEY = {t: KEY_COLUMNS.get(t, ("id",)) for t in _TABLES}

#: The spill's tables (:mod:`graph.store.sqlite.spill`): each input table's columns and
#: fingerprint, an interaction's participants as a JSON array, the line; no keys (validation
#: checked them), the rowid keeps the order rows came in.
SCHEMA = [*(f"CREATE TABLE {t} ({', '.join(COLUMNS[t])}, fp{', participants' if t == 'interactions' else ''}, line)"
            for t in _TABLES),
          "CREATE TABLE seen (file TEXT NOT NULL, k1 TEXT, k2 TEXT, line INTEGER NOT NULL)"]

#: A row of each spill table (its columns in order), and a key validation met.
INSERT = {t: f"INSERT INTO {t} VALUES ({', '.join('?' * (len(COLUMNS[t]) + (3 if t == 'interactions' else 2)))})"
          for t in _TABLES}
SEE = "INSERT INTO seen VALUES (?, ?, ?, ?)"

#: Each table's rows (and the keys seen) of another spill attached as ``half``, in the order they came.
ABSORB = {t: f"INSERT INTO {t} SELECT * FROM half.{t} ORDER BY rowid" for t in (*_TABLES, "seen")}

#: Every line of the file ``?1`` whose key came at an earlier line (``line, k1, k2, first``), in
#: line order: the keys of the rows kept, in their table, and of the rows not kept, in ``seen``.
REPEATS = {file: "WITH k (k1, k2, line) AS (SELECT {key}, line FROM {table} UNION ALL SELECT k1, k2, line FROM seen "
                 "WHERE file = ?1) SELECT k.line, k.k1, k.k2, f.first FROM k JOIN (SELECT k1, k2, min(line) AS first "
                 "FROM k GROUP BY k1, k2 HAVING count(*) > 1) f ON k.k1 = f.k1 AND k.k2 IS f.k2 WHERE k.line > f.first "
                 "ORDER BY k.line".format(table=table, key=key)
           for file, table, key in (("interactions.csv", "interactions", "id, NULL"),
                                    ("friendships.csv", "friendships", "person_a, person_b"))}

#: Each spill table's rows of the lines in the JSON array ``?`` deleted.
DROP = {t: f"DELETE FROM {t} WHERE line IN (SELECT value FROM json_each(?))" for t in _TABLES}

#: Each input table filled from the attached spill, in key order (participants from the arrays).
COPY = {
    **{t: "INSERT INTO main.{t} ({c}) SELECT {c} FROM spill.{t} ORDER BY {k}".format(
        t=t, c=", ".join((*COLUMNS[t], "fp")), k=", ".join(_KEY[t])) for t in _TABLES},
    "participants": "INSERT INTO main.participants (interaction_id, person_id, position) SELECT i.id, p.value, p.key "
                    "FROM spill.interactions i, json_each(i.participants) p ORDER BY i.id, p.value",
}

#: Each spill table's rows in the order they came (an interaction's participants last), all or
#: those of the rowids in the JSON array ``?`` (the spill's own connection reads them).
READ = {t: f"SELECT {', '.join(COLUMNS[t])}{', participants' if t == 'interactions' else ''} FROM {t} ORDER BY rowid"
        for t in _TABLES}
AT = {t: select.replace(" ORDER BY", " WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY")
      for t, select in READ.items()}

#: A refresh from the attached spill: each spill row whose key the store holds with another
#: fingerprint, or not at all (``rowid, added``); each held key the spill does not have.
DIFF = {t: "SELECT s.rowid, m.fp IS NULL FROM spill.{t} s LEFT JOIN main.{t} m ON {on} "
           "WHERE m.fp IS NOT s.fp ORDER BY s.rowid".format(t=t, on=" AND ".join(f"m.{k} = s.{k}" for k in _KEY[t]))
        for t in _TABLES}
GONE = {t: f"SELECT {', '.join(_KEY[t])} FROM main.{t} EXCEPT SELECT {', '.join(_KEY[t])} FROM spill.{t}"
        for t in _TABLES}

#: Another store's fingerprints (Neo4j's), kept in the spill's own connection beside its rows to
#: compare the two in SQL as :data:`DIFF` and :data:`GONE` do: ``held_<table>`` (key, ``fp``).
HELD_DROP = [f"DROP TABLE IF EXISTS temp.held_{t}" for t in _TABLES]
HELD = [*HELD_DROP, *(f"CREATE TEMP TABLE held_{t} ({', '.join(_KEY[t])}, fp INTEGER NOT NULL, "
                      f"PRIMARY KEY ({', '.join(_KEY[t])})) WITHOUT ROWID" for t in _TABLES)]
HOLD = {t: f"INSERT OR REPLACE INTO held_{t} VALUES ({', '.join('?' * (len(_KEY[t]) + 1))})" for t in _TABLES}
HELD_DIFF = {t: DIFF[t].replace(f"spill.{t} s", f"main.{t} s").replace(f"main.{t} m", f"held_{t} m") for t in _TABLES}
HELD_GONE = {t: GONE[t].replace(f"FROM main.{t}", f"FROM held_{t}").replace(f"FROM spill.{t}", f"FROM main.{t}")
             for t in _TABLES}
HELD_COUNT = {t: f"SELECT count(*) FROM held_{t}" for t in _TABLES}
