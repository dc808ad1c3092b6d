"""The embedded store: a relmap graph in one SQLite file (:class:`SQLiteStore`).

- :mod:`~graph.store.sqlite.store`: the file, its connections, loads and snapshots;
- :mod:`~graph.store.sqlite.reader`: the reads of one snapshot;
- :mod:`~graph.store.sqlite.build`: the one builder of the derived data;
- :mod:`~graph.store.sqlite.sql`, :mod:`~graph.store.sqlite.sql_derived` (the derived data) and
  :mod:`~graph.store.sqlite.sql_routes` (the team routes): every statement.
"""

from graph.store.sqlite.reader import SQLiteReader
from graph.store.sqlite.store import FILE_NAME, SQLiteStore

__all__ = ["SQLiteStore", "SQLiteReader", "FILE_NAME"]
