"""Two Streamlit servers on one PostgreSQL: an upload through one shows on the other's next run."""

from __future__ import annotations

import re

import pytest

from lib import auth
from lib.db import make_engine
from lib.ingest import export_frame
from lib.seed import init
from tests import browser_support
from tests.browser_support import open_page, select_option, sign_in, streamlit_server, wait_idle
from tests.conftest import (
    PG_SKIP_REASON,
    ROLE_USERS,
    TEST_PASSWORD,
    _drop_pg_database,
    _new_pg_database,
    pg_admin_url,
)

browser, page = browser_support.browser, browser_support.page
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture
def seeded_pg():
    if not pg_admin_url():
        pytest.skip(PG_SKIP_REASON)
    url, name = _new_pg_database()
    eng = make_engine(url)
    init(eng)
    for role in ("staff", "hc_office"):
        auth.create_user(eng, ROLE_USERS[role], role, password=TEST_PASSWORD, actor="test")
    try:
        yield url, eng
    finally:
        eng.dispose()
        _drop_pg_database(name)


def completed_metric(p) -> int:
    # The action points' "Completed", not the recommendations' "Recommendations completed" (issue 13).
    label = p.locator('[data-testid="stMetricLabel"]').filter(has_text=re.compile(r"^\s*Completed\s*$"))
    metric = p.locator('[data-testid="stMetric"]').filter(has=label).first
    return int(metric.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))


def test_upload_through_one_server_is_seen_through_the_other(seeded_pg, browser, tmp_path):
    url, eng = seeded_pg
    reports = export_frame(eng, "action-points")
    row = reports[(reports["round_id"] == "2008-H2") & (reports["status"] == "substantial")].head(1).copy()
    row["status"], row["percent_complete"] = "completed", "100"
    upload = tmp_path / "one-point-completed.csv"
    upload.write_bytes(row.to_csv(index=False).encode())

    with streamlit_server(url, log_dir=tmp_path) as a, streamlit_server(url, log_dir=tmp_path) as b:
        ctx_b = browser.new_context(viewport={"width": 1400, "height": 1000})
        ctx_a = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            reader = ctx_b.new_page()
            sign_in(reader, b, "hc_office")  # lands on the briefing overview, latest round
            before = completed_metric(reader)

            writer = ctx_a.new_page()
            sign_in(writer, a, "staff")
            open_page(writer, "Upload data")
            select_option(writer, "Dataset", re.compile(r"\(action-points\)$"))
            writer.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
            writer.get_by_text(re.compile(r"^Preview: ")).wait_for(timeout=60_000)
            writer.get_by_role("button", name=re.compile(r"^Confirm")).click()
            writer.get_by_text(re.compile(r"^Upload \d+ written: ")).wait_for(timeout=60_000)

            # Server B has the old figures cached; its next run reads the new data version.
            select_option(reader, "Consultation round", "2008-H1")
            select_option(reader, "Consultation round", "2008-H2")
            wait_idle(reader)
            assert completed_metric(reader) == before + 1
        finally:
            ctx_a.close()
            ctx_b.close()
