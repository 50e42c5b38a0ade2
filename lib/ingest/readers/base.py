"""The interface every layout reader implements, and what it is told about a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from lib.datasets import Dataset
from lib.ingest.results import Parsed


@dataclass(frozen=True)
class ReadContext:
    """What a reader knows about a file before reading it."""

    dataset: Dataset
    delimiter: str
    header: list[str]  # the names of the header line, stripped
    source: str | None = None  # the label of a UN export's values
    series: pd.DataFrame = field(default_factory=pd.DataFrame)  # the series catalogue


class Reader(Protocol):
    """One file layout."""

    name: str

    def accepts(self, ctx: ReadContext) -> bool:
        """Whether the file (known by its header line) is in this layout."""
        ...

    def read(self, text: str, ctx: ReadContext) -> Parsed:
        """The file's rows as strings in the template's columns; raises ImportRejected."""
        ...
