"""Reading and validating relmap's input files, and handing clean data to a store.

This package knows the input contract, not the storage engines: it produces a
:class:`graph.model.Dataset` and calls :meth:`graph.store.Store.load`.
"""

from ingest.load import IngestReport, check_folder, ingest_folder
from ingest.validate import REQUIRED_FILES, Validation, validate_folder

__all__ = ["IngestReport", "check_folder", "ingest_folder", "Validation", "validate_folder", "REQUIRED_FILES"]
