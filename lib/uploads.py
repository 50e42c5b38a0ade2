"""The upload, history and audit pages' logic, without Streamlit: check -> preview -> confirm,
revert, and the frames those pages show.

Texts shown on the pages are in the language of the current run (lib.i18n); the problem
messages themselves come from lib.ingest and stay English (they are also the CLI's output).

The pages keep a :class:`Preview` in the session between runs. A preview records
the data version it was made against, and :func:`confirm` passes that version to
:func:`lib.ingest.import_bytes`, so a confirmation made after someone else's
upload raises :class:`lib.ingest.StaleData` instead of writing over it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from lib import audit, i18n, ingest, reference
from lib.datasets import DATASETS
from lib.db import get_data_version
from lib.escape import md_escape
from lib.i18n import N_, _
from lib.ingest import MAX_UPLOAD_BYTES, ImportResult, Problem, StaleData

PROBLEM_LIMIT = 200  # problems shown on the page; the CSV download has them all
PROBLEM_COLUMNS = ["row", "column", "value", "what is wrong and how to fix it", "severity"]
STALE_MESSAGE = N_(
    "The data changed since your preview: another upload was confirmed first, so nothing was written. "
    "Your file has been checked again against the current data below; review the new preview and confirm again."
)


def upload_help(limit: int = MAX_UPLOAD_BYTES) -> str:
    """The file uploader's help text."""
    return _(
        "A CSV file (UTF-8 or Windows-1252; comma, semicolon or tab separated) or an Excel workbook "
        "(.xlsx: the sheet named after the dataset, else the first) of at most {size} MB, with the "
        "template's header (or, for MDG data, a UN MDG database export).",
        size=i18n.fmt_number(limit // ingest.MB),
    )


#: The file types the uploader accepts.
FILE_TYPES = ["csv", "txt", "xlsx"]


def uploader_options(nonce: int) -> dict:
    """The file uploader's key (``nonce`` is bumped after a write, for a fresh, empty uploader),
    accepted types and help text."""
    return {"key": f"upload_file_{nonce}", "type": FILE_TYPES, "help": upload_help(ingest.MAX_UPLOAD_BYTES)}


def step_text(step: str) -> str:
    """The progress bar's text for one step (the steps' own words come from lib.ingest, in English:
    they are the CLI's too)."""
    return _("Checking: {step}", step=step)


Progress = Callable[[float, str], None]


@dataclass
class Preview:
    """The dry run of one file, kept in the session until the user confirms or changes the file."""

    dataset: str
    filename: str
    sha256: str
    size: int
    version: int  # the data version the preview was made against
    result: ImportResult

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def writes(self) -> bool:
        """Whether confirming would change anything (new or modified rows)."""
        return self.result.ok and (self.result.new > 0 or self.result.modified > 0)

    def matches(self, dataset: str, sha256: str) -> bool:
        return self.dataset == dataset and self.sha256 == sha256


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def size_problem(size: int, limit: int = MAX_UPLOAD_BYTES) -> str | None:
    """A plain message when a file is over the limit (the browser's own check can be bypassed)."""
    if size <= limit:
        return None
    return _(
        "The file is {size} MB, larger than the limit of {limit} MB. "
        "Split it into smaller files and upload them one by one.",
        size=i18n.fmt_number(size / ingest.MB, 1),
        limit=i18n.fmt_number(limit / ingest.MB, 3, trim=True),
    )


def dataset_title(name: str) -> str:
    """A dataset's title in the current language, with its name (what the CLI calls it)."""
    return _(DATASETS[name].title) + f" ({name})"


def dataset_description(name: str) -> str:
    return _(DATASETS[name].description)


def template_csv(dataset: str) -> bytes:
    """The template file: the header and one example row (the CLI's ``template`` command)."""
    return ingest.to_csv_bytes(ingest.template_frame(dataset))


def template_description(engine: Engine, dataset: str) -> pd.DataFrame:
    """Every column of the template with its type and allowed values (codes read from the database)."""
    with engine.connect() as conn:
        refs = reference.load_refs(conn)
    desc = ingest.template_description(dataset, refs)
    # The words in the current language; column names and allowed codes are what the file must hold.
    desc["type"] = desc["type"].map(lambda t: _(TEMPLATE_TYPES.get(t, t)) if t in TEMPLATE_TYPES else t)
    desc["required"] = desc["required"].map({"yes": _("yes"), "no": _("no")}).fillna(desc["required"])
    marked = {c.description for c in DATASETS[dataset].columns}
    desc["description"] = desc["description"].map(lambda d: _(d) if d in marked else d)
    return desc


#: The template description's types (lib.ingest writes them in English).
TEMPLATE_TYPES = {
    "text": N_("text"),
    "whole number": N_("whole number"),
    "number": N_("number"),
    "date YYYY-MM-DD": N_("date YYYY-MM-DD"),
    "true/false": N_("true/false"),
}


def check(
    engine: Engine,
    dataset: str,
    raw: bytes,
    filename: str,
    *,
    user: str,
    progress: Progress | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> Preview:
    """Parse and validate a file and compare it with the database; writes nothing."""
    # Read the version BEFORE the dry run: an upload landing in between makes the
    # confirmation stale (safe), never a preview of data it did not see.
    with engine.connect() as conn:
        version = get_data_version(conn)
    res = ingest.import_bytes(
        engine, dataset, raw, filename, user=user, dry_run=True, max_bytes=max_bytes, progress=progress
    )
    return Preview(dataset, filename, res.sha256, len(raw), version, res)


def confirm(
    engine: Engine, preview: Preview, raw: bytes, *, user: str, progress: Progress | None = None
) -> ImportResult:
    """Write the previewed file in one transaction.

    Raises :class:`lib.ingest.StaleData` when the data changed since the preview,
    ValueError when ``raw`` is not the previewed file or the preview writes nothing.
    """
    if sha256_of(raw) != preview.sha256:
        raise ValueError(_("The file is not the one that was checked. Check it again."))
    if not preview.writes:
        raise ValueError(_("The preview has nothing to write."))
    return ingest.import_bytes(
        engine,
        preview.dataset,
        raw,
        preview.filename,
        user=user,
        expected_version=preview.version,
        progress=progress,
    )


def try_confirm(engine: Engine, preview: Preview, raw: bytes, *, user: str) -> ImportResult | None:
    """:func:`confirm`, or None when the data changed since the preview (show :data:`STALE_MESSAGE`)."""
    try:
        return confirm(engine, preview, raw, user=user)
    except StaleData:
        return None


def rejected_line(res: ImportResult) -> str:
    """The message above a rejected file's problems (the file name escaped for Markdown)."""
    return _(
        "{file}: rejected, {count} problem(s). Nothing was written.",
        file=md_escape(res.filename),
        count=i18n.fmt_number(res.error_count),
    )


def change_line(res: ImportResult) -> str:
    """``+N new, ~N modified, =N unchanged``."""
    n = i18n.fmt_number
    return _(
        "+{new} new, ~{modified} modified, ={unchanged} unchanged",
        new=n(res.new),
        modified=n(res.modified),
        unchanged=n(res.unchanged),
    )


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """All problems, errors first, in the page's columns (the CSV download)."""
    ordered = [p for p in problems if p.severity == "error"] + [p for p in problems if p.severity != "error"]
    df = pd.DataFrame(
        [(p.row, p.column or "", p.value or "", p.message, p.severity) for p in ordered],
        columns=PROBLEM_COLUMNS,
    )
    df["row"] = df["row"].astype("Int64")
    return df


def problem_table(problems: list[Problem], limit: int = PROBLEM_LIMIT) -> tuple[pd.DataFrame, int]:
    """The first ``limit`` problems (errors first) and how many more there are (kept or only counted)."""
    df = problems_frame(problems)
    return df.head(limit), max(len(df) - limit, 0) + getattr(problems, "omitted", 0)


def preview_sentence(res: ImportResult) -> str:
    """What confirming would do, in words, with the source an MDG file's values go under."""
    n = i18n.fmt_number
    text = _(
        "The file's {rows} rows: {new} new (not stored yet), {modified} modified (stored with other "
        "values) and {unchanged} unchanged (stored as they are).",
        rows=n(res.rows),
        new=n(res.new),
        modified=n(res.modified),
        unchanged=n(res.unchanged),
    )
    if res.source:
        text += " " + _("Its values are stored under the source “{source}”.", source=res.source)
    if res.elsewhere is not None and not res.elsewhere.empty:
        text += " " + _(
            "{count} of them are already stored, with the same value, under another source ({sources}).",
            count=n(int(res.elsewhere["values"].max())),
            sources=", ".join(map(str, res.elsewhere["source"].head(3))),
        )
    return text


def preview_tables(res: ImportResult) -> list[tuple[str, pd.DataFrame]]:
    """(heading, table) of a preview: the first rows as stored, the skipped rows, the modified cells."""
    out = []
    if res.sample is not None and not res.sample.empty:
        heading = _("The first {count} rows as they will be stored:", count=i18n.fmt_number(len(res.sample)))
        out.append((heading, res.sample))
    if res.warnings:
        out.append((skipped_heading(res), problems_frame(res.warnings)))
    if res.modified:
        out.append((modified_heading(res), modified_table(res)))
    return out


def more_problems_line(shown: int, rest: int) -> str:
    """The caption under a truncated problem table."""
    return _(
        "The first {shown} problems are shown; {rest} more are in the full list.",
        shown=i18n.fmt_number(shown),
        rest=i18n.fmt_number(rest),
    )


def skipped_heading(res: ImportResult) -> str:
    """The title of the rows a file skips (with a warning each)."""
    return _("{count} row(s) of the file will be skipped", count=i18n.fmt_number(len(res.warnings)))


def confirm_label(res: ImportResult) -> str:
    """The confirmation button's label."""
    return _("Confirm: write {count} rows", count=i18n.fmt_number(res.new + res.modified))


def confirm_notice(done: ImportResult | None) -> tuple[str, str]:
    """(kind, text) of the notice after a confirmation: written, or stale (None)."""
    if done is None:
        return "warning", _(STALE_MESSAGE)
    return "success", _(
        "Upload {upload} written: {changes}.", upload=done.upload_id, changes=change_line(done)
    )


def modified_heading(res: ImportResult) -> str:
    """The line above the modified rows (says when only the first of them are shown)."""
    if res.modified > ingest.PREVIEW_LIMIT:
        return _(
            "The first {shown} of {count} modified rows, old value beside new value:",
            shown=i18n.fmt_number(ingest.PREVIEW_LIMIT),
            count=i18n.fmt_number(res.modified),
        )
    return _("Modified rows, old value beside new value:")


def modified_table(res: ImportResult) -> pd.DataFrame:
    """Changed cells of modified rows: key, column, old value beside new value (as text)."""
    mp = res.modified_preview
    if mp is None or mp.empty:
        return pd.DataFrame(columns=["key", "column", "old value", "new value"])

    def text(v: object) -> str:
        return "" if v is None or (isinstance(v, float) and v != v) else str(v)

    return pd.DataFrame(
        {
            "key": mp["key"].astype(str),
            "column": mp["column"].astype(str),
            "old value": mp["old"].map(text),
            "new value": mp["new"].map(text),
        }
    )


def upload_file(engine: Engine, upload_id: int) -> bytes:
    """The bytes of an upload's file as it was uploaded (empty when it was not kept)."""
    return ingest.upload_file(engine, upload_id)[1] or b""


#: The audit page's filter: a kind of event (English, shown translated) -> the audit actions it covers.
AUDIT_KINDS: dict[str, tuple[str, ...]] = {
    N_("Sign-ins"): ("signin.ok",),
    N_("Failed sign-ins"): ("signin.failed", "setup.failed"),
    N_("Sign-outs"): ("signout", "session.revoke"),
    N_("Uploads"): ("upload",),
    N_("Reverts"): ("revert",),
    N_("Submissions"): ("submission.create", "submission.refused", "submission.approve", "submission.return"),
    N_("Reminders"): ("reminder.sent",),
    N_("User changes"): (
        "user.create",
        "user.set_role",
        "user.set_agency",
        "user.reset_password",
        "user.activate",
        "user.deactivate",
        "user.language",
        "setup.claimed",
        "setup.code_issued",
    ),
}


def audit_view(engine: Engine, kinds: list[str] | None = None, limit: int = 500) -> pd.DataFrame:
    """The latest ``limit`` audit events, newest first, only those of ``kinds`` when given."""
    log = audit.audit_log(engine, limit)
    if kinds:
        actions = {a for k in kinds for a in AUDIT_KINDS[k]}
        log = log[log["action"].isin(actions)].reset_index(drop=True)
    return log
