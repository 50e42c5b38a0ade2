"""Text from data is shown as written, never as Markdown: a round title, a source name or an action
point's text made of Markdown image, link and colour syntax loads nothing, links nowhere, colours nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from lib.db import begin, bump_data_version, make_engine
from lib.escape import md_escape

TITLE = "![x](http://tracker.example/p.png) [link](http://evil.example/) :red[red] Round"
SOURCE = "![y](http://tracker.example/s.png) [src](http://evil.example/s) :blue[blue] UN IGME 2017"
POINT = "![z](http://tracker.example/a.png) **bold** [go](http://evil.example/a)"
MARKDOWN_KINDS = (
    "markdown",
    "caption",
    "warning",
    "info",
    "error",
    "success",
    "title",
    "header",
    "subheader",
)
RAW_MARKDOWN = ("![", "](http", ":red[", ":blue[", "**bold**")


def seed_markdown(url: str) -> None:
    """Every round's title, the default MDG source's name and action point 134's text carry Markdown."""
    engine = make_engine(url)
    with begin(engine) as conn:
        conn.execute(text("UPDATE consultation_round SET title = :t"), {"t": TITLE})
        old = "UN IGME 2017 [open-numbers/igme]"
        for update in (
            "UPDATE observation SET source = :s WHERE source = :old",
            "UPDATE observation_summary SET source = :s WHERE source = :old",
        ):
            conn.execute(text(update), {"s": SOURCE, "old": old})
        conn.execute(text("UPDATE action_point SET text = :t WHERE id = '134'"), {"t": POINT})
        bump_data_version(conn)
    engine.dispose()


def markdown_texts(at) -> list[str]:
    return [str(e.value) for kind in MARKDOWN_KINDS for e in at.get(kind)]


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("pages/briefing.py", {}),
        ("pages/action_points.py", {"point": "134"}),
        ("pages/mdg.py", {"indicator": "4.1"}),
        ("pages/workload.py", {}),
        ("pages/action2.py", {}),
        ("dashboard.py", {}),
    ],
)
def test_markdown_in_data_is_shown_as_written(make_app, seeded_db_url, page, params):
    seed_markdown(seeded_db_url)
    at = make_app(page, role="staff")
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    shown = markdown_texts(at)
    for raw in RAW_MARKDOWN:
        assert not [t for t in shown if raw in t], (raw, [t for t in shown if raw in t][:3])
    joined = " ".join(shown)
    assert md_escape(TITLE) in joined  # the title is there, escaped, not dropped
    if page == "pages/mdg.py":
        # Shown by its short name (issue 16: repository brackets go), escaped.
        from lib.reference import source_name

        assert md_escape(source_name(SOURCE)) in joined
    if page == "pages/action_points.py":
        assert md_escape(POINT) in joined


def test_the_escape_leaves_no_markdown():
    wj = "\u2060"  # the word joiner that stops a bare address from becoming a link
    assert md_escape("![x](http://h/p.png)") == r"\!\[x\]\(http\:" + wj + r"//h/p\.png\)"
    assert md_escape(":red[x] $x$ <b>a</b> # h ~s~ a=b") == r"\:red\[x\] \$x\$ \<b\>a\</b\> \# h \~s\~ a\=b"
    assert md_escape("www.e.org a@b.c") == "www" + wj + r"\.e\.org a" + wj + r"@b\.c"
