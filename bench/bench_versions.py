"""What keeping versions costs, and how long `doctor` and `--rollback` take, on a large directory.

    python bench/bench_versions.py [--size 100000] [--base PATH] [--rounds 3]

Builds (or reuses, with --base) a demo directory of --size services, copies it to a scratch
folder, then, back to back: small imports that each swap the file with HELPLINE_KEEP_VERSIONS=0
and =3 (wall clock of the whole command), three more imports to fill the default 3 versions, the
disk really used by the live file plus kept
versions (hard links counted once), one `helpline import --rollback`, and one `helpline doctor`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = "name1,name2,street1,street2,city,state,zip,phone,latitude,longitude,sp\n"


def helpline(*args: str, keep: int | None = None) -> float:
    env = dict(os.environ)
    if keep is not None:
        env["HELPLINE_KEEP_VERSIONS"] = str(keep)
    started = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "helpline_tui", *args], capture_output=True, text=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if p.returncode not in (0, 1) or "Traceback" in p.stderr:
        sys.exit(f"helpline {' '.join(args)} failed: {p.stderr}")
    return elapsed


def allocated(paths: list[Path]) -> tuple[int, int]:
    """(apparent bytes, bytes really allocated with each inode counted once)."""
    apparent, seen, real = 0, set(), 0
    for path in paths:
        st = path.stat()
        apparent += st.st_size
        if st.st_ino not in seen:
            seen.add(st.st_ino)
            real += st.st_blocks * 512
    return apparent, real


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--base", type=Path, help="an existing demo directory to reuse")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-versions-"))
    try:
        base = args.base
        if base is None:
            base = work / "base.sqlite"
            print(f"building a {args.size:,}-service demo directory: {helpline('demo', 'build', '--size', str(args.size), '--db', str(base)):.1f} s")
        db = work / "services.sqlite"
        shutil.copyfile(base, db)
        csvs = []
        for n in range(2):
            path = work / f"tiny{n}.csv"
            path.write_text(HEADER + f"Bench Clinic {n},,1 Main St,,Boston,MA,02114,617-555-0100,42.36,-71.06,\n")
            csvs.append(path)
        print(f"directory: {db.stat().st_size / 1e6:,.1f} MB")

        times: dict[int, list[float]] = {0: [], 3: []}
        for r in range(args.rounds):
            for keep in (0, 3):  # interleaved, so contention hits both alike
                csv = csvs[(2 * r + (keep == 3)) % 2]
                times[keep].append(helpline("import", "samhsa-csv", str(csv), "--db", str(db), "--source-name",
                                            "bench", "--replace-source", keep=keep))
        for keep, values in times.items():
            print(f"import swapping the file, HELPLINE_KEEP_VERSIONS={keep}: median {statistics.median(values):.2f} s "
                  f"({', '.join(f'{v:.2f}' for v in values)})")
        for n in range(3):  # fill the kept versions up to the default 3
            helpline("import", "samhsa-csv", str(csvs[n % 2]), "--db", str(db), "--source-name", "bench",
                     "--replace-source", keep=3)
        folder = db.with_name(db.name + ".versions")
        kept = sorted(folder.glob("*.sqlite"))
        apparent, real = allocated([db, *kept])
        live_real = allocated([db])[1]
        print(f"kept versions: {len(kept)}; live + kept: {apparent / 1e6:,.1f} MB apparent, {real / 1e6:,.1f} MB on disk "
              f"(live file alone {live_real / 1e6:,.1f} MB; each kept version costs one directory's size)")

        from helpline_tui.core import versions

        started = time.perf_counter()
        version = versions.keep(db, "bench")
        link_s = time.perf_counter() - started
        version.meta_path.unlink()
        version.path.unlink()
        copy = work / "copy.sqlite"
        started = time.perf_counter()
        shutil.copyfile(db, copy)
        with open(copy, "rb") as handle:
            os.fsync(handle.fileno())
        copy_s = time.perf_counter() - started
        print(f"keeping one version in-process: hard link + summary {link_s * 1000:.1f} ms; "
              f"a copy + fsync instead would take {copy_s * 1000:.0f} ms")

        print(f"helpline import --rollback: {helpline('import', '--rollback', '--db', str(db)):.2f} s")
        print(f"helpline doctor: {helpline('doctor', '--db', str(db)):.2f} s")
        started = time.perf_counter()
        from helpline_tui.core.doctor import examine

        report = examine(db)
        print(f"doctor checks in-process: {time.perf_counter() - started:.2f} s, healthy={report.healthy}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
