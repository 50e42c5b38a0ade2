"""Pure tests of the import stages (lib/ingest.py): decode, sniff_delimiter, parse, validate.

No database: inputs are built inline, validation gets a reference dict.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib.datasets import ACTION2, ACTION_POINTS, MDG, NY_WORKLOAD, ROUNDS, Dataset
from lib.ingest import (
    MAX_UPLOAD_BYTES,
    ImportRejected,
    Parsed,
    Problem,
    decode,
    default_source,
    parse,
    sniff_delimiter,
    validate,
)

SERIES = pd.DataFrame(
    [
        ("553", "5.1", "Maternal mortality ratio per 100,000 live births", "per 100,000 live births"),
        ("570", "5.2", "Births attended by skilled health personnel, percentage", "%"),
    ],
    columns=["code", "indicator_code", "name", "unit"],
)

REFS: dict[str, set[str]] = {
    "round": {"2008-H1", "2008-H2"},
    "action_point": {"127a", "134", "158"},
    "country": {"AFG", "ALB", "CIV", "KOR", "NPL", "ZWE"},
    "agency": {"UNDP", "UNICEF"},
    "indicator": {"4.1", "5.1", "5.2"},
}


def rejected(fn, *args, **kwargs) -> list[Problem]:
    """The problems of the ImportRejected that ``fn`` raises."""
    with pytest.raises(ImportRejected) as info:
        fn(*args, **kwargs)
    assert info.value.problems, "a rejection always carries at least one problem"
    return info.value.problems


def messages(problems: list[Problem]) -> str:
    return "\n".join(p.message for p in problems)


# --- decode ------------------------------------------------------------------------


def test_decode_plain_utf8():
    assert decode("id,title\n2009-H1,Genève\n".encode()) == ("id,title\n2009-H1,Genève\n", "utf-8")


def test_decode_strips_the_utf8_bom():
    text, enc = decode(b"\xef\xbb\xbfid,title\n2009-H1,x\n")
    assert enc == "utf-8"
    assert text.startswith("id,title")


def test_decode_falls_back_to_cp1252():
    raw = "country\nCôte d'Ivoire\n".encode("cp1252")
    assert b"\xf4" in raw
    text, enc = decode(raw)
    assert enc == "cp1252"
    assert "Côte d'Ivoire" in text


@pytest.mark.parametrize(
    "raw",
    [b"id,title\n2009-H1,x\x00\n", "id,title\n2009-H1,x\n".encode("utf-16")],
    ids=["nul", "utf-16"],
)
def test_decode_rejects_nul_bytes(raw):
    problems = rejected(decode, raw)
    assert "NUL" in problems[0].message


def test_decode_rejects_undecodable_bytes():
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid UTF-8.
    problems = rejected(decode, b"id,title\n2009-H1,\x81\x8d\n")
    assert "neither UTF-8 nor Windows-1252" in problems[0].message
    assert problems[0].value == "byte 0x81 at offset 17"


@pytest.mark.parametrize("raw", [b"", b"   \n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_decode_rejects_empty_files(raw):
    assert "empty" in messages(rejected(decode, raw))


def test_decode_size_limit_is_inclusive():
    raw = b"id\n" + b"x" * 97
    assert decode(raw, max_bytes=100)[0] == raw.decode()
    problems = rejected(decode, raw + b"x", max_bytes=100)
    assert "larger than the limit of 100 bytes" in problems[0].message
    assert problems[0].value == "101 bytes"
    assert decode(raw * 1000, max_bytes=None)[1] == "utf-8"


def test_decode_default_limit_is_50_mb():
    assert MAX_UPLOAD_BYTES == 50 * 1024 * 1024
    problems = rejected(decode, b"x" * (MAX_UPLOAD_BYTES + 1))
    assert "larger than the limit of 50 MB (52,428,800 bytes)" in problems[0].message
    assert problems[0].value == "52,428,801 bytes"


# --- sniff_delimiter -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2;3\n", ";"),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ('"x,y,z";b;c\n1;2;3\n', ";"),  # commas inside a quoted header name
        ('"a;b;c",d,e\n1,2,3\n', ","),
        ("a;b\n1,5;2,5\n", ";"),  # only the header counts (decimal commas below)
        ("\ufeffa;b;c\n", ";"),
        ("single\n1\n", ","),
        ("a,b;c\r\n1,2;3\r\n", ","),  # a tie goes to the comma
    ],
)
def test_sniff_delimiter(text, expected):
    assert sniff_delimiter(text) == expected


# --- parse: the UN MDG database's wide layout -------------------------------------------

UN_HEADER = (
    "CountryCode,Country,SeriesCode,MDG,Series,1990,Footnotes,Type,1991,Footnotes,Type,1992,Footnotes,Type"
)


def parse_un(text: str, source: str | None = None) -> Parsed:
    return parse(text, MDG, source=source, series=SERIES)


def test_parse_un_wide_with_repeated_footnotes_and_type_headers():
    text = (
        f"{UN_HEADER}\n"
        '4,Afghanistan,553,Y,"Maternal mortality ratio per 100,000 live births",1340,,E,1330,Survey,M, , , \n'
        '8,Albania,570,Y,"Births attended by skilled health personnel, percentage", , , ,..,,,99.1,,C\n'
    )
    parsed = parse_un(text, source="UNSD MDG DB export 2019-12-27")
    assert parsed.layout == "un_wide"
    assert parsed.problems == []
    df = parsed.frame
    assert list(df.columns) == MDG.column_names
    assert list(df.index) == [2, 2, 3]  # the file's row numbers
    rows = df.to_dict("records")
    assert rows[0] == {
        "indicator_code": "5.1",
        "series_code": "553",
        "country_iso3": "AFG",
        "year": "1990",
        "value": "1340",
        "unit": "per 100,000 live births",
        "sex": "total",
        "location": "total",
        "source": "UNSD MDG DB export 2019-12-27",
        "nature": "E",
        "footnote": "",
    }
    assert (rows[1]["year"], rows[1]["value"], rows[1]["nature"], rows[1]["footnote"]) == (
        "1991",
        "1330",
        "M",
        "Survey",
    )
    assert (rows[2]["country_iso3"], rows[2]["year"], rows[2]["value"], rows[2]["unit"]) == (
        "ALB",
        "1992",
        "99.1",
        "%",
    )


@pytest.mark.parametrize("missing", [" ", "", "..", "-", "—", "NA"])
def test_parse_un_wide_skips_missing_values(missing):
    text = f"CountryCode,Country,SeriesCode,Series,1990,1991\n4,Afghanistan,553,x,{missing},12\n"
    df = parse_un(text).frame
    assert df[["year", "value"]].to_dict("records") == [{"year": "1991", "value": "12"}]


def test_parse_un_wide_without_footnotes_uses_the_default_source():
    text = "CountryCode,Country,SeriesCode,Series,2014,2015\n4,Afghanistan,553,x,425,396\n"
    df = parse_un(text).frame
    assert df["source"].unique().tolist() == ["UNSD MDG DB"]
    assert df["nature"].unique().tolist() == [""]
    assert df.set_index("year")["value"].to_dict() == {"2014": "425", "2015": "396"}


def test_parse_un_wide_ignores_the_legend_block_after_a_blank_line():
    text = (
        "CountryCode,Country,SeriesCode,Series,1990,Footnotes,Type\n"
        '410,"Korea, Republic of",553,"Maternal mortality ratio per 100,000 live births",12,"Estimate, revised",E\n'
        "\n"
        "Type,Description\n"
        "E,Estimated\n"
        "C,Country data\n"
    )
    parsed = parse_un(text)
    assert parsed.problems == []
    assert parsed.frame.to_dict("records") == [
        {
            "indicator_code": "5.1",
            "series_code": "553",
            "country_iso3": "KOR",
            "year": "1990",
            "value": "12",
            "unit": "per 100,000 live births",
            "sex": "total",
            "location": "total",
            "source": "UNSD MDG DB",
            "nature": "E",
            "footnote": "Estimate, revised",
        }
    ]


def test_parse_un_wide_semicolon_delimited():
    text = 'CountryCode;Country;SeriesCode;Series;1990\n384;"Côte d\'Ivoire";553;"x; y";745\n'
    parsed = parse_un(text)
    assert parsed.delimiter == ";"
    assert parsed.frame[["country_iso3", "value"]].to_dict("records") == [
        {"country_iso3": "CIV", "value": "745"}
    ]


def test_parse_un_wide_skips_entities_without_iso_code_with_warnings():
    text = (
        "CountryCode,Country,SeriesCode,Series,1990\n"
        "4,Afghanistan,553,x,1340\n"
        "736,Sudan (former),553,x,744\n"
        "830,Channel Islands,570,x,99\n"
        "1,World,553,x,385\n"
    )
    parsed = parse_un(text)
    assert parsed.frame["country_iso3"].tolist() == ["AFG"]
    assert [(p.row, p.severity) for p in parsed.problems] == [(3, "warning"), (4, "warning"), (5, "warning")]
    assert "Sudan (former) has no ISO 3166 code" in parsed.problems[0].message
    assert "Channel Islands" in parsed.problems[1].message
    assert "not a country" in parsed.problems[2].message


def test_parse_un_wide_retired_codes_map_to_their_iso3():
    text = "CountryCode,Country,SeriesCode,Series,1990\n891,Serbia and Montenegro,553,x,13\n"
    assert parse_un(text).frame["country_iso3"].tolist() == ["SCG"]


def test_parse_un_wide_unknown_series_names_the_known_codes():
    problems = rejected(parse_un, "CountryCode,Country,SeriesCode,Series,1990\n4,Afghanistan,999,x,1\n")
    assert (problems[0].row, problems[0].column, problems[0].value) == (2, "SeriesCode", "999")
    assert "Known codes: 553, 570." in problems[0].message


def test_parse_un_wide_country_code_must_be_numeric():
    problems = rejected(parse_un, "CountryCode,Country,SeriesCode,Series,1990\nAFG,Afghanistan,553,x,1\n")
    assert (problems[0].row, problems[0].column, problems[0].value) == (2, "CountryCode", "AFG")
    assert "UN M49 number" in problems[0].message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("CountryCode,Country,SeriesCode,Series,1990,1991\n", "header but no data rows"),
        ("CountryCode,Country,SeriesCode,Series,1990\n4,Afghanistan,553,x, \n", "holds no values"),
        ("CountryCode,Country,SeriesCode,Series,Notes\n4,Afghanistan,553,x,y\n", "No year columns"),
    ],
)
def test_parse_un_wide_rejects_files_without_values(text, fragment):
    assert fragment in messages(rejected(parse_un, text))


# --- parse: the tidy (template) layout ------------------------------------------------------


def test_parse_template_normalises_the_header():
    text = " Title ,ID,cutoff_date,MEETING_DATE\n2009-H1 consultation,2009-H1,2009-04-30,2009-05-15\n"
    parsed = parse(text, ROUNDS)
    assert parsed.layout == "template"
    assert list(parsed.frame.columns) == ROUNDS.column_names
    assert parsed.frame.loc[2].to_dict() == {
        "id": "2009-H1",
        "title": "2009-H1 consultation",
        "meeting_date": "2009-05-15",
        "cutoff_date": "2009-04-30",
        "illustrative": "",  # an optional column left out
    }


def test_parse_template_quoted_values_with_delimiters_and_newlines():
    text = 'id,title,meeting_date,cutoff_date\n2009-H1,"Consultation, first; of 2009",2009-05-15,2009-04-30\n'
    assert parse(text, ROUNDS).frame.at[2, "title"] == "Consultation, first; of 2009"
    multi = 'id,title,meeting_date,cutoff_date\n2009-H1,"two\nlines",2009-05-15,2009-04-30\n'
    assert parse(multi, ROUNDS).frame.at[2, "title"] == "two\nlines"


def test_parse_template_semicolon_and_tab():
    for d in (";", "\t"):
        text = d.join(["id", "title", "meeting_date", "cutoff_date"]) + "\n"
        text += d.join(["2009-H1", "First, of 2009", "2009-05-15", "2009-04-30"]) + "\n"
        parsed = parse(text, ROUNDS)
        assert parsed.delimiter == d
        assert parsed.frame.at[2, "title"] == "First, of 2009"


def test_parse_template_tidy_mdg_accepts_ignored_columns():
    text = (
        "indicator_code,indicator_name,series_code,country_iso3,country_name,year,value,unit,sex,location,source\n"
        '5.1,Maternal mortality,553,AFG,Afghanistan,2015,396,"per 100,000 live births",total,total,UNSD\n'
    )
    parsed = parse(text, MDG)
    assert parsed.layout == "template"
    assert list(parsed.frame.columns) == MDG.column_names
    assert parsed.frame.at[2, "unit"] == "per 100,000 live births"
    assert parsed.frame.at[2, "nature"] == ""


def test_parse_template_row_numbers_count_blank_lines():
    text = "id,title,meeting_date,cutoff_date\n2009-H1,a,2009-05-15,2009-04-30\n\n,,,\n2009-H2,b,2009-12-01,2009-11-01\n"
    df = parse(text, ROUNDS).frame
    assert list(df.index) == [2, 5]
    assert df["id"].tolist() == ["2009-H1", "2009-H2"]


def test_parse_template_crlf_line_ends():
    text = "id,title,meeting_date,cutoff_date\r\n2009-H1,a,2009-05-15,2009-04-30\r\n"
    assert parse(text, ROUNDS).frame.loc[2].tolist() == ["2009-H1", "a", "2009-05-15", "2009-04-30", ""]


def test_parse_template_missing_column_names_it_and_the_header():
    problems = rejected(parse, "id,title,meeting_date\n2009-H1,a,2009-05-15\n", ROUNDS)
    assert [(p.row, p.column) for p in problems] == [(1, "cutoff_date")]
    assert problems[0].message == (
        "Column 'cutoff_date' is missing. The header must be: id, title, meeting_date, cutoff_date, illustrative."
    )


def test_parse_template_extra_column_names_the_allowed_columns():
    problems = rejected(
        parse, "id,title,meeting_date,cutoff_date,venue\n2009-H1,a,2009-05-15,2009-04-30,NY\n", ROUNDS
    )
    assert [(p.row, p.column) for p in problems] == [(1, "venue")]
    assert "not part of the rounds template" in problems[0].message
    assert "Allowed columns: id, title, meeting_date, cutoff_date, illustrative" in problems[0].message


def test_parse_template_duplicate_column():
    text = "id,title,meeting_date,cutoff_date,Title\n2009-H1,a,2009-05-15,2009-04-30,b\n"
    problems = rejected(parse, text, ROUNDS)
    assert [(p.column, p.message) for p in problems] == [
        ("title", "Column 'title' appears more than once in the header.")
    ]


def test_parse_template_unnamed_column_from_a_trailing_delimiter():
    problems = rejected(
        parse, "id,title,meeting_date,cutoff_date,\n2009-H1,a,2009-05-15,2009-04-30,\n", ROUNDS
    )
    assert "has no name in the header" in messages(problems)


@pytest.mark.parametrize("body", ["", "\n", "\n\n,,,\n"])
def test_parse_template_header_only(body):
    problems = rejected(parse, "id,title,meeting_date,cutoff_date\n" + body, ROUNDS)
    assert messages(problems) == "The file has a header but no data rows."


@pytest.mark.parametrize("row", [2, 3])
def test_parse_template_row_with_too_many_values(row):
    rows = ["2009-H1,a,2009-05-15,2009-04-30", "2009-H2,b,2009-12-01,2009-11-01"]
    rows[row - 2] += ",extra"
    problems = rejected(parse, "id,title,meeting_date,cutoff_date\n" + "\n".join(rows) + "\n", ROUNDS)
    assert (problems[0].row, problems[0].message) == (
        row,
        f"Row {row} has 5 values but the header has 4 columns. Put values that contain the delimiter in double quotes.",
    )


def test_parse_template_short_rows_are_refused_naming_row_and_field_count():
    """Issue 12 changed this: a short row was read with its trailing cells empty (a file cut
    mid-row imported its partial last row); it is refused, naming the row and its field count."""
    problems = rejected(parse, "id,title,meeting_date,cutoff_date\n2009-H1,a\n", ROUNDS)
    assert (problems[0].row, problems[0].column) == (2, None)
    assert problems[0].message.startswith("Row 2 has 2 value(s) but the header has 4 columns")


def test_parse_rejects_a_blank_first_line():
    problems = rejected(
        parse, "\nid,title,meeting_date,cutoff_date\n2009-H1,a,2009-05-15,2009-04-30\n", ROUNDS
    )
    assert (problems[0].row, problems[0].column) == (1, None)
    assert "must start with the header row" in problems[0].message


def test_default_source_reads_the_export_date():
    assert default_source("MDG_Export_20191227.csv") == "UNSD MDG DB export 2019-12-27"
    assert default_source("MDG_goal5_wide.csv") == "UNSD MDG DB"


# --- validate --------------------------------------------------------------------------------

AP_HEADER = "round_id,action_point_id,status,assessment,percent_complete,lead_unit,due_date,summary,next_steps,reported_by,reported_on"
AP_ROW = "2008-H2,134,substantial,on_track,60,EDM,2009-12-31,Done.,,A. Officer,2008-11-20"


def check(dataset: Dataset, text: str, refs: dict[str, set[str]] | None = None):
    """Parse and validate ``text``; returns (typed frame, problems)."""
    return validate(parse(text, dataset, series=SERIES), dataset, REFS if refs is None else refs)


def ap(**changes: str) -> str:
    """A one-row action-points file with some cells changed."""
    row = dict(zip(AP_HEADER.split(","), AP_ROW.split(","), strict=True)) | changes
    return AP_HEADER + "\n" + ",".join(row.values()) + "\n"


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_validate_valid_rows_are_typed():
    typed, problems = check(ACTION_POINTS, ap(status="Substantial", assessment="ON_TRACK", due_date=""))
    assert problems == []
    row = typed.loc[2]
    assert row["status"] == "substantial" and row["assessment"] == "on_track"
    assert row["percent_complete"] == 60 and str(typed["percent_complete"].dtype) == "Int64"
    assert pd.isna(row["due_date"])
    assert row["reported_on"].date() == date(2008, 11, 20)
    assert row["next_steps"] is None
    assert row["illustrative"] is False or row["illustrative"] == False  # noqa: E712 (numpy bool)


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        (
            {"percent_complete": "abc"},
            "percent_complete",
            "'percent_complete' must be a whole number (e.g. 42).",
        ),
        (
            {"percent_complete": "50.5"},
            "percent_complete",
            "'percent_complete' must be a whole number (e.g. 42).",
        ),
        (
            {"percent_complete": "nan"},
            "percent_complete",
            "'percent_complete' must be a whole number (e.g. 42).",
        ),
        ({"reported_on": "20/11/2008"}, "reported_on", "'reported_on' must be a date written YYYY-MM-DD"),
        ({"reported_on": "2008-02-30"}, "reported_on", "'reported_on' must be a date written YYYY-MM-DD"),
        ({"due_date": "soon"}, "due_date", "'due_date' must be a date written YYYY-MM-DD"),
    ],
)
def test_validate_wrong_types_one_problem_per_cell(changes, column, message):
    _, problems = check(ACTION_POINTS, ap(**changes))
    p = only(problems)
    assert (p.row, p.column, p.value) == (2, column, next(iter(changes.values())))
    assert p.message.startswith(message)


def test_validate_wrong_float_and_bool():
    text = "id,received_on,work_area,requesting_body,kind,title,staff_member,hours,status,completed_on,illustrative\n"
    text += 'NY-1,2009-01-12,mdgs,DPA,briefing,t,s,"6,5",open,,maybe\n'
    _, problems = check(NY_WORKLOAD, text)
    assert [(p.column, p.value) for p in problems] == [("hours", "6,5"), ("illustrative", "maybe")]
    assert "no thousands separator" in problems[0].message
    assert problems[1].message == "'illustrative' must be true or false."


@pytest.mark.parametrize(
    ("value", "shown"),
    [("101", "'101' "), ("-1", "'-1' "), ("1e400", ""), ("inf", ""), ("99999999999999999999999", "")],
)
def test_validate_out_of_range_int(value, shown):
    p = only(check(ACTION_POINTS, ap(percent_complete=value))[1])
    assert (p.row, p.column, p.value) == (2, "percent_complete", value)
    assert (
        p.message
        == f"'percent_complete' {'value ' + shown if shown else ''}is out of range; it must be between 0 and 100."
    )


def test_validate_out_of_range_year_and_non_finite_value():
    text = "indicator_code,series_code,country_iso3,year,value,unit,sex,location,source\n"
    text += "5.1,553,AFG,1949,1,u,total,total,s\n5.1,553,AFG,2015,inf,u,total,total,s\n"
    _, problems = check(MDG, text)
    assert [(p.row, p.column) for p in problems] == [(2, "year"), (3, "value")]
    assert "between 1950 and 2100" in problems[0].message
    assert "must be a finite number" in problems[1].message


def test_validate_required_cells():
    p = only(check(ACTION_POINTS, ap(summary="  "))[1])
    assert (p.row, p.column, p.message) == (2, "summary", "'summary' is required; this row leaves it empty.")


def test_validate_unknown_reference_codes_name_the_allowed_values():
    _, problems = check(ACTION_POINTS, ap(round_id="2009-H1", action_point_id="999"))
    assert [(p.column, p.value) for p in problems] == [("action_point_id", "999"), ("round_id", "2009-H1")]
    assert problems[0].message == "'action_point_id' value '999' is unknown; use one of: 127a, 134, 158."
    assert problems[1].message == "'round_id' value '2009-H1' is unknown; use one of: 2008-H1, 2008-H2."


def test_validate_unknown_codes_in_a_long_list_are_abridged():
    refs = REFS | {"country": {f"C{i:02d}" for i in range(40)}}
    text = "indicator_code,series_code,country_iso3,year,value,unit,sex,location,source\n5.1,553,AFG,2015,1,u,total,total,s\n"
    p = only(check(MDG, text, refs)[1])
    assert p.column == "country_iso3"
    assert "is unknown; use one of: C00, C01," in p.message
    assert "(40 in all; see the template)" in p.message


def test_validate_vocabulary_names_the_allowed_values():
    p = only(check(ACTION_POINTS, ap(status="done"))[1])
    assert (
        p.message
        == "'status' value 'done' is not allowed; use one of: not_started, limited, substantial, completed."
    )
    text = "id,agency,country_iso3,type,start_date,end_date,participants_trained,advisers_deployed,status,round_id,description\n"
    text += "A2-1,WHO,NPL,training,2008-02-01,,25,0,completed,2008-H1,\n"
    p = only(check(ACTION2, text)[1])
    assert (p.column, p.message) == ("agency", "'agency' value 'WHO' is unknown; use one of: UNDP, UNICEF.")


def test_validate_pattern_and_length():
    text = "id,title,meeting_date,cutoff_date\n2009-H3,a,2009-05-15,2009-04-30\n"
    p = only(check(ROUNDS, text)[1])
    assert (
        p.message
        == "'id' value '2009-H3' is not in the right form; write it as YYYY-H1 or YYYY-H2, e.g. 2009-H1."
    )
    p = only(check(ACTION_POINTS, ap(lead_unit="x" * 201))[1])
    assert (p.column, p.message.endswith("is longer than 200 characters.")) == ("lead_unit", True)


def test_validate_duplicate_keys_name_the_first_row():
    text = AP_HEADER + "\n" + "\n".join([AP_ROW, AP_ROW.replace(",134,", ",158,"), AP_ROW, AP_ROW]) + "\n"
    _, problems = check(ACTION_POINTS, text)
    assert [(p.row, p.value) for p in problems] == [(4, "2008-H2 / 134"), (5, "2008-H2 / 134")]
    assert problems[0].column == "round_id,action_point_id"
    assert problems[0].message == (
        "Duplicate key: the same round_id, action_point_id as row 2. Keep one of them."
    )


def test_validate_duplicate_keys_after_case_folding():
    text = "indicator_code,series_code,country_iso3,year,value,unit,sex,location,source\n"
    text += "5.1,553,AFG,2015,1,u,total,total,s\n5.1,553,AFG,2015,2,u,Total,TOTAL,s\n"
    p = only(check(MDG, text)[1])
    assert (p.row, "as row 2" in p.message) == (3, True)


def test_validate_cross_field_rules():
    rounds = "id,title,meeting_date,cutoff_date\n2009-H1,a,2009-05-15,2009-05-16\n"
    p = only(check(ROUNDS, rounds)[1])
    assert (p.column, p.message) == (
        "cutoff_date",
        "The data cut-off date must not be after the meeting date.",
    )

    head = "id,received_on,work_area,requesting_body,kind,title,staff_member,hours,status,completed_on\n"
    ny = head + "\n".join(
        [
            "NY-1,2009-01-12,mdgs,DPA,briefing,t,s,1,completed,",
            "NY-2,2009-01-12,mdgs,DPA,briefing,t,s,1,open,2009-01-20",
            "NY-3,2009-01-12,mdgs,DPA,briefing,t,s,1,completed,2009-01-10",
            "NY-4,2009-01-12,mdgs,DPA,briefing,t,s,1,completed,2009-01-12",
        ]
    )
    _, problems = check(NY_WORKLOAD, ny + "\n")
    assert [(p.row, p.column) for p in problems] == [
        (2, "completed_on"),
        (3, "completed_on"),
        (4, "completed_on"),
    ]
    assert "needs its completion date" in problems[0].message
    assert "Only completed items have a completion date" in problems[1].message
    assert "before the date received" in problems[2].message

    a2 = "id,agency,country_iso3,type,start_date,end_date,participants_trained,advisers_deployed,status,round_id,description\n"
    a2 += "A2-1,UNDP,NPL,training,2008-02-05,2008-02-01,25,0,completed,2008-H1,\n"
    p = only(check(ACTION2, a2)[1])
    assert (p.column, p.message) == ("end_date", "The end date is before the start date.")


def test_validate_problems_are_sorted_by_row():
    text = (
        AP_HEADER
        + "\n"
        + "\n".join(
            [
                AP_ROW.replace(",60,", ",600,"),
                AP_ROW.replace(",134,", ",158,").replace("on_track", "sideways"),
            ]
        )
    )
    _, problems = check(ACTION_POINTS, text + "\n")
    assert [(p.row, p.column) for p in problems] == [(2, "percent_complete"), (3, "assessment")]


# --- Internal equivalences: the fast paths agree with the reference ones ------------------------

READER_CASES = [
    "a,b,c\n1,2,3\n",
    'a,b,c\n1,"x,y",3\n',
    'a,b,c\n1,"x\ny",3\n4,5,6\n',
    'a,b,c\n1,"x""y",3\n',
    'a,b,c\n1,ab"c,3\n',
    'a,b,c\n1,"ab"c,3\n',
    "a,b,c\n1,2,3",
    "a,b,c\r\n1,2,3\r\n",
    "a,b,c\n 1 , 2 ,3\n",
    "a,b,c\n,,\n4,5,6\n",
    'a,b,c\n"1",2,"3"\n',
    "a\n1\n",
    'a,b,c\n1,"",3\n',
    "a,b,c\nnull,NaN,NA\n",
    "a,b,c\n1,\\,3\n",
    "a;b;c\n1,5;2;3\n",
    "a,b,c\n1,2,3\n#c,d,e\n",
    "a,b,c\n1,Côte d'Ivoire – x,3\n",
]
DECLINED = [
    "a,b,c\n1,2\n",  # short row: pandas pads it
    "a,b,c\n1,2,3,4\n",  # long row: pandas names it
    'a,b,c\n1,"unterminated,3\n',
    "a,b,c\n1,2,3\n\n",  # blank lines count for row numbers
    "a,b,c\n\n1,2,3\n",
    "a,b,c\r\n\r\n1,2,3\r\n",
]


@pytest.mark.parametrize("text", READER_CASES)
def test_arrow_reader_agrees_with_pandas(text):
    from lib.ingest import sniff_delimiter
    from lib.ingest.readers.csvtext import read_arrow as _read_arrow
    from lib.ingest.readers.csvtext import read_pandas as _read_pandas

    d = sniff_delimiter(text)
    fast = _read_arrow(text, d, len(text.split("\n", 1)[0].split(d)))
    assert fast is not None
    pd.testing.assert_frame_equal(fast, _read_pandas(text, d), check_column_type=False)


@pytest.mark.parametrize("text", DECLINED)
def test_arrow_reader_declines_what_pandas_must_read(text):
    from lib.ingest.readers.csvtext import read_arrow as _read_arrow

    assert _read_arrow(text, ",", 3) is None
    assert _read_arrow("a,b\n1,2\n", ",", 3) is None  # a header of another width


def _pandera_schema(dataset: Dataset, refs: dict[str, set[str]]):
    """The pandera schema validate() used before it checked values directly (pandera's own checks)."""
    import math

    import pandera.pandas as pa

    from lib.ingest.validate import allowed_text as _allowed_text
    from lib.ingest.validate import range_text as _range_text

    def checks(c):
        out = []
        if c.allowed is not None:
            out.append(
                pa.Check.isin(
                    list(c.allowed), error=f"is not allowed; use one of: {_allowed_text(c.allowed)}"
                )
            )
        if c.ref is not None:
            known = refs.get(c.ref, set())
            out.append(pa.Check.isin(sorted(known), error=f"is unknown; use one of: {_allowed_text(known)}"))
        if c.min is not None or c.max is not None:
            lo = c.min if c.min is not None else -math.inf
            hi = c.max if c.max is not None else math.inf
            out.append(pa.Check.in_range(lo, hi, error=_range_text(c)))
        if c.kind == "float":
            out.append(pa.Check(lambda s: s.isna() | (s.abs() != math.inf), error="must be a finite number"))
        if c.pattern:
            out.append(
                pa.Check.str_matches(
                    c.pattern, error=f"is not in the right form; write it as {c.pattern_hint}"
                )
            )
        if c.max_length:
            out.append(
                pa.Check.str_length(max_value=c.max_length, error=f"is longer than {c.max_length} characters")
            )
        return out

    return pa.DataFrameSchema(
        {c.name: pa.Column(checks=checks(c), nullable=not c.required, coerce=False) for c in dataset.columns}
    )


PANDERA_CASES = [
    (
        ACTION_POINTS,
        AP_HEADER
        + "\n"
        + "\n".join(
            [
                AP_ROW,
                "2009-H1,999,done,Sideways,101,EDM,,,,A. Officer,2008-11-20",
                "2008-H2,158,limited,at_risk,-3," + "x" * 201 + ",,S,,R,2008-11-20",
                "2008-H1,127a,LIMITED,off_track,,EDM,2009-01-01,S,,R,",
            ]
        ),
        10,
    ),
    (
        MDG,
        "indicator_code,series_code,country_iso3,year,value,unit,sex,location,source,nature\n"
        "5.1,553,AFG,1949,inf,u,total,total,s,C\n"
        f"9.9,{'s' * 121},XXX,2015,-inf,u,both,city,,Z\n",
        10,
    ),
    (ROUNDS, "id,title,meeting_date,cutoff_date\n2009-H3,,2009-05-15,2009-04-30\n2009-H1,x,,\n", 4),
    (
        NY_WORKLOAD,
        "id,received_on,work_area,requesting_body,kind,title,staff_member,hours,status,completed_on\n"
        f"{'N' * 33},2009-01-12,law,FBI,chat,,s,inf,open,\nNY-2,2009-01-12,mdgs,DPA,briefing,t,s,2000.5,shut,\n",
        8,
    ),
]


@pytest.mark.parametrize(("dataset", "text", "n"), PANDERA_CASES, ids=[c[0].name for c in PANDERA_CASES])
def test_value_checks_agree_with_pandera(dataset, text, n):
    """The direct value checks report what pandera's own checks of the same rules report."""
    import pandera.pandas as pa

    from lib.ingest import build_schema
    from lib.ingest.validate import check_values as _check_values
    from lib.ingest.validate import coerce as _coerce

    typed, _ = _coerce(parse(text, dataset).frame, dataset)
    ours = _check_values(typed, dataset, REFS, set())
    theirs = []
    assert build_schema(dataset, REFS).columns.keys() == _pandera_schema(dataset, REFS).columns.keys()
    try:
        _pandera_schema(dataset, REFS).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as err:
        for r in err.failure_cases.itertuples():
            if r.check == "not_nullable":
                msg = f"'{r.column}' is required; this row leaves it empty."
                theirs.append(Problem(int(r.index), r.column, None, msg))
            else:
                val = str(r.failure_case)
                theirs.append(Problem(int(r.index), r.column, val, f"'{r.column}' value {val!r} {r.check}."))
    key = lambda p: (p.row, p.column, p.message)  # noqa: E731
    assert sorted(ours, key=key) == sorted(theirs, key=key)
    assert len(ours) == n
