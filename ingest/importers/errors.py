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
    r"""A source file that is not of its kind (binary, truncated, another format), or a folder file
    relmap cannot merge into safely; nothing is written.

    The message is one printable line: what a file holds (a new line in a header cell, an
    escape sequence) is shown escaped.

    >>> str(SourceFileError("a.csv: no 'id' column (its header is: Na\x1bme)"))
    "a.csv: no 'id' column (its header is: Na\\x1bme)"
    """

    def __init__(self, message: str) -> None:
        if not message.isprintable():
            message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
        super().__init__(message)
