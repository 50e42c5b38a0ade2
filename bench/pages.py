"""Each page's cold render and cached rerun (AppTest), the process's memory, and the briefing pack.

Run: ``python -m bench.pages [--repeat 3] [--database-url URL] [--pack ROUND] [--json FILE]``;
``--profile PAGE`` prints where one page's cold render and cached rerun spend their time (pyinstrument).
Without a URL it builds a seeded SQLite database in a temporary folder. AppTest runs each
page script in this process, as a Streamlit server runs it in its own: so this process's
memory is the server's. "Cold" clears Streamlit's caches first (the modules are already
imported, as on a running server); "cached" is the next run of the same session. Figures
are medians of --repeat runs. ``python -m bench`` runs this at each data size and compares.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

BENCH_USER = "bench-admin"


def prepare(url: str | None, tmp: Path) -> str:
    """A migrated, seeded database with an admin user for the benchmark; its URL."""
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


def rss_mb() -> tuple[float, float]:
    """This process's resident memory now and its peak since the last :func:`reset_peak`, in MiB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(rest.split()[0]) / 1024
    if not fields:  # not Linux: the peak since start is all there is
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak
    return fields["VmRSS"], fields["VmHWM"]


def reset_peak() -> None:
    """Start a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(page: str, repeat: int) -> dict[str, float]:
    """Median times of one page (seconds) and the memory it took (MiB).

    cold: Streamlit's caches and the results shared in the database (lib.derived) cleared,
    as on the first view after an upload; cached: the next run of the same session;
    cold_shared: Streamlit's caches cleared but the shared results kept, as on another
    server (or after a restart) once one server has shown the page.
    """
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from lib import derived
    from lib.db import make_engine
    from lib.paths import ROOT

    engine = make_engine()

    def render(at: AppTest) -> float:
        t0 = time.perf_counter()
        at.run()
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].value}")
        return time.perf_counter() - t0

    def session() -> AppTest:
        at = AppTest.from_file(str(ROOT / page), default_timeout=600)
        at.session_state["username"] = BENCH_USER
        return at

    cold, warm, shared, peaks = [], [], [], []
    for _ in range(repeat):
        st.cache_data.clear()
        derived.clear(engine)
        reset_peak()
        at = session()
        cold.append(render(at))
        warm.append(render(at))
        peaks.append(rss_mb()[1])
        st.cache_data.clear()
        shared.append(render(session()))
    engine.dispose()
    return {
        "cold": statistics.median(cold),
        "cached": statistics.median(warm),
        "cold_shared": statistics.median(shared),
        "peak_rss_mb": max(peaks),
        "rss_mb": rss_mb()[0],
    }


def profile(page: str) -> str:
    """pyinstrument's account of one page's cold render and then its cached rerun (text).

    AppTest runs the page in a thread of its own: the profiler is started in that thread,
    around the script runner's run.
    """
    import streamlit as st
    import streamlit.runtime.scriptrunner.script_runner as runner
    from pyinstrument import Profiler
    from streamlit.testing.v1 import AppTest

    from lib import derived
    from lib.db import make_engine
    from lib.paths import ROOT

    reports: list[str] = []
    real = runner.ScriptRunner._run_script

    def profiled(self, *args, **kwargs):
        prof = Profiler(interval=0.001)
        prof.start()
        try:
            return real(self, *args, **kwargs)
        finally:
            prof.stop()
            reports.append(prof.output_text(unicode=False, color=False))

    engine = make_engine()
    st.cache_data.clear()
    derived.clear(engine)
    engine.dispose()
    at = AppTest.from_file(str(ROOT / page), default_timeout=600)
    at.session_state["username"] = BENCH_USER
    runner.ScriptRunner._run_script = profiled
    try:
        at.run()
        at.run()
    finally:
        runner.ScriptRunner._run_script = real
    return f"== {page}: cold\n{reports[0]}\n== {page}: cached rerun\n{reports[-1]}"


def pack(round_id: str) -> dict[str, float]:
    """Build the briefing pack of ``round_id`` once: wall and CPU seconds, pages, peak memory."""
    from pypdf import PdfReader

    from lib.briefing import build_pack
    from lib.db import make_engine

    engine = make_engine()
    reset_peak()
    c0, t0 = _cpu(), time.perf_counter()
    pdf = build_pack(engine, round_id)
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    engine.dispose()
    return {
        "wall": wall,
        "cpu": cpu,
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
        "peak_rss_mb": rss_mb()[1],
    }


def run(url: str, repeat: int, pack_round: str | None, only: list[str] | None = None) -> dict:
    """Every page (or those named in ``only``) and the pack against the database at ``url``; the figures."""
    from lib.navigation import PAGES

    os.environ["DATABASE_URL"] = url
    start_rss = rss_mb()[0]
    measure("pages/briefing.py", 1)  # warm-up: imports and the engine, as on a running server
    out: dict = {"start_rss_mb": start_rss, "warm_rss_mb": rss_mb()[0], "pages": {}}
    for p in PAGES:
        if only is None or Path(p.path).stem in only:
            out["pages"][p.path] = measure(p.path, repeat)
    out["pages_rss_mb"] = rss_mb()[0]  # the server after every page (before the pack)
    if pack_round:
        out["pack"] = pack(pack_round)
    out["end_rss_mb"] = rss_mb()[0]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="a prepared database (default: a seeded SQLite)")
    parser.add_argument("--pack", metavar="ROUND", default=None, help="also build this round's briefing pack")
    parser.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    parser.add_argument("--pages", default=None, help="only these pages (file stems, comma-separated)")
    parser.add_argument(
        "--profile", metavar="PAGE", default=None, help="profile this page (file stem) instead"
    )
    args = parser.parse_args(argv)
    if args.profile:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["DATABASE_URL"] = args.database_url or prepare(None, Path(tmp))
            measure("pages/briefing.py", 1)  # warm-up: imports and the engine, as on a running server
            print(profile(f"pages/{args.profile}.py"))
        return 0
    only = [p.strip() for p in args.pages.split(",") if p.strip()] if args.pages else None
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or prepare(None, Path(tmp))
        res = run(url, args.repeat, args.pack, only)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))
    print(
        f"{'page':26} {'cold s':>7} {'cached s':>9} {'cached/cold':>12} {'cold shared s':>14} {'peak MiB':>9}"
    )
    for page, r in res["pages"].items():
        print(
            f"{page:26} {r['cold']:7.3f} {r['cached']:9.3f} {r['cached'] / r['cold']:12.2f} "
            f"{r['cold_shared']:14.3f} {r['peak_rss_mb']:9.0f}"
        )
    if "pack" in res:
        p = res["pack"]
        print(f"briefing pack {args.pack}: {p['wall']:.1f} s wall, {p['cpu']:.1f} s CPU, {p['pages']} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
