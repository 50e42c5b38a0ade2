"""The import pipeline: decode -> sniff -> read the layout -> validate -> one transactional upsert.

Every stage is a module of its own; problems are returned as :class:`Problem` rows (row,
column, value, message, reason) instead of being printed, so the CLI and the upload page show
the same thing. A file with any error changes nothing. Row numbers are the file's line
numbers with the header as row 1.

=================  ================================================================
module             concern
=================  ================================================================
``results``        limits, Problem/Reason, Parsed, ImportResult, the exceptions,
                   and :func:`problems_of` (exception -> problems, in one place)
``decode``         bytes -> text (encodings, size limit)
``sniff``          the delimiter of the header line
``readers``        one reader per layout (tidy template, UN MDG wide export)
``validate``       typing, the pandera schema of the value rules, row rules, keys
``staging``        staging table, new/modified/unchanged, upsert, the write lock
``summary``        observation_summary upkeep
``pipeline``       :func:`import_bytes`: the stages in order, one transaction
``revert``         :func:`revert`
``files``          history, an upload's file, export, templates
=================  ================================================================

This module is the public API: pages, the CLI, the seed and the benchmarks import from here.
"""

from __future__ import annotations

from lib.ingest.decode import decode
from lib.ingest.files import (
    export_frame,
    history,
    template_description,
    template_frame,
    to_csv_bytes,
    upload_file,
)
from lib.ingest.pipeline import default_source, import_bytes, read_file
from lib.ingest.readers import parse
from lib.ingest.results import (
    MAX_UPLOAD_BYTES,
    MB,
    PREVIEW_LIMIT,
    ImportRejected,
    ImportResult,
    Parsed,
    Problem,
    Reason,
    RevertRefused,
    StaleData,
    problems_of,
)
from lib.ingest.revert import REVERT_TYPED_ABOVE, revert, revert_preview
from lib.ingest.sniff import sniff_delimiter
from lib.ingest.validate import build_schema, validate

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MB",
    "PREVIEW_LIMIT",
    "REVERT_TYPED_ABOVE",
    "ImportRejected",
    "ImportResult",
    "Parsed",
    "Problem",
    "Reason",
    "RevertRefused",
    "StaleData",
    "build_schema",
    "decode",
    "default_source",
    "export_frame",
    "history",
    "import_bytes",
    "parse",
    "problems_of",
    "read_file",
    "revert",
    "revert_preview",
    "sniff_delimiter",
    "template_description",
    "template_frame",
    "to_csv_bytes",
    "upload_file",
    "validate",
]
