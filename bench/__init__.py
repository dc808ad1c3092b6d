"""relmap's benchmarks: each a module run from the repository root, ``python -m bench.<name>``.

- :mod:`bench.analysis`: path-query latency, the load-everything baseline, account risk;
- :mod:`bench.ingest`: how fast ``relmap ingest`` loads, against two Neo4j baselines;
- :mod:`bench.dashboard`: every dashboard page's render time, the network drawn in Chromium;
- :mod:`bench.load`: concurrent clients running analyses on one store;
- :mod:`bench.dashboard_load`: concurrent browser sessions walking every dashboard page;
- :mod:`bench.imports`: ``relmap import`` of a large calendar and mailbox;
- :mod:`bench.benchdata`: what they share (generated data, stores ready to time, measuring helpers).

Their work files go to ``bench/out/`` (git-ignored); the figures are written up in
``BENCHMARKS.md``; ``bench/README.md`` says how to run each.
"""
