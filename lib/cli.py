"""Command line: ``python -m lib.cli``, a thin shell over the same functions the upload page calls.

Exit codes: 0 success, 1 input rejected (problems on stderr, nothing written),
2 usage error. Every command reads ``DATABASE_URL``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import time
from pathlib import Path

from lib import i18n
from lib.datasets import DATASETS
from lib.paths import ROOT

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def _engine():
    from lib.db import make_engine, migrate

    engine = make_engine()
    migrate(engine)
    return engine


#: Control characters (terminal escape sequences among them) are shown escaped, never sent to the
#: terminal; a cell is cut to this many characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
SHOWN_CHARS = 120


def clean(text: object, limit: int = SHOWN_CHARS) -> str:
    """Text from a file made safe to print: control characters escaped, at most ``limit`` characters."""
    s = str(text)
    cut = len(s) > limit
    s = _CONTROL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}",
        s[:limit],
    )
    return s.replace("\n", "\\n") + (f"... ({len(str(text)):,} characters)" if cut else "")


def _print_problems(problems, limit: int = 200) -> None:
    for p in problems[:limit]:
        where = ", ".join(
            x for x in (f"row {p.row}" if p.row else "", f"column {clean(p.column)}" if p.column else "") if x
        )
        val = f" [{clean(p.value)}]" if p.value is not None and str(p.value) != "" else ""
        print(f"{p.severity}: {where or 'file'}{val}: {clean(p.message, 2000)}", file=sys.stderr)
    more = max(len(problems) - limit, 0) + getattr(problems, "omitted", 0)
    if more:
        print(f"... and {more:,} more problem(s).", file=sys.stderr)


def cmd_init(args) -> int:
    from lib.seed import init

    engine = _engine()
    results = init(engine)
    for r in results:
        print(r.summary())
    print("Database ready." if results else "Database ready (already initialised).")
    return EXIT_OK


def cmd_import(args) -> int:
    from lib.ingest import import_bytes

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no such file: {clean(path)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {clean(path)}: {clean(exc.strerror)}", file=sys.stderr)
        return EXIT_USAGE
    engine = _engine()
    res = import_bytes(
        engine,
        args.dataset,
        raw,
        path.name,
        user=args.user,
        dry_run=args.dry_run,
        source=args.source,
        # An explicit --source files the values apart even when another source holds them already.
        allow_other_source=args.source is not None,
        max_bytes=None if args.no_size_limit else int(args.max_mb * 1024 * 1024),
    )
    _print_problems(res.problems)
    print(clean(res.summary(), 2000))
    if res.ok and res.upload_id is not None:
        print(f"upload id {res.upload_id}; data version {res.data_version}")
        _warm(engine, res.data_version)
    return EXIT_OK if res.ok else EXIT_REJECTED


def _warm(engine, version: int) -> None:
    """Prepare the shared results the first page views need (lib.derived.warm), as the upload page does."""
    from lib import derived

    started = time.perf_counter()
    done = derived.warm(engine, version)
    # A write committed meanwhile by another process stops it early: that writer prepares its own.
    print(
        f"prepared for every app server: {', '.join(done) or 'nothing'} ({time.perf_counter() - started:.1f} s)"
    )


def cmd_export(args) -> int:
    from lib.ingest import export_frame, to_csv_bytes

    df = export_frame(_engine(), args.dataset)
    Path(args.file).write_bytes(to_csv_bytes(df))
    print(f"{len(df)} rows written to {args.file}")
    return EXIT_OK


def cmd_template(args) -> int:
    from lib.ingest import template_frame, to_csv_bytes

    Path(args.file).write_bytes(to_csv_bytes(template_frame(args.dataset)))
    print(f"template for {args.dataset} written to {args.file}")
    return EXIT_OK


def cmd_history(args) -> int:
    from lib.ingest import history

    df = history(_engine())
    if df.empty:
        print("No uploads yet.")
        return EXIT_OK
    cols = [
        "id",
        "dataset",
        "filename",
        "username",
        "created_at",
        "rows_new",
        "rows_modified",
        "rows_unchanged",
        "reverted_at",
    ]
    shown = df[cols].map(lambda v: clean(v, 60) if isinstance(v, str) else v)  # names come from users
    print(shown.to_string(index=False))
    return EXIT_OK


def _revert_confirmed(preview: dict, confirm: int | None) -> bool:
    """Show what a revert removes; a large one needs its upload id typed (or given as --confirm)."""
    uid = preview["upload_id"]
    if not preview["typed"]:
        return True
    print(f"Reverting upload {uid} removes {preview['removed']} row(s) and restores {preview['restored']}.")
    if preview["removed"]:
        print("The first rows it removes:")
        print(clean(preview["sample"].to_string(index=False, max_colwidth=40), 20000))
    if confirm == uid:
        return True
    if sys.stdin.isatty():
        return input(f"Type the upload id ({uid}) to confirm: ").strip() == str(uid)
    print(f"error: a revert of this size needs --confirm {uid}; nothing was changed.", file=sys.stderr)
    return False


def cmd_revert(args) -> int:
    from lib.ingest import RevertRefused, revert, revert_preview

    engine = _engine()
    try:
        if not _revert_confirmed(revert_preview(engine, args.upload_id), args.confirm):
            return EXIT_REJECTED
        out = revert(engine, args.upload_id, user=args.user)
    except RevertRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    print(
        f"Upload {out['upload_id']} reverted: {out['deleted']} rows removed, {out['restored']} rows restored."
    )
    _warm(engine, out["data_version"])
    return EXIT_OK


def cmd_create_user(args) -> int:
    import os

    from lib.auth import create_user, require_agency

    try:
        require_agency(args.role, args.agency, os.environ.get("AUTH_MODE", "local").strip().lower())
    except ValueError as exc:
        print(f"error: {exc} (--agency CODE)", file=sys.stderr)
        return EXIT_USAGE

    if args.no_password:
        password = None  # signs in through the organisation's provider (AUTH_MODE=oidc)
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return EXIT_REJECTED
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        create_user(
            _engine(),
            args.name,
            args.role,
            password=password,
            email=args.email,
            actor="cli",
            agency=args.agency,
            unit=args.unit,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"User {args.name} created with role {args.role}.")
    return EXIT_OK


def cmd_briefing(args) -> int:

    from lib.briefing import build_pack
    from lib.queries import rounds

    engine = _engine()
    known = list(rounds(engine)["id"])
    if args.round not in known:
        print(
            f"error: no round {args.round!r}; rounds: {', '.join(known) or 'none (run init first)'}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"error: no such directory: {out.parent}", file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()

    def progress(fraction: float, message: str) -> None:
        if not args.quiet:
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)

    from lib import preparation

    # The pack shows what staff stored for the round on "Prepare the briefing", else the defaults.
    chosen = preparation.stored_choice(engine, args.round)
    with i18n.language(args.language):  # the pack's words, dates and numbers (and its progress lines)
        pdf = build_pack(engine, args.round, progress=progress)
    out.write_bytes(pdf)
    print(
        f"MDG indicators: {'; '.join(chosen.indicators) or 'those whose ratings moved (default)'}; "
        f"countries: {'; '.join(chosen.countries) or 'the MDG page default for each indicator'}"
    )
    print(
        f"briefing pack for {args.round} written to {out} ({len(pdf):,} bytes, {time.perf_counter() - started:.1f} s)"
    )
    return EXIT_OK


def cmd_reminders(args) -> int:
    from datetime import date

    from lib import due, reminders

    engine = _engine()
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else None
        settings = reminders.smtp_settings(Path(args.secrets))
        msgs = reminders.build(engine, args.round, as_of)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    a2 = reminders.due_in_round(engine, args.round, as_of).action2
    late = a2.loc[a2["state"] == due.OVERDUE, "agency"]
    print(f"Agencies with an overdue action 2 report for {args.round}: {', '.join(late) or 'none'}")
    for m in msgs:
        to = ", ".join(m.addresses) or "no e-mail address on file"
        print(f"{m.kind} {m.recipient} ({m.language}): {to}")
    if not msgs:
        print("Nothing is due: no reminder to send.")
        return EXIT_OK
    if args.out or settings is None:
        out = Path(args.out or f"reminders-{args.round}")
        paths = reminders.write_files(msgs, out, settings.sender if settings else None)
        reminders.record(engine, msgs, "file", actor=args.user)
        print(f"{len(paths)} reminder(s) written to {out}")
        return EXIT_OK
    try:
        sent, skipped = reminders.send(msgs, settings)
    except (OSError, reminders.smtplib.SMTPException) as exc:
        print(f"error: sending through {settings.host}:{settings.port} failed: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    reminders.record(engine, sent, "smtp", actor=args.user)
    print(f"{len(sent)} reminder(s) sent through {settings.host}:{settings.port}")
    for m in skipped:
        print(f"warning: not sent to {m.kind} {m.recipient}: no e-mail address on file", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    datasets = list(DATASETS)

    p = sub.add_parser("init", help="migrate the database and load the seed data")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("import", help="import a CSV file (one transaction)")
    p.add_argument("dataset", choices=datasets)
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p.add_argument("--user", default="cli", help="who is importing (recorded in the history)")
    p.add_argument("--source", default=None, help="source label for a UN MDG export (default: UNSD MDG DB)")
    p.add_argument("--max-mb", type=float, default=50.0, help="largest file accepted, in MB (default 50)")
    p.add_argument("--no-size-limit", action="store_true", help="accept a file of any size")
    p.set_defaults(func=cmd_import)

    for name, func, text in (
        ("export", cmd_export, "export a dataset in its template layout"),
        ("template", cmd_template, "write a dataset's empty template (header and one example row)"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("dataset", choices=datasets)
        p.add_argument("file")
        p.set_defaults(func=func)

    p = sub.add_parser("history", help="list the uploads")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("revert", help="revert an upload exactly")
    p.add_argument("upload_id", type=int)
    p.add_argument("--user", default="cli")
    p.add_argument("--confirm", type=int, default=None, help="the upload id again: needed for a large revert")
    p.set_defaults(func=cmd_revert)

    p = sub.add_parser("create-user", help="create a user (password read from standard input)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["partner", "hc_office", "staff", "admin"])
    p.add_argument("--email", default=None, help="e-mail address (how OIDC sign-in finds the user)")
    p.add_argument("--no-password", action="store_true", help="an OIDC-only user (needs --email)")
    p.add_argument("--agency", default=None, help="partner agency code the user reports for (partners)")
    p.add_argument("--unit", default=None, help="OHCHR unit whose focal point the user is")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("reminders", help="remind each agency and unit of what is due in a round")
    p.add_argument("round", help="round id, e.g. 2008-H2")
    p.add_argument("--out", default=None, help="write the messages to this directory instead of sending them")
    p.add_argument(
        "--secrets", default=str(ROOT / ".streamlit" / "secrets.toml"), help="where [smtp] is read"
    )
    p.add_argument("--as-of", default=None, help="the date the report is judged overdue on (default today)")
    p.add_argument("--user", default="cli", help="who sends (recorded in the audit log)")
    p.set_defaults(func=cmd_reminders)

    p = sub.add_parser("briefing", help="build the briefing pack (PDF) of a round")
    p.add_argument("round", help="round id, e.g. 2008-H2")
    p.add_argument("--out", required=True, help="the PDF file to write")
    p.add_argument("--quiet", action="store_true", help="no progress messages on standard error")
    p.add_argument(
        "--language", choices=list(i18n.LANGUAGES), default=i18n.DEFAULT_LANGUAGE, help="the pack's language"
    )
    p.set_defaults(func=cmd_briefing)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # the output piped into `head`: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
