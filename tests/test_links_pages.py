"""AppTest of links on every page: the URL's parameters set the widgets, the widgets write the URL,
and unknown or hostile values fall back to the defaults with a notice that never echoes them."""

from __future__ import annotations

import pytest

HOSTILE = "<img src=x onerror=alert(1)>**bold**[l](http://evil.example/)"


def run(make_app, page: str, role: str = "staff", **params):
    at = make_app(page, role=role)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def notices(at) -> list[str]:
    return [w.value for w in at.warning if "not offered here" in w.value]


def all_text(at) -> str:
    kinds = (
        "markdown",
        "caption",
        "warning",
        "error",
        "info",
        "code",
        "text",
        "header",
        "subheader",
        "title",
    )
    return " ".join(str(e.value) for kind in kinds for e in at.get(kind))


def test_an_mdg_link_sets_every_choice(make_app):
    at = run(
        make_app,
        "pages/mdg.py",
        round="2008-H1",
        indicator="4.1",
        countries=["NGA", "ETH"],
        tab="rating",
    )
    assert at.selectbox(key="round").value == "2008-H1"
    assert at.selectbox(key="mdg-indicator").value == "4.1"
    assert at.multiselect(key="mdg-countries").value == ["NGA", "ETH"]
    assert at.session_state["mdg-tab-name"] == "rating"
    assert not notices(at)
    # The URL now says the whole view, the link to copy too.
    assert at.query_params["round"] == "2008-H1" and at.query_params["countries"] == ["NGA", "ETH"]
    assert at.query_params["goal"] == "4" and at.query_params["tab"] == "rating"
    code = " ".join(c.value for c in at.code)
    assert "round=2008-H1" in code and "countries=NGA&countries=ETH" in code


def test_hostile_mdg_values_fall_back_to_the_defaults_with_a_notice(make_app):
    default = run(make_app, "pages/mdg.py")
    at = run(
        make_app,
        "pages/mdg.py",
        round=["2008-H1", "2008-H2"],  # repeated
        indicator=HOSTILE,
        countries=["NGA"] * 900,  # (Streamlit itself drops a query of over 1000 fields: see below)
        tab="x" * 5000,
        series="y" * 100_000,
    )
    assert at.selectbox(key="round").value == default.selectbox(key="round").value == "2008-H2"
    assert at.selectbox(key="mdg-indicator").value == "4.1"
    assert at.multiselect(key="mdg-countries").value == default.multiselect(key="mdg-countries").value
    assert at.session_state["mdg-tab-name"] == "trend"
    (notice,) = notices(at)
    assert "round" in notice and "indicator" in notice and "countries" in notice and "tab" in notice
    text = all_text(at)
    assert "evil.example" not in text and "onerror" not in text and "x" * 100 not in text
    assert at.query_params["round"] == "2008-H2" and at.query_params["indicator"] == "4.1"
    # 10,000 countries: Streamlit receives no query at all, so the defaults are shown.
    at = run(make_app, "pages/mdg.py", countries=["NGA"] * 10_000)
    assert at.multiselect(key="mdg-countries").value == default.multiselect(key="mdg-countries").value


def test_a_link_names_a_page_own_state_once(make_app):
    """After the link is applied, the user's own changes win over the URL that was opened."""
    at = run(make_app, "pages/mdg.py", indicator="4.1", countries=["NGA", "ETH"])
    at.multiselect(key="mdg-countries").set_value(["NGA"]).run()
    assert at.multiselect(key="mdg-countries").value == ["NGA"]
    assert at.query_params["countries"] == "NGA"


def test_an_action_points_link_sets_its_filters(make_app):
    at = run(
        make_app,
        "pages/action_points.py",
        round="2008-H1",
        cluster=["A", "C"],
        status="completed",
        assessment="on_track",
        overdue="1",
        point="134",
    )
    assert at.selectbox(key="round").value == "2008-H1"
    assert at.multiselect(key="ap-cluster").value == ["A", "C"]
    assert at.multiselect(key="ap-status").value == ["completed"]
    assert at.multiselect(key="ap-assessment").value == ["on_track"]
    assert at.toggle(key="ap-overdue").value is True
    assert at.selectbox(key="ap-point").value == "134"
    assert not notices(at)
    assert at.query_params["point"] == "134" and at.query_params["overdue"] == "1"


def test_hostile_action_points_values_are_refused(make_app):
    at = run(make_app, "pages/action_points.py", cluster=HOSTILE, point="99999", overdue="yes")
    assert at.multiselect(key="ap-cluster").value == []
    assert at.toggle(key="ap-overdue").value is False
    (notice,) = notices(at)
    assert "cluster" in notice and "point" in notice and "overdue" in notice
    assert "evil.example" not in all_text(at)


def test_lead_unit_is_linked_only_for_roles_that_see_it(make_app):
    at = run(make_app, "pages/action_points.py", role="partner", unit="anything")
    assert "unit" not in at.query_params


def test_workload_and_action2_links(make_app):
    at = run(make_app, "pages/workload.py", round="2008-H1", by="requesting_body", measure="hours")
    assert at.radio(key="wl-by").value == "requesting_body" and at.radio(key="wl-measure").value == "hours"
    assert not notices(at)
    at = run(make_app, "pages/action2.py", round="2008-H1", period="all", measure="participants_trained")
    assert at.radio(key="a2-period").value == "all"
    assert at.selectbox(key="a2-measure").value == "participants_trained"
    at = run(make_app, "pages/action2.py", period=HOSTILE)
    assert at.radio(key="a2-period").value == "round" and notices(at)


def test_briefing_upload_and_history_links(make_app):
    at = run(make_app, "pages/briefing.py", round="2008-H1")
    assert at.selectbox(key="round").value == "2008-H1"
    at = run(make_app, "pages/upload.py", dataset="ny-workload")
    assert at.selectbox(key="upload_dataset").value == "ny-workload"
    at = run(make_app, "pages/upload.py", dataset=HOSTILE)
    assert at.selectbox(key="upload_dataset").value == "rounds" and notices(at)
    at = run(make_app, "pages/history.py")
    first = at.selectbox(key="history_upload")
    assert at.query_params["upload"] == str(first.value)


@pytest.mark.parametrize("page", ["pages/workload.py", "pages/briefing.py"])
def test_a_link_to_a_page_the_role_may_not_open_shows_the_refusal(make_app, page):
    at = run(make_app, page, role="partner", round="2008-H1")
    assert [e.value for e in at.error] == ["Your role does not give access to this page."]
    assert not at.dataframe and not at.selectbox and not at.code


def test_signed_out_a_link_shows_no_data(make_app):
    at = run(make_app, "pages/mdg.py", role=None, round="2008-H1", indicator="4.1")
    assert not at.dataframe and not at.selectbox and not at.code
