"""Partner submissions: a partner agency's rows for a round, pending until staff review them.

A submission is stored in its own table (:class:`lib.models.Submission`), never in the live
tables, so no shared view, count, overview or pack sees it. Staff **approve** it (its rows
are then imported through the one pipeline, :func:`lib.ingest.import_bytes`: the same check,
history and revert, the submission recording its upload in the same transaction) or
**return** it with a reason the partner sees. Every step is audited.

The agency rule is checked here, on the server, whatever a page sends: every row must be
for the submitter's own agency and the submission's round, and no row may overwrite a live
row of another agency.

One module per concern: :mod:`~lib.submissions.rules` (what may be submitted, the agency rule,
the one-record form; pure), :mod:`~lib.submissions.store` (check against the live data, submit,
list, review), :mod:`~lib.submissions.approval` (approve through the pipeline, return with a
reason) and :mod:`~lib.submissions.display` (what the pages show).
"""

from lib.submissions.approval import Outcome, approve, return_to_agency
from lib.submissions.display import (
    DISPLAY_COLUMNS,
    counts_line,
    dataset_label,
    for_display,
    label_of,
    outcome_notice,
    status_label,
)
from lib.submissions.rules import (
    APPROVED,
    DATASET_LABELS,
    LIST_COLUMNS,
    MAX_REASON_LENGTH,
    MAX_SUBMISSION_BYTES,
    PENDING,
    PREVIEWS_SHOWN,
    RETURNED,
    STATUS_LABELS,
    SUBMITTABLE,
    SubmissionRefused,
    addressee_problems,
    agency_problems,
    form_fields,
    form_file,
    form_options,
    user_agency,
)
from lib.submissions.store import Review, SubmissionCheck, check, check_for, list_for, review, rows_of, submit

__all__ = [
    "APPROVED",
    "DATASET_LABELS",
    "DISPLAY_COLUMNS",
    "LIST_COLUMNS",
    "MAX_REASON_LENGTH",
    "MAX_SUBMISSION_BYTES",
    "PENDING",
    "PREVIEWS_SHOWN",
    "RETURNED",
    "STATUS_LABELS",
    "SUBMITTABLE",
    "Outcome",
    "Review",
    "SubmissionCheck",
    "SubmissionRefused",
    "addressee_problems",
    "agency_problems",
    "approve",
    "check",
    "check_for",
    "counts_line",
    "dataset_label",
    "for_display",
    "form_fields",
    "form_file",
    "form_options",
    "label_of",
    "list_for",
    "outcome_notice",
    "return_to_agency",
    "review",
    "rows_of",
    "status_label",
    "submit",
    "user_agency",
]
