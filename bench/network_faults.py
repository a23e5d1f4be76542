"""Network faults with the DEFAULT timeouts: seconds until `helpline import URL` gives up, per fault.

    python bench/network_faults.py [--formats samhsa-json,hsds,meeting-guide,airs-xml] [--jobs 2]

Every fault is served for real on 127.0.0.1 (a raw socket server for hangs and cut-off bodies,
pytest-httpserver for the rest, a trustme certificate for TLS) and imported by the real command in
a subprocess with no HELPLINE_HTTP_* settings, so the defaults apply (connect 10 s, read 30 s,
3 attempts, backoff 1 s doubling, 35 s per address, 200 MB cap). Each must end with exit code 1,
one line on stderr and the directory unchanged, within 45 s. The hangs run side by side (they only wait);
the other faults run two at a time, so their figures carry some start-up contention.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.fault_servers import (URL_FORMATS, cut_off, hang, oversize_header,  # noqa: E402
                                         raw_server, self_signed_context)

LIMIT_S = 45.0


# --------------------------------------------------------------------------------------- faults

def _http_faults(stack: ExitStack) -> dict[str, str]:
    from pytest_httpserver import HTTPServer
    from werkzeug import Response

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    stack.callback(server.stop)
    big = 250 * 1024 * 1024  # over the default 200 MB cap, sent without a Content-Length
    chunk = b" " * (1 << 20)
    routes = {
        "500": lambda r: Response("oops", status=500),
        "503": lambda r: Response("busy", status=503),
        "HTML with 200": lambda r: Response("<!DOCTYPE html><html><h1>Maintenance</h1></html>", content_type="text/html"),
        "plain text with 200": lambda r: Response("Error: export being rebuilt", content_type="text/plain"),
        "redirect to file://": lambda r: Response("", status=302, headers={"Location": "file:///etc/passwd"}),
        "redirect to ftp://": lambda r: Response("", status=302, headers={"Location": "ftp://127.0.0.1/x.json"}),
        "oversize, streamed": lambda r: Response((chunk for _ in range(big // len(chunk))),
                                                 content_type="application/json"),
    }
    urls = {}
    for n, (name, handler) in enumerate(routes.items()):
        server.expect_request(f"/f{n}").respond_with_handler(handler)
        urls[name] = server.url_for(f"/f{n}")
    context = self_signed_context()
    if context is not None:
        tls = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
        tls.start()
        stack.callback(tls.stop)
        tls.expect_request("/export").respond_with_json([])
        urls["TLS: self-signed certificate"] = tls.url_for("/export")
    urls["TLS: https to a plain server"] = urls["500"].replace("http://", "https://")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        urls["connection refused"] = f"http://127.0.0.1:{s.getsockname()[1]}/export"
    return urls


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_fault(db_base: Path, folder: Path, fault: str, fmt: str, url: str) -> tuple[str, str, float, int, str, bool]:
    db = folder / f"{fault.replace(' ', '_').replace('/', '')}-{fmt}.sqlite"
    shutil.copyfile(db_base, db)
    before = sha256(db)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_HTTP_")}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "helpline_tui", "import", fmt, url, "--db", str(db)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    seconds = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    one_line = len(lines) == 1 and "Traceback" not in done.stderr
    return fault, fmt, seconds, done.returncode, lines[-1] if lines else "", one_line and sha256(db) == before


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default=",".join(URL_FORMATS))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)  # its request log would bury the figures
    formats = args.formats.split(",")
    from helpline_tui.core.pipeline import run_import
    from helpline_tui.core.records import ServiceRecord

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        base = folder / "base.sqlite"
        run_import(base, [ServiceRecord(name="Existing Clinic", source="t", row=1, city="Boston", state="MA",
                                        zip="02118")], source="t", format="t", origin="bench")
        urls = _http_faults(stack)
        urls["hang (no answer)"] = stack.enter_context(raw_server(hang))
        urls["body cut off"] = stack.enter_context(raw_server(cut_off))
        urls["oversize, declared"] = stack.enter_context(raw_server(oversize_header))
        jobs = [(fault, fmt, url) for fault, url in urls.items() for fmt in formats]
        print(f"{len(jobs)} fault runs ({len(urls)} faults x {len(formats)} formats), default timeouts")
        # The hangs only wait: they run side by side with the others, which run --jobs at a time.
        waiting = [j for j in jobs if j[0].startswith("hang")]
        with ThreadPoolExecutor(len(waiting) or 1) as slow, ThreadPoolExecutor(args.jobs) as quick:
            futures = [slow.submit(run_fault, base, folder, *j) for j in waiting]
            futures += [quick.submit(run_fault, base, folder, *j) for j in jobs if j not in waiting]
            results = [f.result() for f in futures]
    bad = 0
    for fault, fmt, seconds, code, line, clean in sorted(results, key=lambda r: (r[0], r[1])):
        ok = code == 1 and clean and seconds <= LIMIT_S
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {seconds:6.1f} s  {fault:<30} {fmt:<14} {line[:150]}")
    slowest = max(r[2] for r in results)
    print(f"faults tried: {len(results)}; exit 1 with one sentence and the file unchanged: {len(results) - bad}; "
          f"slowest {slowest:.1f} s (limit {LIMIT_S:g} s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
