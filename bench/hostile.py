"""Memory of one check of a hostile 1 MB file: ``python -m bench.hostile [--code DIR]``.

Each file is checked (a dry run of :func:`lib.ingest.import_bytes`) in a fresh process, on a
migrated SQLite database with the catalogues and rounds; the figure is the growth of the
process's peak resident memory during that one check, with a valid 1 MB file of the same
dataset as the baseline in the same run. ``--code DIR`` runs the checks against another
checkout's code (e.g. a worktree of main, to compare before and after).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

MB = 1024 * 1024


def hostile_files() -> dict[str, tuple[str, bytes]]:
    """name -> (dataset, about 1 MB of bytes)."""
    header = b"id,title,meeting_date,cutoff_date\n"
    ny = b"id,received_on,work_area,requesting_body,kind,title,staff_member,hours,status,completed_on\n"
    row = "NY-{},2008-01-12,mdgs,DPA,briefing,Briefing on the goals,NY officer 1,6.5,completed,2008-01-20\n"
    valid = ny + "".join(row.format(i) for i in range(MB // len(row))).encode()
    return {
        "valid work items (baseline)": ("ny-workload", valid),
        "one-letter lines": ("rounds", header + b"a\n" * (MB // 2)),
        "a header of commas": ("rounds", b"," * MB + b"\n"),
        "65,536 empty columns, then rows": ("rounds", b"," * 65_535 + b"\n" + b"x\n" * ((MB - 65_536) // 2)),
        "every cell wrong": ("rounds", header + b"2009-H9,,2009-13-45,x\n" * (MB // 22)),
    }


CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from lib.db import make_engine
from lib.ingest import import_bytes
from lib.seed import init
from lib.paths import DATA_DIR
db, path, dataset, cap = sys.argv[1:5]
cap = int(float(cap) * 2**30)
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))  # a runaway check fails, not the machine
engine = make_engine(f"sqlite:///{db}")
init(engine, seed=False)
import_bytes(engine, "rounds", (DATA_DIR / "rounds.csv").read_bytes(), "rounds.csv")
raw = Path(path).read_bytes()
import_bytes(engine, dataset, b"id\n1\n", "warm.csv", dry_run=True)  # lazy imports done
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
res = import_bytes(engine, dataset, raw, "hostile.csv", dry_run=True, max_bytes=None)
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"kb": after - before, "peak_kb": after, "seconds": seconds, "problems": len(res.problems), "ok": res.ok}))
"""


def check(code: Path, tmp: Path, name: str, dataset: str, raw: bytes, max_gb: float) -> dict:
    path = tmp / "file.csv"
    path.write_bytes(raw)
    db = tmp / f"{abs(hash(name))}.db"
    out = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", CHILD, str(db), str(path), dataset, str(max_gb)],
        cwd=code,
        env={**os.environ, "PYTHONPATH": str(code)},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if out.returncode != 0:
        return {
            "error": out.stderr.strip().splitlines()[-1][:120]
            if out.stderr.strip()
            else f"exit {out.returncode}"
        }
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--max-gb", type=float, default=4.0, help="address-space cap of each check (GB)")
    args = parser.parse_args(argv)
    print(f"code: {args.code}")
    print(
        f"{'file (about 1 MB)':<34} {'memory growth':>14} {'peak RSS':>10} {'seconds':>8} {'problems kept':>14}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as d:
        for name, (dataset, raw) in hostile_files().items():
            r = check(args.code, Path(d), name, dataset, raw, args.max_gb)
            if "error" in r:
                print(f"{name:<34} failed: {r['error']}")
                continue
            print(
                f"{name:<34} {r['kb'] / 1024:11.1f} MB {r['peak_kb'] / 1024:7.0f} MB {r['seconds']:8.2f} {r['problems']:>14,}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
