"""relmap: graph-based relationship mapping for B2B sales teams.

The command line lives in :mod:`relmap.cli`; the library in the ``graph``
(model, stores, analysis) and ``ingest`` (input files) packages.
"""

__version__ = "0.1.0"
