"""TUI benchmarks: launch to interactive, and keystroke to painted results, on a 20k directory.

    python bench/bench_tui.py                 # builds /tmp/helpline-bench-20000.sqlite if missing
    python bench/bench_tui.py --db PATH --launches 5

Launch: a fresh `python` process per launch (interpreter start and imports included) runs the app
headless at 80x24; "interactive" is when the app is ready with the cursor in the search box, "first
results" is when the first results are painted.

Keystrokes: the app runs in-process under Textual's Pilot, a realistic query is typed one key at a
time, waiting for each key's results. Latency is measured inside the app, from the moment the
Input.Changed message is handled to the refresh after the results list was updated (the search
screen's paint log), so the Pilot's own 60-110 ms per key is not counted. The core search time is
reported beside it, and so is the interface's share: from the answer leaving the search thread to
the paint (message delivery, updating the list and status line, waiting for the next frame, the
compositor). Figures only: no assertions (targets: interactive within 1.0 s; keystroke to
painted results p95 <= 50 ms at 20k).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import demo_directory  # noqa: E402
SCENARIOS = [
    # (label, filters, text typed one key at a time)
    ("no filters", {}, "methadone yonkers"),
    ("near Yonkers, NY + Spanish", {"place": "Yonkers, NY", "language": "es"}, "methadone"),
    ("Spanish + need methadone", {"language": "es", "needs": ("methadone",)}, "clinica"),
    ("phone number", {}, "914 555"),
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# ---- launch ------------------------------------------------------------------------------------

CHILD = r"""
import sys, time, json
spawned = float(sys.argv[1]); db = sys.argv[2]
sys.path.insert(0, sys.argv[3])
from helpline_tui.config import Config
from helpline_tui.ui.app import HelplineApp
marks = {}
async def auto(pilot):
    app = pilot.app
    marks["interactive"] = time.time() - spawned
    screen = app.search_screen
    while not screen.paint_log:
        await asyncio.sleep(0.002)
    marks["first_results"] = time.time() - spawned
    marks["focused"] = type(app.focused).__name__
    app.exit()
import asyncio
app = HelplineApp(db, config=Config(), blink_cursor=False)
app.run(headless=True, size=(80, 24), auto_pilot=auto)
print(json.dumps(marks))
"""


def bench_launch(db: Path, launches: int) -> dict[str, float]:
    interactive, first = [], []
    env = dict(os.environ, HELPLINE_CONFIG=str(Path("/nonexistent/helpline.toml")))
    for _ in range(launches):
        spawned = time.time()
        out = subprocess.run([sys.executable, "-c", CHILD, repr(spawned), str(db), str(ROOT)],
                             capture_output=True, text=True, env=env, check=True, cwd=ROOT)
        marks = json.loads(out.stdout.strip().splitlines()[-1])
        assert marks["focused"] == "SearchBox", marks
        interactive.append(marks["interactive"] * 1000)
        first.append(marks["first_results"] * 1000)
    return {"interactive_ms_median": statistics.median(interactive), "interactive_ms_max": max(interactive),
            "first_results_ms_median": statistics.median(first), "first_results_ms_max": max(first)}


# ---- keystrokes --------------------------------------------------------------------------------

def _caught_up(screen) -> bool:
    return bool(screen.paint_log) and screen.paint_log[-1].seq >= screen.latest_seq


async def _wait_painted(screen, timeout: float = 10.0) -> None:
    """Until the latest request is painted; woken by the screen's paint listener (no polling)."""
    if _caught_up(screen):
        return
    event = asyncio.Event()

    def listener(_record) -> None:
        if _caught_up(screen):
            event.set()

    screen.paint_listeners.append(listener)
    try:
        await asyncio.wait_for(event.wait(), timeout)
    finally:
        screen.paint_listeners.remove(listener)


