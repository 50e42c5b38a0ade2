"""Reminders of what is due in a round: one message per partner agency or OHCHR unit, in the
recipient's language, written to files or sent by SMTP, and recorded (``reminder_sent``).

SMTP is used only when ``[smtp]`` is configured in ``.streamlit/secrets.toml`` (``host``,
``port`` and ``from`` required; ``starttls``, ``user`` and ``password`` optional): there is
no default server. The texts go through lib.i18n (English, French, Spanish); the recipient's
language is the one most of its users chose (English when none has a user).
"""

from __future__ import annotations

import re
import smtplib
import ssl
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, insert, select

from lib import due, i18n, queries, submissions
from lib.audit import audit
from lib.auth import list_users
from lib.db import writer
from lib.i18n import _
from lib.models import ReminderSent
from lib.paths import ROOT

SECRETS = ROOT / ".streamlit" / "secrets.toml"
SMTP_TIMEOUT_S = 30


@dataclass(frozen=True)
class SmtpSettings:
    """Where reminders are sent (``[smtp]`` of the secrets file)."""

    host: str
    port: int
    sender: str
    starttls: bool = False
    user: str | None = None
    password: str | None = None


def smtp_settings(path: Path = SECRETS) -> SmtpSettings | None:
    """The ``[smtp]`` settings, or None when the file or the section is absent; ValueError when incomplete."""
    if not path.is_file():
        return None
    try:
        conf = tomllib.loads(path.read_text(encoding="utf-8")).get("smtp")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}") from None
    if conf is None:
        return None
    missing = [k for k in ("host", "port", "from") if not conf.get(k)]
    if missing:
        raise ValueError(f"[smtp] in {path} needs {', '.join(missing)}")
    try:
        port = int(conf["port"])
    except (TypeError, ValueError):
        raise ValueError(f"[smtp] port in {path} must be a number") from None
    if (conf.get("user") is None) != (conf.get("password") is None):
        raise ValueError(f"[smtp] in {path}: give both user and password, or neither")
    return SmtpSettings(
        str(conf["host"]),
        port,
        str(conf["from"]),
        bool(conf.get("starttls", False)),
        conf.get("user"),
        conf.get("password"),
    )


@dataclass
class Reminder:
    """One reminder: who it is for, in which language, to which addresses, and what it says."""

    round_id: str
    kind: str  # agency / unit
    recipient: str
    language: str
    addresses: list[str] = field(default_factory=list)
    subject: str = ""
    body: str = ""

    def message(self, sender: str | None = None, *, readable: bool = False) -> EmailMessage:
        """The e-mail; ``readable``: the body as plain 8-bit text (files), else quoted-printable (SMTP)."""
        msg = EmailMessage()
        if sender:
            msg["From"] = sender
        if self.addresses:
            msg["To"] = ", ".join(self.addresses)
        msg["Subject"] = self.subject
        msg.set_content(self.body, cte="8bit" if readable else None)
        msg["Content-Language"] = self.language  # after set_content, which drops Content-* headers
        return msg


def _language(users: pd.DataFrame) -> str:
    """The language most of these users chose; English on a tie with English or for nobody."""
    counts = Counter(users["language"])
    if not counts:
        return i18n.DEFAULT_LANGUAGE
    best = max(counts.values())
    top = sorted(lang for lang, n in counts.items() if n == best)
    return i18n.DEFAULT_LANGUAGE if i18n.DEFAULT_LANGUAGE in top else top[0]


def _people(users: pd.DataFrame, column: str, value: str) -> pd.DataFrame:
    return users.loc[users["active"].astype(bool) & (users[column] == value)]


