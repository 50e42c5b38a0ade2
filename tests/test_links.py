"""lib.links: a view's choices as URL parameters, read back only when they name an offered option."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lib import links

ROUNDS = ["2005-H2", "2008-H1", "2008-H2"]
COUNTRIES = ["ETH", "NGA", "IND", "BRA"]


def test_a_choice_is_read_back_as_the_option_itself():
    assert links.parse_choice(["2008-H1"], ROUNDS) == ("2008-H1", True)
    assert links.parse_choice(["134"], [133, 134]) == (134, True)
    assert links.parse_choice(["1"], [False, True]) == (True, True)
    assert links.parse_choice(["0"], [False, True]) == (False, True)


def test_unknown_repeated_long_or_hostile_choices_are_refused():
    for raw in (
        ["2099-H1"],
        ["2008-H1", "2008-H2"],  # a repeated parameter
        ["<script>alert(1)</script>"],
        ["4.1<img src=x onerror=alert(1)>"],
        ["x" * 100_000],
        [],
        ["2008-h1"],  # exactly the option's text, nothing looser
    ):
        assert links.parse_choice(raw, ROUNDS) == (None, False), raw


def test_a_selection_keeps_the_urls_order_without_repeats():
    assert links.parse_selection(["NGA", "ETH", "NGA"], COUNTRIES, 8) == (["NGA", "ETH"], True)
    assert links.parse_selection([""], COUNTRIES, 8) == ([], True)


def test_too_many_or_unknown_items_refuse_the_whole_selection():
    assert links.parse_selection(["NGA"] * 10_000, COUNTRIES, 8) == ([], False)
    assert links.parse_selection(["NGA", "XXX"], COUNTRIES, 8) == ([], False)
    assert links.parse_selection(["NGA", "<b>x</b>"], COUNTRIES, 8) == ([], False)


def test_numbers_must_be_finite_and_in_range():
    assert links.parse_number(["160"], 1, 1e6) == (160.0, True)
    for raw in (["nan"], ["inf"], ["-5"], ["1e400"], ["12abc"], ["1", "2"], ["9" * 30]):
        assert links.parse_number(raw, 1, 1e6) == (None, False), raw


def test_values_as_parameters_and_the_url_encoded():
    assert links.to_params(True) == ["1"]
    assert links.to_params(160.0) == ["160"]
    assert links.to_params(["NGA", "ETH"]) == ["NGA", "ETH"]
    assert links.to_params(None) == []
    url = links.view_url(
        "http://host/app/mdg?old=1", {"round": ["2008-H1"], "countries": ["NGA", "ETH"], "x": ["a&b=<c>"]}
    )
    assert url == "http://host/app/mdg?round=2008-H1&countries=NGA&countries=ETH&x=a%26b%3D%3Cc%3E"
    assert links.view_url("http://host/", {}) == "http://host/"


def test_the_request_before_sign_in_is_kept_once_and_bounded():
    state: dict = {}
    links.remember_request(state, "mdg", {"round": ["2008-H1"], "countries": ["NGA", "ETH"]})
    links.remember_request(state, "signin", {})  # a rerun of the sign-in page: the first request stays
    known = ["briefing", "mdg", "workload"]
    assert links.take_request(state, known) == ("mdg", {"round": ["2008-H1"], "countries": ["NGA", "ETH"]})
    assert links.take_request(state, known) is None  # once

    links.remember_request(state, "mdg", {f"p{i}": ["x" * 10_000] * 10_000 for i in range(1000)})
    page, query = links.take_request(state, known)
    assert len(query) == links.MAX_PARAMETERS
    assert all(len(v) == 51 and all(len(x) == links.MAX_LENGTH + 1 for x in v) for v in query.values())

    links.remember_request(state, "", {})  # the bare start page: nothing to restore
    assert links.take_request(state, known) is None
    links.remember_request(state, "no-such-page", {"round": ["2008-H1"]})
    assert links.take_request(state, known) == ("", {"round": ["2008-H1"]})


@given(st.lists(st.text(max_size=300), max_size=30))
def test_any_raw_values_give_an_offered_choice_or_a_refusal(raw):
    value, ok = links.parse_choice(raw, ROUNDS)
    assert (ok and value in ROUNDS) or (not ok and value is None)
    chosen, ok = links.parse_selection(raw, COUNTRIES, 8)
    assert all(c in COUNTRIES for c in chosen) and len(chosen) <= 8
    assert ok or chosen == []


@given(st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=4, unique=True))
def test_a_selection_written_is_read_back(chosen):
    assert links.parse_selection(links.to_params(chosen), COUNTRIES, 8) == (chosen, True)