async def bench_keystrokes(db: Path, rounds: int, driver: bool = False) -> list[dict]:
    from helpline_tui.config import Config
    from helpline_tui.ui.app import HelplineApp
    from helpline_tui.ui.state import FilterState

    app = HelplineApp(db, config=Config(), blink_cursor=False, poll_seconds=3600)
    report = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.search_screen
        await _wait_painted(screen)
        for label, filters, text in SCENARIOS:
            latencies, core, ui = [], [], []
            for _ in range(rounds):
                screen.query_one("#query").value = ""
                screen.filters = FilterState(**filters)
                await _wait_painted(screen)
                await pilot.pause()
                for ch in text:
                    key = "space" if ch == " " else ch
                    if driver:
                        app.simulate_key(key)  # a Key event, as the terminal driver posts it
                        await asyncio.sleep(0)
                    else:
                        await pilot.press(key)
                    await _wait_painted(screen)
                    record = screen.paint_log[-1]
                    latencies.append((record.painted_at - record.requested_at) * 1000)
                    core.append(record.search_ms)
                    ui.append((record.painted_at - record.answered_at) * 1000)
            report.append({
                "scenario": label, "typed": text, "keystrokes": len(latencies),
                "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
                "max_ms": max(latencies), "core_search_p50_ms": percentile(core, 50),
                "core_search_p95_ms": percentile(core, 95),
                "answer_to_paint_p50_ms": percentile(ui, 50), "answer_to_paint_p95_ms": percentile(ui, 95),
            })
        # a burst: keys as fast as the Pilot sends them, only the last one waited for
        screen.query_one("#query").value = ""
        screen.filters = FilterState()
        await _wait_painted(screen)
        started = len(screen.paint_log)
        for ch in "buprenorphine":
            if driver:
                app.simulate_key(ch)
                await asyncio.sleep(0.03)  # ~30 keys a second: a fast typist
            else:
                await pilot.press(ch)
        await _wait_painted(screen)
        painted = list(screen.paint_log)[started:]
        last = painted[-1]
        report.append({"scenario": "burst of 13 keys", "typed": "buprenorphine", "keystrokes": 13,
                       "paints": len(painted), "last_key_to_paint_ms": (last.painted_at - last.requested_at) * 1000})
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="times each scenario is typed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    db = args.db or demo_directory(Path(f"/tmp/helpline-bench-{args.size}.sqlite"), args.size)

    from helpline_tui.core.directory import open_readonly

    conn = open_readonly(db)
    total = conn.execute("SELECT count(*) FROM services").fetchone()[0]
    conn.close()
    launch = bench_launch(db, args.launches)
    keys = asyncio.run(bench_keystrokes(db, args.rounds))
    driver_keys = asyncio.run(bench_keystrokes(db, args.rounds, driver=True))
    result = {"directory": str(db), "services": total, "cpus": os.cpu_count(),
              "load_average": os.getloadavg()[0], "launch": launch, "keystrokes_pilot": keys,
              "keystrokes_driver": driver_keys}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"directory: {db} ({total:,} services) · {os.cpu_count()} CPUs · load average {os.getloadavg()[0]:.1f}")
    print(f"launch to interactive (cursor in search box): median {launch['interactive_ms_median']:.0f} ms, "
          f"max {launch['interactive_ms_max']:.0f} ms   [target 1000 ms]")
    print(f"launch to first results painted:              median {launch['first_results_ms_median']:.0f} ms, "
          f"max {launch['first_results_ms_max']:.0f} ms")
    for title, rows in (("Pilot.press", keys), ("App.simulate_key, no Pilot", driver_keys)):
        _print_keys(title, rows)


def _print_keys(title: str, rows: list[dict]) -> None:
    print(f"keystroke to painted results, keys sent by {title} (in brackets: core search; answer to paint)"
          "   [target p95 50 ms]")
    for row in rows:
        if "p50_ms" in row:
            print(f"  {row['scenario']:<30} {row['keystrokes']:>3} keys  p50 {row['p50_ms']:6.1f} ms  "
                  f"p95 {row['p95_ms']:6.1f} ms  max {row['max_ms']:6.1f} ms  "
                  f"[search p50 {row['core_search_p50_ms']:.1f} / p95 {row['core_search_p95_ms']:.1f} ms; "
                  f"paint p50 {row['answer_to_paint_p50_ms']:.1f} / p95 {row['answer_to_paint_p95_ms']:.1f} ms]")
        else:
            print(f"  {row['scenario']:<30} {row['paints']} paints for {row['keystrokes']} keys, last key to paint "
                  f"{row['last_key_to_paint_ms']:.1f} ms")


if __name__ == "__main__":
    main()
