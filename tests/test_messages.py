"""Key messages and decisions sought (lib.messages), written from the seeded 2008-H2 round."""

from __future__ import annotations

import pytest

from lib import messages, overview
from lib.db import make_engine


@pytest.fixture(scope="module")
def ov(seeded_template):
    return overview.compute(make_engine(f"sqlite:///{seeded_template}"), "2008-H2")


def test_three_to_six_messages_that_name_points_and_leads(ov):
    texts = [m.text for m in messages.key_messages(ov)]
    assert 3 <= len(texts) <= 6
    improved = next(t for t in texts if t.startswith("Improved since 2008-H1 (5)"))
    assert "129 (lead: Research and Right to Development Branch; from limited to substantial" in improved
    declined = next(t for t in texts if t.startswith("Declined since 2008-H1 (1)"))
    assert "130 (lead: Research and Right to Development Branch" in declined
    overdue = next(t for t in texts if t.startswith("Past their due date (13)"))
    assert "127a (lead: Field Operations and Technical Cooperation Division; 506 days)" in overdue
    assert any("UN-HABITAT" in t and "WFP" in t for t in texts)


def test_the_same_year_says_why_no_mdg_rating_moved(ov):
    mdg = next(m.text for m in messages.key_messages(ov) if m.key == "mdg-moves")
    assert "both rounds rate data up to 2007" in mdg


def test_overdue_is_sorted_longest_first(ov):
    days = list(ov.overdue["days_overdue"])
    assert days == sorted(days, reverse=True) and len(days) == 13


def test_decisions_are_yes_no_questions_with_a_recommendation(ov):
    decisions = messages.decisions_sought(ov)
    # Issue 13: the overdue recommendations of earlier consultations come first, as one question.
    assert [d.key for d in decisions] == ["rec-overdue", "ap-off-track-twice", "ap-long-overdue"]
    for d in decisions:
        assert d.question.endswith("?") and "lead:" in d.question
        assert d.recommendation.startswith("Recommendation: yes.")


def test_a_new_kind_of_item_is_one_more_builder(ov):
    def extra(_ov):
        return [messages.Decision("extra", "Adopt it?", "Recommendation: yes.")]

    decisions = messages.decisions_sought(ov, [*messages.DECISION_BUILDERS, extra])
    assert decisions[-1].key == "extra" and len(decisions) == len(messages.decisions_sought(ov)) + 1
