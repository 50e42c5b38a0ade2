"""Stage 2: the delimiter of a text file (comma, semicolon or tab), read from its header line."""

from __future__ import annotations

import re


def first_line(text: str) -> str:
    """The text up to the first newline (without copying the rest, which may be 100 MB)."""
    end = text.find("\n")
    return text if end < 0 else text[:end]


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: comma, semicolon or tab (most frequent outside quotes)."""
    header = first_line(text).lstrip("\ufeff")
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