def due_in_round(
    engine: Engine, round_id: str, as_of: date | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(action 2 reports per agency, overdue action points per unit) of ``round_id``, read from the database."""
    rounds = queries.rounds(engine)
    pending = submissions.list_for(engine, {"role": "admin"}, status=submissions.PENDING)
    a2 = due.action2_due(
        queries.activities(engine),
        queries.agencies(engine)["code"],
        rounds,
        round_id,
        as_of,
        pending,
    )
    return a2, due.overdue_points(queries.progress_reports(engine), rounds, round_id)


def _agency_text(round_id: str, title: str, row) -> tuple[str, str]:
    subject = _("Reminder: your action 2 report for the consultation round {round}", round=round_id)
    when = i18n.fmt_date(row.cutoff_date)
    lines = [
        _("To the focal point of {agency},", agency=row.agency),
        "",
        _(
            "OHCHR has not yet received the action 2 report of {agency} for the consultation round {round} "
            "({title}), due by {date}.",
            agency=row.agency,
            round=round_id,
            title=title,
            date=when,
        ),
        _("Last round reported: {round}.", round=row.last_round or _("never")),
        "",
        _(
            "Please submit the activities on the dashboard's Submit page (one record, or a CSV file "
            "checked before it is sent). OHCHR staff review them before they are published."
        ),
    ]
    return subject, "\n".join(lines) + "\n"


def _unit_text(round_id: str, title: str, unit: str, points: pd.DataFrame) -> tuple[str, str]:
    subject = _("Reminder: overdue action points of your unit, consultation round {round}", round=round_id)
    lines = [
        _("To the focal point of {unit},", unit=unit),
        "",
        _(
            "As of the cut-off of the consultation round {round} ({title}), these action points led by your "
            "unit are overdue:",
            round=round_id,
            title=title,
        ),
    ]
    for p in points.itertuples():
        lines.append(
            "- "
            + _(
                "action point {point}: due {date}, {days} day(s) overdue, status {status}",
                point=p.action_point_id,
                date=i18n.fmt_date(p.due_date),
                days=i18n.fmt_number(p.days_overdue),
                status=i18n.label(p.status),
            )
        )
    lines += ["", _("Please send their progress to the dashboard's staff for the next upload.")]
    return subject, "\n".join(lines) + "\n"


def build(engine: Engine, round_id: str, as_of: date | None = None) -> list[Reminder]:
    """The reminders of ``round_id``: each agency that owes its action 2 report, each unit with
    overdue action points, in its language, with the e-mail addresses of its active users."""
    rounds = queries.rounds(engine)
    if round_id not in set(rounds["id"]):
        raise ValueError(_("There is no consultation round {round}.", round=repr(round_id)))
    title = str(rounds.set_index("id").loc[round_id, "title"])
    a2, points = due_in_round(engine, round_id, as_of)
    users = list_users(engine)
    out = []
    for row in due.owed_by(a2).itertuples():
        people = _people(users, "agency", row.agency)
        lang = _language(people)
        with i18n.language(lang):
            subject, body = _agency_text(round_id, title, row)
        out.append(
            Reminder(round_id, "agency", row.agency, lang, sorted(people["email"].dropna()), subject, body)
        )
    for unit, rows in points.groupby("lead_unit", sort=True):
        people = _people(users, "unit", unit)
        lang = _language(people)
        with i18n.language(lang):
            subject, body = _unit_text(round_id, title, str(unit), rows)
        out.append(
            Reminder(round_id, "unit", str(unit), lang, sorted(people["email"].dropna()), subject, body)
        )
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "recipient"


def write_files(reminders: list[Reminder], out_dir: Path, sender: str | None = None) -> list[Path]:
    """Each reminder as an e-mail file (``.eml``, readable as text) in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for r in reminders:
        path = out_dir / f"reminder-{r.round_id}-{r.kind}-{_slug(r.recipient)}.eml"
        path.write_bytes(r.message(sender, readable=True).as_bytes())
        paths.append(path)
    return paths


def send(reminders: list[Reminder], settings: SmtpSettings) -> tuple[list[Reminder], list[Reminder]]:
    """Send the reminders that have addresses over one SMTP connection: (sent, without an address)."""
    with_addr = [r for r in reminders if r.addresses]
    if with_addr:
        with smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_S) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user is not None:
                smtp.login(settings.user, settings.password or "")
            for r in with_addr:
                smtp.send_message(r.message(settings.sender))
    return with_addr, [r for r in reminders if not r.addresses]


def record(engine: Engine, reminders: list[Reminder], channel: str, actor: str = "cli") -> None:
    """Record the reminders that went out (and audit them), in one transaction."""
    if not reminders:
        return
    now = datetime.now(UTC)
    with writer(engine).begin() as conn:
        conn.execute(
            insert(ReminderSent.__table__),
            [
                {
                    "round_id": r.round_id,
                    "recipient_kind": r.kind,
                    "recipient": r.recipient,
                    "channel": channel,
                    "language": r.language,
                    "addresses": ", ".join(r.addresses) if channel == "smtp" else "",
                    "sent_at": now,
                    "sent_by": actor,
                }
                for r in reminders
            ],
        )
        for r in reminders:
            audit(
                conn,
                actor,
                "reminder.sent",
                f"{r.round_id} {r.kind} {r.recipient} by {channel} ({r.language})",
            )


def sent_frame(engine: Engine) -> pd.DataFrame:
    """Every reminder recorded (round_id, recipient_kind, recipient, channel, language, sent_at), oldest first."""
    t = ReminderSent.__table__
    cols = ["round_id", "recipient_kind", "recipient", "channel", "language", "sent_at"]
    with engine.connect() as conn:
        rows = conn.execute(select(*[t.c[c] for c in cols]).order_by(t.c.id)).all()
    df = pd.DataFrame([tuple(r) for r in rows], columns=cols)
    df["sent_at"] = pd.to_datetime(df["sent_at"], utc=True)
    return df
