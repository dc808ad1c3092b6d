"""What every ``relmap`` command shares: the options defined once, and errors turned into exit codes.

Exit codes: 0 success, 1 an unexpected failure, 2 bad input or usage (nothing written),
3 the store is unreachable or refused us.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from graph.errors import InputError, RelmapError
from graph.store import DEFAULT_STORE
from graph.store.consistency import retrying
from relmap.output import emit_json, stderr

if TYPE_CHECKING:  # the analyses (and NetworkX) are imported by the commands that use them
    from graph.analysis.config import Config
    from ingest.load import IngestReport

__all__ = ["store_options", "config_option", "analysis_options", "handle_errors", "echo_warnings", "echo_rejected",
           "settings", "load_weights", "counts_line", "counted", "COUNTED"]

F = TypeVar("F", bound=Callable[..., Any])


def config_option(func: F) -> F:
    """``--config FILE`` (env ``RELMAP_CONFIG``): the TOML file overriding weights and thresholds."""
    return click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
                        envvar="RELMAP_CONFIG", default=None, metavar="FILE",
                        help="A TOML file overriding weights and thresholds. Env: RELMAP_CONFIG.")(func)


def store_options(func: F) -> F:
    """The options every command shares: ``--store`` and ``--json``."""
    func = click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON document on standard output (messages go to standard error).")(func)
    func = click.option("--store", "store", envvar="RELMAP_STORE", default=DEFAULT_STORE, show_default=True,
                        metavar="S", help="A folder for the embedded store, or a neo4j:// / bolt:// URI "
                                          "(credentials from NEO4J_USER / NEO4J_PASSWORD). Env: RELMAP_STORE.")(func)
    return func


def analysis_options(func: F) -> F:
    """The options every analysis command shares: ``--as-of`` and ``--config``, plus the store ones."""
    func = config_option(func)
    func = click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        metavar="DATE", help="Analyse as of this date (YYYY-MM-DD; default today): evidence "
                                             "after it is ignored, recency is measured from it.")(func)
    return store_options(func)


def settings(as_of: datetime | None, config_path: Path | None) -> tuple[date, "Config"]:
    """The analysis date (default today) and the configuration of ``--as-of`` and ``--config``."""
    from graph.analysis.config import load_config

    return (as_of.date() if as_of else date.today()), load_config(config_path)


def load_weights(config_path: Path | None) -> dict[str, float]:
    """The type weights a load keeps the team's ties with: the configuration's."""
    from graph.analysis.config import load_config

    return load_config(config_path).weights()


#: What each count of a store or an input folder counts, in words: ``accounts`` counts the rows
#: of accounts.csv, rep-account assignments (an account may have several reps, and an account
#: with none is still an account).
COUNTED = {"organisations": "organisation", "people": "person", "friendships": "friendship",
           "interactions": "interaction", "accounts": "account assignment", "deals": "deal"}


def counted(key: str) -> str:
    """The label of a count (plural): ``counted("accounts") == "account assignments"``."""
    from graph.analysis.words import noun

    return noun(2, COUNTED[key]) if key in COUNTED else key


def counts_line(counts: dict[str, int]) -> str:
    """``"10 organisations, 1 person, ..."``, each count with its noun (:data:`COUNTED`)."""
    from graph.analysis.words import plural

    return ", ".join(plural(n, COUNTED[k]) if k in COUNTED else f"{n:,} {k}" for k, n in counts.items())


def echo_warnings(report: "IngestReport") -> None:
    """Each thing the validation ignored on purpose (an unknown column or file), on stderr."""
    for w in report.warnings:
        stderr.print(f"warning: {w}", markup=False, emoji=False)


def echo_rejected(report: "IngestReport", rejects: Path) -> None:
    """Say how many rows ``--skip-invalid`` set aside into ``rejects``, and why."""
    from graph.analysis.words import plural

    if not report.rejected:
        click.echo(f"No rows rejected ({rejects} holds the header only).")
        return
    click.echo(f"Rejected {plural(report.rejected, 'row')}; the reasons, row by row, are in {rejects}:")
    for count in report.rejected_by:
        click.echo(f"  {count}")


def handle_errors(func: F) -> F:
    """Run a command's work, again when a load changed the store under its reader
    (:func:`graph.store.consistency.retrying`), and turn relmap errors into their exit codes and
    clear messages (JSON too with ``--json``)."""
    work = retrying(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = kwargs.get("as_json", False)
        try:
            return work(*args, **kwargs)
        except RelmapError as exc:
            _report(exc, as_json)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            stderr.print("interrupted")
            sys.exit(130)
        except BrokenPipeError:  # the reader (head, less) went away: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("RELMAP_DEBUG"):
                raise
            message = f"unexpected error: {exc.__class__.__name__}: {exc} (rerun with RELMAP_DEBUG=1 for details)"
            if as_json:
                emit_json({"error": {"message": message, "exit_code": 1}})
            stderr.print(message, markup=False, emoji=False)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _report(exc: RelmapError, as_json: bool) -> None:
    if isinstance(exc, InputError):
        for p in exc.problems:
            stderr.print(str(p), markup=False, emoji=False)
        from graph.analysis.words import plural

        summary = exc.summary or (f"{plural(len(exc.problems), 'problem')} found; nothing was written. Fix the "
                                  "rows above, or pass --skip-invalid REJECTS.csv to load the valid rows and set "
                                  "the others aside.")
        stderr.print(summary, markup=False, emoji=False)
        if as_json:
            emit_json({"error": {"message": summary, "exit_code": exc.exit_code,
                                 "problems": [{"file": p.file, "line": p.line, "column": p.column,
                                               "message": p.message} for p in exc.problems]}})
        return
    stderr.print(f"Error: {exc}", markup=False, emoji=False)
    if as_json:
        emit_json({"error": {"message": str(exc), "exit_code": exc.exit_code}})
