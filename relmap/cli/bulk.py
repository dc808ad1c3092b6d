"""``relmap neo4j-import``: a folder of input files as files for Neo4j's bulk importer.

A thin layer over :func:`graph.store.neo4j.bulk.write_import`: the folder is validated as
``relmap ingest`` does, loaded into a scratch embedded store (which computes the derived data),
and written out in the Neo4j store's model.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import click

from relmap.cli.common import config_option, counts_line, echo_rejected, echo_warnings, handle_errors, load_weights
from relmap.output import emit_json, progress_bar

__all__ = ["neo4j_import", "COMMANDS"]


@click.command("neo4j-import")
@click.argument("folder", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option("--skip-invalid", "rejects", type=click.Path(path_type=Path, dir_okay=False), metavar="REJECTS.csv",
              help="Write the valid rows; write the rejected ones, with their reasons, to REJECTS.csv.")
@config_option
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document on standard output (messages go to standard error).")
@handle_errors
def neo4j_import(folder: Path, out: Path, rejects: Path | None, config_path: Path | None, as_json: bool) -> None:
    """Write FOLDER, with its derived data, as files for Neo4j's bulk importer into OUT.

    For a first load of a large graph into an empty Neo4j database: Neo4j's own
    `neo4j-admin database import full` writes the files offline, the whole load in
    about a third of the time `relmap ingest` takes through Cypher. FOLDER is validated as `relmap ingest` does
    (nothing is written on a problem, exit 2). Then, with Neo4j stopped, in OUT:

        neo4j-admin database import full neo4j @import.args

    and start Neo4j: the first relmap command creates its indexes. From then on,
    `relmap ingest` refreshes the store as usual.
    """
    from graph.store.neo4j.bulk import ARGS_FILE, write_import
    from graph.store.sqlite.spill import Spill
    from graph.store.sqlite.store import FILE_NAME, SQLiteStore
    from ingest import check_folder

    weights = load_weights(config_path)
    started = time.perf_counter()
    with progress_bar() as progress, Spill() as spill:
        data, report = check_folder(folder, rejects=rejects, progress=progress, spill=spill, halves=True)
        out.mkdir(parents=True, exist_ok=True)
        for left in out.glob(".relmap-embedded-*"):  # by a run that was killed
            shutil.rmtree(left, ignore_errors=True)
        scratch = Path(tempfile.mkdtemp(prefix=".relmap-embedded-", dir=out))
        try:
            with SQLiteStore(scratch) as embedded:
                embedded.load(data, progress=progress, weights=weights)
                counts = embedded.counts()
            files = write_import(scratch / FILE_NAME, out, progress=progress)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    echo_warnings(report)
    seconds = round(time.perf_counter() - started, 3)
    command = ["neo4j-admin", "database", "import", "full", "neo4j", f"@{ARGS_FILE}"]
    if as_json:
        emit_json({"out": str(out), "ingested": counts, "files": files, "command": command,
                   "warnings": [str(w) for w in report.warnings], "seconds": seconds})
        return
    click.echo(f"Wrote {counts_line(counts)} with their derived data to {out} for Neo4j's bulk importer "
               f"({sum(files.values()):,} rows in {len(files)} files, {seconds:.1f} s).")
    click.echo(f"Next, with Neo4j stopped: cd {out} && {' '.join(command)}")
    click.echo("then start Neo4j; the first relmap command on it creates its indexes.")
    if rejects is not None:
        echo_rejected(report, rejects)


COMMANDS = [neo4j_import]
