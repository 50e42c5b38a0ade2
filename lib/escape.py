"""The one Markdown escape: text from data (titles, names, file names, messages) shown literally
by st.markdown, st.caption, st.write, st.info/warning/error/success, headers and labels."""

from __future__ import annotations

import re

# Every character Markdown (and Streamlit's additions: :colour[...] and :material/icon:, $maths$,
# ~strike~) gives a meaning to, plus "=" (setext headings) and "^".
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")
# A bare address becomes a link by itself (GFM autolink literals, found in the text after the
# escapes are read: http://, www., a@b.c): an invisible word joiner breaks the pattern.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def md_escape(text: object) -> str:
    """``text`` with Markdown syntax escaped, so that it shows as written: no image is loaded,
    no link, colour, heading or HTML made of it (bare addresses get an invisible word joiner)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, str(text)))
