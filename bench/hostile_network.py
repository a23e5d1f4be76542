"""Hostile servers with the DEFAULT settings: wall time and peak memory of `helpline import URL`
for each hostile input, next to a normal import of the same format served the same way.

    python bench/hostile_network.py [--formats samhsa-json,hsds,meeting-guide,airs-xml] [--jobs 2] [--no-trickles]

Served for real on 127.0.0.1: trickles (one byte every 5 s: body, chunked body, headers) by a raw
socket server, the rest by pytest-httpserver — a locator declaring a billion pages, an API repeating
one page, a redirect loop, a redirect to another host on a loopback address, a gzip body inflating
to 190 MB, an HSDS datapackage naming its tables on another host. The normal imports read the real
exports in ../shared/data (skipped when absent). Every hostile run must end with exit 1, one line on
stderr and the directory unchanged; the trickles end at the deadlines (headers: HELPLINE_HTTP_DEADLINE
35 s; body: HELPLINE_HTTP_DOWNLOAD_DEADLINE 120 s). Peak memory is the child's max RSS (os.wait4).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.network_faults import sha256  # noqa: E402
from tests.support.fault_servers import URL_FORMATS, raw_server, trickle  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
NORMAL = {  # format -> (file in ../shared/data, content type); hsds is the Miami datapackage folder
    "samhsa-json": ("samhsa/findtreatment_api_listing_sample_2019.json", "application/json"),
    "meeting-guide": ("meetings/meetingguide_aasepia_2024.json", "application/json"),
    "airs-xml": ("airs/BC211_data_excerpt.xml", "application/xml"),
    "hsds": ("hsds/open211-miami-2019", ""),
}


# The child's own peak (VmHWM, which exec resets; ru_maxrss would count the parent's pages the
# child shared before exec), written to the file HELPLINE_BENCH_PEAK names as it exits.
_MEASURED = """
import atexit, os, sys
def _peak():
    with open("/proc/self/status") as status, open(os.environ["HELPLINE_BENCH_PEAK"], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM")))
atexit.register(_peak)
from helpline_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run(db_base: Path, folder: Path, name: str, fmt: str, url: str, env_extra: dict[str, str]) -> dict:
    handle, path = tempfile.mkstemp(suffix=".sqlite", dir=folder)
    os.close(handle)
    db = Path(path)
    shutil.copyfile(db_base, db)
    before = sha256(db)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELPLINE_HTTP_", "HELPLINE_HSDS_"))}
    env.update(env_extra, HELPLINE_BENCH_PEAK=f"{db}.peak")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURED, "import", fmt, url, "--db", str(db)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    seconds = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    peak_kb = int(Path(f"{db}.peak").read_text() or 0) if Path(f"{db}.peak").exists() else 0
    return dict(name=name, fmt=fmt, seconds=seconds, peak_mb=peak_kb / 1024, code=done.returncode,
                line=lines[-1] if lines else "", unchanged=sha256(db) == before,
                one_line=len(lines) <= 1)


def _inflating(size: int) -> bytes:
    """A gzip body of `size` bytes of JSON (mostly spaces) made without holding them."""
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    block = b" " * (1 << 20)
    parts = [packer.compress(b"[")] + [packer.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + packer.compress(b"]") + packer.flush()


def serve(stack: ExitStack, formats: list[str]) -> list[tuple[str, str, str]]:
    """(name, format, url) for every run, the normal import of each format first."""
    from pytest_httpserver import HTTPServer
    from werkzeug import Response

    server = HTTPServer(host="127.0.0.1", port=0)  # asked as "localhost" below; 127.0.0.1 is "another host"
    server.no_handler_status_code = 404  # a table Miami declares but does not ship is "not there"
    server.start()
    stack.callback(server.stop)
    base = server.url_for("/").replace("127.0.0.1", "localhost").rstrip("/")
    runs: list[tuple[str, str, str]] = []
    inflating = _inflating(190 * 1024 * 1024)

    def route(path: str, handler) -> str:
        server.expect_request(path).respond_with_handler(handler)
        return base + path

    for fmt in formats:
        file, ctype = NORMAL[fmt]
        source = SHARED / file
        if not source.exists():
            print(f"(no {source}: the normal {fmt} import is skipped)")
        elif fmt == "hsds":
            for child in source.rglob("*"):
                if child.is_file():
                    data = child.read_bytes()
                    # Miami's descriptor names its tables beside it; they ship in data/: both serve.
                    for rel in {child.relative_to(source).as_posix(), child.name}:
                        server.expect_request(f"/miami/{rel}").respond_with_data(data, content_type="text/csv")
            runs.append(("normal import (Miami datapackage)", fmt, base + "/miami/datapackage.json"))
        else:
            data = source.read_bytes()
            if fmt == "samhsa-json":  # one saved page of 765: served as the whole answer
                doc = json.loads(data)
                doc["totalPages"] = 1
                data = json.dumps(doc).encode()
            runs.append((f"normal import ({len(data) / 1e6:.1f} MB)", fmt,
                         route(f"/{fmt}/normal", lambda r, d=data, c=ctype: Response(d, content_type=c))))
        runs.append(("redirect loop", fmt, route(f"/{fmt}/loop", lambda r, f=fmt: Response(
            "", status=302, headers={"Location": f"/{f}/loop"}))))
        runs.append(("redirect to 127.0.0.1 (another host)", fmt, route(f"/{fmt}/away", lambda r: Response(
            "", status=302, headers={"Location": server.url_for("/internal")}))))
        runs.append(("gzip body inflating to 190 MB", fmt, route(f"/{fmt}/gzip", lambda r: Response(
            inflating, content_type="application/json", headers={"Content-Encoding": "gzip"}))))
    if "samhsa-json" in formats:
        def pages(total: int, repeat: bool):
            def answer(request):
                number = int(request.args.get("page", "1"))
                label = 1 if repeat else number
                rows = [{"name1": f"Clinic {label}-{i}", "street1": f"{i} Main St", "city": "Boston", "state": "MA",
                         "zip": "02118", "phone": "617-555-0100"} for i in range(100)]
                return Response(json.dumps({"page": number, "totalPages": total, "rows": rows}),
                                content_type="application/json")
            return answer
        runs.append(("totalPages 1e9", "samhsa-json", route("/pages/billion", pages(10 ** 9, False))))
        runs.append(("a page repeating itself", "samhsa-json", route("/pages/repeat", pages(50, True))))
    if "hsds" in formats:
        def hsds_pages(total: int, repeat: bool):
            def answer(request):
                number = int(request.args.get("page", "1"))
                label = 1 if repeat else number
                contents = [{"id": f"s{label}-{i}", "name": f"Service {label}-{i}"} for i in range(50)]
                return Response(json.dumps({"total_pages": total, "page_number": number, "last_page": False,
                                            "contents": contents}), content_type="application/json")
            return answer
        runs.append(("total_pages 1e9", "hsds", route("/hsds3/billion", hsds_pages(10 ** 9, False))))
        runs.append(("a page repeating itself", "hsds", route("/hsds3/repeat", hsds_pages(50, True))))
        descriptor = {"name": "pkg", "resources": [{"name": "services", "path": server.url_for("/cdn/services.csv")}]}
        runs.append(("datapackage tables on another host", "hsds",
                     route("/elsewhere/datapackage.json", lambda r: Response(json.dumps(descriptor),
                                                                           content_type="application/json"))))
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default=",".join(URL_FORMATS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-trickles", action="store_true", help="skip the trickles (2 minutes each)")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    formats = args.formats.split(",")
    from helpline_tui.core.pipeline import run_import
    from helpline_tui.core.records import ServiceRecord

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp) / "dbs"
        folder.mkdir()
        base = Path(tmp) / "base.sqlite"
        run_import(base, [ServiceRecord(name="Existing Clinic", source="t", row=1, city="Boston", state="MA",
                                        zip="02118")], source="t", format="t", origin="bench")
        runs = serve(stack, formats)
        slow = []
        for part in () if args.no_trickles else ("body", "chunked body", "headers"):
            url = stack.enter_context(raw_server(trickle(part, every=5.0)))
            slow += [(f"trickled {part}, 1 byte / 5 s", fmt, url) for fmt in formats]
        print(f"{len(runs) + len(slow)} runs with the default settings; the trickles run side by side")
        with ThreadPoolExecutor(len(slow) or 1) as waiting, ThreadPoolExecutor(args.jobs) as quick:
            futures = [waiting.submit(run, base, folder, *r, {}) for r in slow]
            futures += [quick.submit(run, base, folder, *r, {}) for r in runs]
            results = [f.result() for f in futures]
    bad = 0
    for r in sorted(results, key=lambda r: (r["fmt"], not r["name"].startswith("normal"), r["name"])):
        normal = r["name"].startswith("normal")
        ok = (r["code"] == 0) if normal else (r["code"] == 1 and r["one_line"] and r["unchanged"])
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {r['fmt']:<13} {r['name']:<38} {r['seconds']:6.1f} s {r['peak_mb']:6.0f} MB"
              f"  {'' if ok and normal else r['line'][:140]}")
    print(f"runs: {len(results)}; as expected: {len(results) - bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
