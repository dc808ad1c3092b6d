"""The SQL of the spill (:mod:`graph.store.sqlite.spill`): its scratch tables, run by its own
connection, and the statements by which the embedded store, with the spill attached as
``spill``, copies it (a whole load) or compares itself with it (a refresh)."""

from __future__ import annotations

from graph.store.sqlite.sql import COLUMNS, KEY_COLUMNS

__all__ = ["SCHEMA", "INSERT", "SEE", "REPEATS", "DROP", "READ", "AT", "KEYED", "COPY", "DIFF", "GONE"]

#: The spill's tables (:mod:`graph.store.sqlite.spill`): each input table's columns and
#: fingerprint, an interaction's participants as a JSON array; no keys (validation checked them),
#: the rowid keeps the order rows came in.
SCHEMA = [*(f"CREATE TABLE {table} ({', '.join(cols)}, fp{', participants' if table == 'interactions' else ''}"
                  ", line)" for table, cols in COLUMNS.items() if table != "participants"),
                "CREATE TABLE seen (file TEXT NOT NULL, k1 TEXT, k2 TEXT, line INTEGER NOT NULL)"]

#: A row of each spill table (its columns in order), and a key validation met.
INSERT = {table: "INSERT INTO {t} VALUES ({q})".format(
              t=table, q=", ".join("?" * (len(cols) + (3 if table == "interactions" else 2))))
          for table, cols in COLUMNS.items() if table != "participants"}
SEE = "INSERT INTO seen VALUES (?, ?, ?, ?)"

#: Every line of the file ``?1`` whose key came at an earlier line (``line, k1, k2, first``), in
#: line order: the keys of the rows kept, in their table, and of the rows not kept, in ``seen``.
REPEATS = {file: "WITH k (k1, k2, line) AS (SELECT {key}, line FROM {table} UNION ALL SELECT k1, k2, line FROM seen "
                 "WHERE file = ?1) SELECT k.line, k.k1, k.k2, f.first FROM k JOIN (SELECT k1, k2, min(line) AS first "
                 "FROM k GROUP BY k1, k2 HAVING count(*) > 1) f ON k.k1 = f.k1 AND k.k2 IS f.k2 WHERE k.line > f.first "
                 "ORDER BY k.line".format(table=table, key=key)
           for file, table, key in (("interactions.csv", "interactions", "id, NULL"),
                                    ("friendships.csv", "friendships", "person_a, person_b"))}

#: Each spill table's rows of the lines in the JSON array ``?`` deleted.
DROP = {table: f"DELETE FROM {table} WHERE line IN (SELECT value FROM json_each(?))"
              for table in COLUMNS if table != "participants"}

#: Each input table filled from the attached spill, in key order (participants from the arrays).
COPY = {
    **{table: "INSERT INTO main.{t} ({c}) SELECT {c} FROM spill.{t} ORDER BY {k}".format(
        t=table, c=", ".join((*cols, "fp")),
        k=", ".join(KEY_COLUMNS.get(table, ("id",))))
       for table, cols in COLUMNS.items() if table != "participants"},
    "participants": "INSERT INTO main.participants (interaction_id, person_id, position) SELECT i.id, p.value, p.key "
                    "FROM spill.interactions i, json_each(i.participants) p ORDER BY i.id, p.value",
}

#: Each spill table's rows in the order they came (an interaction's participants last), all or
#: those of the rowids in the JSON array ``?`` (the spill's own connection reads them).
READ = {table: f"SELECT {', '.join(cols)}{', participants' if table == 'interactions' else ''} FROM {table}"
              " ORDER BY rowid" for table, cols in COLUMNS.items() if table != "participants"}
AT = {table: select.replace(" ORDER BY", " WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY")
            for table, select in READ.items()}

#: Each spill table's rowids, keys and fingerprints, in the order rows came (a store that
#: cannot attach the spill compares with these).
KEYED = {table: "SELECT rowid, {k}, fp FROM {t} ORDER BY rowid".format(t=table, k=", ".join(KEY_COLUMNS.get(table, ("id",))))
         for table in COLUMNS if table != "participants"}

#: A refresh from the attached spill: each spill row whose key the store holds with another
#: fingerprint, or not at all (``rowid, added``); each held key the spill does not have.
DIFF = {table: "SELECT s.rowid, m.fp IS NULL FROM spill.{t} s LEFT JOIN main.{t} m ON {on} "
                     "WHERE m.fp IS NOT s.fp ORDER BY s.rowid".format(
                         t=table, on=" AND ".join(f"m.{k} = s.{k}" for k in KEY_COLUMNS.get(table, ("id",))))
              for table in COLUMNS if table != "participants"}
GONE = {table: "SELECT {k} FROM main.{t} EXCEPT SELECT {k} FROM spill.{t}".format(
                  t=table, k=", ".join(KEY_COLUMNS.get(table, ("id",))))
              for table in COLUMNS if table != "participants"}
