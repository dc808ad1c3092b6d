"""The error an import raises for a source that is not what the command was told it is.

It is a :class:`graph.errors.UsageError` (exit 2): the command names the file and
what is wrong, and the input folder is left exactly as it was.

>>> str(SourceFileError("cal.ics: not an iCalendar file"))
'cal.ics: not an iCalendar file'
"""

from __future__ import annotations

from graph.errors import UsageError

__all__ = ["SourceFileError"]


class SourceFileError(UsageError):
    """A source file that is not of its kind (binary, truncated, another format), or a folder file
    relmap cannot merge into safely; nothing is written."""
