"""Each page's cold render and cached rerun (AppTest), at the seed data size or larger.

Run: ``python -m bench.pages [--repeat 3] [--database-url URL]``. Without a URL it builds a
seeded SQLite database in a temporary folder. "Cold" clears Streamlit's caches first (the
modules are already imported, as on a running server); "cached" is the next run of the same
session. Figures are medians of --repeat runs; the ratio cached/cold is the one to read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

BENCH_USER = "bench-admin"


def _prepare(url: str | None, tmp: Path) -> str:
    from lib import auth
    from lib.db import make_engine
    from lib.seed import init

    url = url or f"sqlite:///{tmp / 'bench.db'}"
    eng = make_engine(url)
    init(eng)
    if auth.get_user(eng, BENCH_USER) is None:
        auth.create_user(eng, BENCH_USER, "admin", password=os.urandom(16).hex(), actor="bench")
    eng.dispose()
    return url


def measure(page: str, repeat: int) -> tuple[float, float]:
    """Median cold and cached run times of one page, in seconds."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from lib.db import ROOT

    cold, warm = [], []
    for _ in range(repeat):
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / page), default_timeout=300)
        at.session_state["username"] = BENCH_USER
        t0 = time.perf_counter()
        at.run()
        cold.append(time.perf_counter() - t0)
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].value}")
        t0 = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t0)
    return statistics.median(cold), statistics.median(warm)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    from lib.navigation import PAGES

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = _prepare(args.database_url, Path(tmp))
        measure("pages/briefing.py", 1)  # warm-up: imports and the engine, as on a running server
        print(f"{'page':32} {'cold s':>8} {'cached s':>9} {'cached/cold':>12}")
        for p in PAGES:
            cold, warm = measure(p.path, args.repeat)
            print(f"{p.path:32} {cold:8.3f} {warm:9.3f} {warm / cold:12.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
