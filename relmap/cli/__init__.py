"""The ``relmap`` command line: a thin layer over the ``graph`` and ``ingest`` libraries.

One module per group of commands, each listing its ``COMMANDS``:

- :mod:`relmap.cli.data`: ``ingest``, ``rebuild``, ``stats``, ``generate``, ``demo``;
- :mod:`relmap.cli.bulk`: ``neo4j-import`` (files for Neo4j's bulk importer);
- :mod:`relmap.cli.imports`: ``import`` (real exports into an input folder);
- :mod:`relmap.cli.analysis`: ``paths``, ``mutual``, ``who-knows``, ``risk``, ``whatif``,
  ``stages``, ``cooling``, ``connectors``;
- :mod:`relmap.cli.serve`: ``query``, ``dashboard``;
- :mod:`relmap.cli.common`: the options they share and the error handling (exit codes).

Every command takes ``--store`` and ``--json``. Exit codes: 0 success, 1 an unexpected
failure, 2 bad input or usage (nothing written), 3 the store is unreachable or refused us.
"""

from __future__ import annotations

import gc
import sys

import click

from relmap import __version__
from relmap.cli import analysis, bulk, data, imports, serve

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="relmap")
def cli() -> None:
    """relmap: who knows whom, which accounts hang on one rep, and how to get introduced.

    Load a folder of CSV files with `relmap ingest DIR`, then ask questions. Every
    command takes --store (the embedded store ./relmap-data by default, or a Neo4j
    URI) and --json.
    """


for _group in (data, bulk, imports, analysis, serve):
    for _command in _group.COMMANDS:
        cli.add_command(_command)


#: The commands that run an analysis: they build hundreds of thousands of small objects at once
#: (every rep's ties, a search's neighbourhood), which the cyclic garbage collector would walk
#: again and again as they are made, for nothing (they hold no reference cycles). The process
#: is short-lived: :func:`main` switches the collector off for them (reference counting still
#: frees everything). At 100k people that takes a fifth off ``relmap risk`` and over a third
#: off the stages of every account.
ANALYSES = frozenset(str(command.name) for command in analysis.COMMANDS)


def main() -> None:
    """Console-script entry point."""
    if len(sys.argv) > 1 and sys.argv[1] in ANALYSES:
        gc.disable()
    cli(prog_name="relmap")
