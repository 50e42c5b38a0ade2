"""The pack's charts rasterised in worker processes, started once per server and kept.

vl-convert holds the GIL (and its one converter) while it renders: in threads the charts
neither ran in parallel nor let the pack's own work go on meanwhile. Each worker is a plain
``python -c`` process that imports vl-convert only (nothing of the app, nor the server's main
module, as multiprocessing's spawn would) and answers one spec at a time over its pipes.
A worker that dies is replaced; its chart is drawn in this process instead.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import os
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from lib.chart_theme import vega_spec
from lib.exports import PNG_FONT, chart_png
from lib.paths import FONT_DIR

log = logging.getLogger(__name__)

WORKERS = min(4, os.cpu_count() or 1)

# The worker: length-prefixed JSON requests {"spec", "scale"} in, (status, length, bytes) out.
_WORKER = r"""
import json, struct, sys
import vl_convert as vlc
vlc.register_font_directory(sys.argv[1])
# Draw once now: vl-convert starts its JavaScript engine on the first chart, not on import.
vlc.vegalite_to_png({"mark": "point", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a"}}})
inp, out = sys.stdin.buffer, sys.stdout.buffer
while True:
    head = inp.read(8)
    if len(head) < 8:
        break
    req = json.loads(inp.read(struct.unpack(">Q", head)[0]))
    try:
        body, status = vlc.vegalite_to_png(req["spec"], scale=req["scale"]), 0
    except Exception as exc:
        body, status = repr(exc).encode(), 1
    out.write(struct.pack(">BQ", status, len(body)))
    out.write(body)
    out.flush()
"""


class ChartError(RuntimeError):
    """vl-convert refused a spec (the worker itself is fine)."""


class _Worker:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(  # noqa: S603  (our own interpreter and code)
            [sys.executable, "-c", _WORKER, str(FONT_DIR)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def render(self, spec: dict[str, Any], scale: float) -> bytes:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        req = json.dumps({"spec": spec, "scale": scale}).encode()
        self.proc.stdin.write(struct.pack(">Q", len(req)) + req)
        self.proc.stdin.flush()
        head = self.proc.stdout.read(9)
        if len(head) < 9:
            raise EOFError("chart worker stopped")
        status, n = struct.unpack(">BQ", head)
        body = self.proc.stdout.read(n)
        if len(body) < n:
            raise EOFError("chart worker stopped")
        if status:
            raise ChartError(body.decode(errors="replace"))
        return body


_idle: queue.Queue[_Worker] = queue.Queue()
_started = 0
_lock = threading.Lock()


def start_workers() -> None:
    """Start the workers that are not running yet (they load vl-convert while the pack loads its data)."""
    global _started
    with _lock:
        while _started < WORKERS:
            _idle.put(_Worker())
            _started += 1


def worker_pids() -> list[int]:
    """The process ids of the idle workers (for tests and diagnostics)."""
    return [w.proc.pid for w in list(_idle.queue)]


def _drop_tooltips(node: Any) -> Any:
    """``node`` without its tooltip encodings and mark properties (a PNG draws no tooltip); inline
    data (``data``, ``datasets``, ``values``) is left as it is."""
    if isinstance(node, list):
        return [_drop_tooltips(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("data", "datasets", "values"):
            out[key] = value
        elif key in ("encoding", "mark") and isinstance(value, dict):
            out[key] = {k: _drop_tooltips(v) for k, v in value.items() if k != "tooltip"}
        else:
            out[key] = _drop_tooltips(value)
    return out


def _strings(node: Any) -> list[str]:
    """Every key and string value in ``node``."""
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (str(k), *_strings(v))]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def static_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite spec of an Altair chart as a PNG draws it, validated (as ``chart.to_dict()``
    validates: its data aside): without tooltips, and its datasets without the columns nothing
    else in the spec names (those only the tooltips showed).

    The same marks at the same places as ``chart.to_dict()`` draws, from a fraction of the data:
    hashing, sending and parsing a spec cost in proportion to its data. A column is kept when its
    name appears anywhere in the rest of the spec (fields, transforms, expressions).
    """
    spec = chart.to_dict()
    datasets = spec.pop("datasets", None)
    out = _drop_tooltips(spec)
    if datasets is not None:
        text = "\n".join(_strings(out)).replace("\\", "")  # "a\\.b" names the column "a.b"
        kept = {}
        for name, rows in datasets.items():
            columns = {c for row in rows if isinstance(row, dict) for c in row}
            named = {c for c in columns if c in text}
            kept[name] = [
                {c: v for c, v in row.items() if c in named} if isinstance(row, dict) else row for row in rows
            ]
        out["datasets"] = kept
    return out


def png_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as lib.exports.chart_png draws it (TopoJSON inlined, the shipped font)."""
    out = vega_spec(spec)
    return {**out, "config": {**out.get("config", {}), "font": PNG_FONT}}


def rasterise(spec: dict[str, Any], scale: float) -> bytes:
    """The PNG of a Vega-Lite spec, as lib.exports.chart_png draws it, rendered by a worker (this
    thread only waits); in this process when the worker stopped (it is replaced)."""
    global _started
    start_workers()
    worker = _idle.get()
    try:
        png = worker.render(png_spec(spec), scale)
    except (OSError, EOFError, ValueError):
        log.warning("a chart worker stopped; drawing in the server process", exc_info=True)
        worker.proc.kill()
        worker.proc.wait()
        with _lock:
            _started -= 1
        start_workers()
        return chart_png(spec, scale)
    except ChartError:
        _idle.put(worker)
        raise
    _idle.put(worker)
    return png


class ChartPool:
    """Threads that wait on the chart workers, taking the chart the pack writes first before the others.

    A first-in-first-out pool drew the charts in the order the sections were computed: a chart
    of an early page computed late waited behind the later pages' charts while the PDF waited
    on it. Here each chart has a rank (its section's place in the pack); the lowest is drawn
    first, then in the order asked.
    """

    def __init__(self, threads: int = WORKERS) -> None:
        self._queue: queue.PriorityQueue[tuple[float, int, Any]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._threads = [
            threading.Thread(target=self._run, name=f"pack-chart-{i}", daemon=True) for i in range(threads)
        ]
        for t in self._threads:
            t.start()

    def submit(self, rank: float, fn: Callable[..., bytes], *args: Any) -> Future[bytes]:
        future: Future[bytes] = Future()
        self._queue.put((rank, next(self._order), (future, fn, args)))
        return future

    def _run(self) -> None:
        while True:
            _, _, job = self._queue.get()
            if job is None:
                return
            future, fn, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # handed to whoever waits on the chart  # noqa: BLE001
                future.set_exception(exc)

    def shutdown(self) -> None:
        """Stop the threads once every chart asked for is drawn."""
        for _ in self._threads:
            self._queue.put((math.inf, next(self._order), None))
        for t in self._threads:
            t.join()

    def __enter__(self) -> ChartPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
