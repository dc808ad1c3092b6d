"""Real sources in: CRM exports, calendars, mailboxes, LinkedIn and address books, into an input folder.

``relmap import KIND SOURCE... --into DIR`` reads exports of one kind and merges
what they say into the six CSV files of ``DIR`` (see the README's input files),
which ``relmap ingest DIR`` then loads. One module per idea:

- :mod:`~ingest.importers.run`: the import as a whole, all or nothing;
- :mod:`~ingest.importers.folder`: the input folder read, changed and written atomically;
- :mod:`~ingest.importers.identity`: who is who (people and organisations matched);
- :mod:`~ingest.importers.review`: possible duplicates for a person to decide;
- :mod:`~ingest.importers.merge`: the rows an import adds (interactions, ties, accounts, deals);
- one module per kind: :mod:`~ingest.importers.salesforce`, :mod:`~ingest.importers.hubspot`,
  :mod:`~ingest.importers.linkedin`, :mod:`~ingest.importers.ics`, :mod:`~ingest.importers.mail`,
  :mod:`~ingest.importers.vcard`; and what they share (:mod:`~ingest.importers.values`,
  :mod:`~ingest.importers.sourcecsv`, :mod:`~ingest.importers.icsparse`,
  :mod:`~ingest.importers.mailheaders`, :mod:`~ingest.importers.typetable`).

Only who met whom, when and how is kept: never message bodies or event
descriptions, and subject lines only when asked (``keep_subjects``).
"""

from ingest.importers.errors import SourceFileError
from ingest.importers.merge import Options, Skip
from ingest.importers.run import KINDS, ImportReport, import_sources
from ingest.importers.typetable import TypeTable

__all__ = ["KINDS", "ImportReport", "Options", "Skip", "SourceFileError", "TypeTable", "import_sources"]
