"""Peak memory and time of real `helpline import` processes on hostile sources, with the DEFAULT bounds.

    python bench/hostile_memory.py [--only NAME,...] [--code DIR] [--cap-gb 4]

Each input is built in a temporary folder (a few are hundreds of MB inflated, none is kept) and
imported by the real command in a subprocess; the figures are that process's peak RSS (its
worker processes included) and wall time, the exit code and the first line it said. Hostile
inputs: an HSDS zip whose services.csv inflates to 50 MB and to 500 MB; 190 MB of `[{},{},…]` as
meeting-guide, samhsa-json and HSDS 3.0 JSON; a locator CSV of a million rows that are all
skipped; the same JSON served gzip-compressed (about 200 KB) by an HTTP server on 127.0.0.1. Each
is shown beside a normal import of the same format (the real exports in ../shared/data).

`--code DIR` runs the helpline code in DIR instead (e.g. an export of an older commit, for
before/after figures); `--cap-gb` caps each import's address space (default 4 GB) so that an
unbounded import fails with MemoryError instead of taking the shared machine's memory.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
MB = 1024 * 1024

# Run in a child: the import as a grandchild under an address-space cap, then its peak RSS.
_MEASURE = """
import resource, subprocess, sys, time
cap = int(sys.argv[1])
def limit():
    if cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
start = time.perf_counter()
done = subprocess.run(sys.argv[2:], capture_output=True, text=True, preexec_fn=limit)
took = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
said = (done.stderr.strip().splitlines() or done.stdout.strip().splitlines() or [""])
print(repr((peak_kb, took, done.returncode, said[-1] if done.returncode else said[0])))
"""


def measure(args: list[str], cap: int, code: Path | None, folder: Path) -> tuple[float, float, int, str]:
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = str(code.resolve())
    # Run from the temporary folder: `python -m` puts the working folder first on the path.
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(cap), sys.executable, "-m", "helpline_tui", *args],
                         capture_output=True, text=True, env=env, check=True, cwd=folder).stdout
    peak_kb, took, exit_code, said = eval(out)  # noqa: S307 - our own repr() above
    return peak_kb / 1024, took, exit_code, said


# ------------------------------------------------------------------------------ inputs

def services_zip(folder: Path, inflated: int) -> Path:
    """An HSDS zip whose services.csv inflates to `inflated` bytes of short distinct rows."""
    path = folder / f"hsds-{inflated // MB}mb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("data/services.csv", "w") as member:
        member.write(b"id,name,organization_id,description\n")
        written, i, block = 0, 0, []
        while written < inflated:
            line = f"s{i},S{i},o,\n".encode()
            block.append(line)
            written += len(line)
            i += 1
            if len(block) == 10000:
                member.write(b"".join(block))
                block = []
        member.write(b"".join(block))
    return path


def empty_objects(count: int) -> bytes:
    return b"[" + b",".join([b"{}"] * count) + b"]"


def json_bomb(folder: Path, name: str, wrap: Callable[[bytes], bytes]) -> Path:
    path = folder / name
    path.write_bytes(wrap(empty_objects(63_000_000)))
    return path


def skipped_csv(folder: Path, rows: int) -> Path:
    path = folder / "skipped.csv"
    with open(path, "w") as handle:
        handle.write("name1,street1,city,state,zip\n")
        for _ in range(rows // 10000):
            handle.write(",1 Main St,Boston,MA,02108\n" * 10000)
    return path


class GzipServer:
    """Serves one body gzip-encoded (Content-Encoding: gzip) on 127.0.0.1."""

    def __init__(self, body: bytes):
        compressed = gzip.compress(body, compresslevel=9)
        self.compressed_size = len(compressed)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(compressed)))
                self.end_headers()
                self.wfile.write(compressed)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/meetings.json"

    def close(self) -> None:
        self.server.shutdown()


# ------------------------------------------------------------------------------ cases

def cases(folder: Path) -> list[tuple[str, Callable[[], list[str]]]]:
    samhsa_page = lambda rows: b'{"page": 1, "totalPages": 1, "recordCount": 0, "rows": ' + rows + b"}"  # noqa: E731
    out: list[tuple[str, Callable[[], list[str]]]] = [
        ("hsds-normal-miami-folder", lambda: ["hsds", str(SHARED / "hsds" / "open211-miami-2019")]),
        ("hsds-zip-50mb-table", lambda: ["hsds", str(services_zip(folder, 50 * MB))]),
        ("hsds-zip-500mb-table", lambda: ["hsds", str(services_zip(folder, 500 * MB))]),
        ("hsds-json-63M-empty-objects", lambda: ["hsds", str(json_bomb(folder, "hsds.json", lambda b: b))]),
        ("meeting-guide-normal", lambda: ["meeting-guide", str(SHARED / "meetings" / "meetingguide_aasepia_2024.json")]),
        ("meeting-guide-63M-empty-objects", lambda: ["meeting-guide", str(json_bomb(folder, "mg.json", lambda b: b))]),
        ("samhsa-json-normal", lambda: ["samhsa-json", str(SHARED / "samhsa" / "findtreatment_api_listing_sample_2019.json")]),
        ("samhsa-json-63M-empty-objects", lambda: ["samhsa-json", str(json_bomb(folder, "api.json", samhsa_page))]),
        ("samhsa-csv-normal-boston", lambda: ["samhsa-csv", str(SHARED / "samhsa" /
                                               "findtreatment_export_FindTreament_Facility_listing_2025-08_greater_boston.csv")]),
        ("samhsa-csv-1M-skipped-rows", lambda: ["samhsa-csv", str(skipped_csv(folder, 1_000_000))]),
    ]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma-separated case names (default: all, and gzip-url)")
    parser.add_argument("--code", type=Path, help="run the helpline code in this folder (PYTHONPATH)")
    parser.add_argument("--cap-gb", type=float, default=4.0, help="address-space cap per import (0: none)")
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}
    cap = int(args.cap_gb * 1024 ** 3)
    print(f"{'case':34} {'peak RSS':>10} {'wall':>8} exit  said")
    with tempfile.TemporaryDirectory(prefix="helpline-hostile-") as tmp:
        folder = Path(tmp)
        runs = cases(folder)
        runs.append(("meeting-guide-gzip-url-190mb", None))  # type: ignore[arg-type]
        for index, (name, build) in enumerate(runs):
            if only and name not in only:
                continue
            server = None
            if build is None:
                server = GzipServer(empty_objects(63_000_000))
                source = ["meeting-guide", server.url]
            else:
                source = build()
            try:
                peak, took, code, said = measure(["import", *source, "--db", str(folder / f"db-{index}.sqlite")],
                                                 cap, args.code, folder)
            finally:
                if server:
                    name += f" ({server.compressed_size // 1024:,} KB gzip)"
                    server.close()
            print(f"{name:34} {peak:>7,.0f} MB {took:>6.1f} s {code:>4}  {said[:150]}", flush=True)
            for leftover in folder.glob("*.json"):
                leftover.unlink()
            for leftover in folder.glob("*.zip"):
                leftover.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
