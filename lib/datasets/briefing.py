"""What staff prepare for a round's briefing: their edits of the key messages, and the MDG
indicators and countries the pack shows.

Both are datasets like the others, so a change made on the "Prepare the briefing" page is an
upload of one row (lib.edits): checked, previewed, audited, listed in the upload history and
reverted there exactly.
"""

from __future__ import annotations

from lib.datasets.base import (
    ILLUSTRATIVE,
    REF_COUNTRY,
    REF_INDICATOR,
    REF_ROUND,
    AtMostValues,
    Col,
    Dataset,
    EmptyUnless,
    RequiredWhen,
)
from lib.i18n import N_

#: What an edit does: reword or drop a computed message, add one, or nothing (the computed
#: message as it is, or an added message withdrawn: how an edit is undone without a revert).
MESSAGE_ACTIONS = ("reword", "drop", "add", "none")
MAX_MESSAGE_CHARS = 600  # one paragraph a principal reads in a breath; the pack's page 2 holds them
MAX_ADDED_MESSAGES = 4  # added by staff, per round, beside the computed ones
MAX_POSITION = 12
MESSAGE_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
#: One paragraph: no line breaks, tabs or other control characters.
MESSAGE_TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"
MAX_PACK_INDICATORS = 2  # with 8 countries each, the pack keeps to 12 pages before its annex
MAX_PACK_COUNTRIES = 8  # lib.briefing.data.MAX_COUNTRIES (the MDG page's limit), tested equal

BRIEFING_MESSAGES = Dataset(
    name="briefing-messages",
    table="briefing_message",
    title=N_("Key messages edited by staff"),
    description=N_(
        "Per consultation round, the key messages staff reworded, dropped or added: the briefing "
        "page and the pack show them in place of the computed ones."
    ),
    key=("round_id", "message_key"),
    columns=(
        Col("round_id", "str", N_("consultation round"), "2008-H2", ref=REF_ROUND),
        Col(
            "message_key",
            "str",
            N_("the computed message's key (e.g. ap-overdue), or a new key for an added message"),
            "staff-1",
            pattern=MESSAGE_KEY_PATTERN,
            pattern_hint="lower-case letters, digits and '-', at most 40, e.g. staff-1",
        ),
        Col(
            "action",
            "str",
            N_("reword, drop, add, or none (the computed message as it is)"),
            "add",
            allowed=MESSAGE_ACTIONS,
            lower=True,
        ),
        Col(
            "text",
            "str",
            N_("the message as principals read it (reword and add only; one paragraph)"),
            "The consultation should welcome the new human rights adviser in Nepal.",
            required=False,
            max_length=MAX_MESSAGE_CHARS,
            pattern=MESSAGE_TEXT_PATTERN,
            pattern_hint="one paragraph, without line breaks or control characters",
        ),
        Col(
            "position",
            "int",
            N_("where an added message goes in the list (1: first); add only"),
            "1",
            required=False,
            min=1,
            max=MAX_POSITION,
        ),
        ILLUSTRATIVE,
    ),
    rules=(
        RequiredWhen("text", "action", ("reword", "add"), "A reworded or added message needs its text."),
        EmptyUnless("text", "action", ("reword", "add"), "Only a reworded or added message has a text."),
        RequiredWhen("position", "action", ("add",), "An added message needs its position in the list."),
        EmptyUnless("position", "action", ("add",), "Only an added message has a position."),
    ),
)

BRIEFING_CHOICE = Dataset(
    name="briefing-choice",
    table="briefing_choice",
    title=N_("MDG indicators and countries of the briefing pack"),
    description=N_(
        "Per consultation round, the MDG indicators and the countries the briefing pack shows; "
        "empty: the indicators whose ratings moved and the MDG page's default countries."
    ),
    key=("round_id",),
    columns=(
        Col("round_id", "str", N_("consultation round"), "2008-H2", ref=REF_ROUND),
        Col(
            "indicator_codes",
            "str",
            N_("MDG indicator codes, separated by semicolons; empty: those whose ratings moved"),
            "4.1; 5.1",
            required=False,
            ref=REF_INDICATOR,
            multiple=True,
        ),
        Col(
            "countries",
            "str",
            N_("countries (ISO 3166-1 alpha-3), separated by semicolons; empty: the MDG page's default"),
            "ETH; NGA",
            required=False,
            ref=REF_COUNTRY,
            multiple=True,
        ),
        ILLUSTRATIVE,
    ),
    rules=(
        AtMostValues(
            "indicator_codes",
            MAX_PACK_INDICATORS,
            f"At most {MAX_PACK_INDICATORS} indicators: the pack keeps to its pages.",
        ),
        AtMostValues(
            "countries",
            MAX_PACK_COUNTRIES,
            f"At most {MAX_PACK_COUNTRIES} countries, as on the MDG page.",
        ),
    ),
)
