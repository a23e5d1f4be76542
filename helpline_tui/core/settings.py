"""Every HELPLINE_* environment variable helpline reads: its name, default, bound and meaning.

A setting is read when it is needed, never when a module is imported, so a test (or a long-lived
process) sets the variable and the next read sees it. One rule for every value: unset or blank is
the default; anything else must be what the setting takes, within its bound, or reading it raises
SettingError, one sentence naming the variable, the value and what it takes. The README's table
of environment variables lists the same.

Not settings, so not here: HELPLINE_SECRET_<NAME> variables hold credentials that a source's
address names in a placeholder (helpline_tui.core.url_secrets); HELPLINE_FUZZ_SCALE and
HELPLINE_BENCH_PEAK belong to the test suite and the benchmarks.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from helpline_tui.errors import Failure

T = TypeVar("T")


class SettingError(Failure):
    """A HELPLINE_* variable set to a value it does not take (a user error: exit 1)."""


@dataclass(frozen=True)
class Setting(Generic[T]):
    name: str
    default: T
    takes: str  # what a good value is, as the refusal says it: "a whole number, 0 or more"
    parse: Callable[[str], T]  # raises ValueError for a value it does not take
    meaning: str

    def read(self) -> T:
        raw = os.environ.get(self.name, "")
        if not raw.strip():
            return self.default
        try:
            return self.parse(raw)
        except ValueError:
            raise SettingError(f"{self.name}='{raw.strip()[:60]}' is not {self.takes}; set it to one, or unset it "
                               f"for the default ({_shown(self.default)})") from None


def _shown(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _number(low: float, *, above: bool = False) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw)
        if not math.isfinite(value) or value < low or (above and value == low):
            raise ValueError(raw)
        return value
    return parse


def _whole(low: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = int(raw)
        if value < low:
            raise ValueError(raw)
        return value
    return parse


def _text(raw: str) -> str:
    return raw


def _hosts(raw: str) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in raw.split(",") if h.strip())


SECONDS = "a number of seconds above 0"

DB: Setting[str] = Setting(
    "HELPLINE_DB", "", "a path", _text,
    "the directory file every command uses without --db (default: the shipped demo directory)")
CONFIG: Setting[str] = Setting(
    "HELPLINE_CONFIG", "", "a path", _text,
    "the settings file (default: config.toml in the platform's config folder)")
KEEP_VERSIONS = Setting(
    "HELPLINE_KEEP_VERSIONS", 3, "a whole number of versions to keep, 0 or more", _whole(0),
    "directory files kept in <db>.versions/ for `helpline import --rollback`")
IMPORT_WORKERS = Setting(
    "HELPLINE_IMPORT_WORKERS", min(2, os.cpu_count() or 1), "a whole number of processes, 0 or more",
    _whole(0), "processes reading a large CSV in parts (0 or 1: read in one process)")
IMPORT_PART_BYTES = Setting(
    "HELPLINE_IMPORT_PART_BYTES", 1 << 20, "a whole number of bytes, 1 or more", _whole(1),
    "the size of the parts a large CSV is cut into")
HTTP_TIMEOUT = Setting(
    "HELPLINE_HTTP_TIMEOUT", 30.0, SECONDS, _number(0, above=True),
    "seconds a download waits for the next bytes (the connection: at most 10)")
HTTP_BACKOFF = Setting(
    "HELPLINE_HTTP_BACKOFF", 1.0, "a number of seconds, 0 or more", _number(0),
    "seconds before the first retry of a failed download; doubles each retry")
HTTP_DEADLINE = Setting(
    "HELPLINE_HTTP_DEADLINE", 35.0, SECONDS, _number(0, above=True),
    "seconds one address may take to answer (status and headers), retries included")
HTTP_DOWNLOAD_DEADLINE = Setting(
    "HELPLINE_HTTP_DOWNLOAD_DEADLINE", 120.0, SECONDS, _number(0, above=True),
    "seconds one address's whole download may take, body and retries included")
HTTP_MAX_BYTES = Setting(
    "HELPLINE_HTTP_MAX_BYTES", 200 * 1024 * 1024, "a whole number of bytes, 1 or more", _whole(1),
    "bytes one URL import may download, all pages, counted decoded")
HTTP_MAX_RATIO = Setting(
    "HELPLINE_HTTP_MAX_RATIO", 100.0, "a number, 1 or more", _number(1),
    "times a compressed body may inflate, past its first 10 MB")
HTTP_MAX_PAGES = Setting(
    "HELPLINE_HTTP_MAX_PAGES", 10_000, "a whole number of pages, 1 or more", _whole(1),
    "pages one paginated source (samhsa-json, HSDS 3.0) may have")
HSDS_RESOURCE_HOSTS: Setting[frozenset[str]] = Setting(
    "HELPLINE_HSDS_RESOURCE_HOSTS", frozenset(), "a comma-separated list of hosts", _hosts,
    "other hosts a remote HSDS datapackage.json may name its tables on (* for any)")

ALL: tuple[Setting, ...] = (
    DB, CONFIG, KEEP_VERSIONS, IMPORT_WORKERS, IMPORT_PART_BYTES, HTTP_TIMEOUT, HTTP_BACKOFF,
    HTTP_DEADLINE, HTTP_DOWNLOAD_DEADLINE, HTTP_MAX_BYTES, HTTP_MAX_RATIO, HTTP_MAX_PAGES,
    HSDS_RESOURCE_HOSTS,
)


def check_all() -> None:
    """Raise SettingError for the first variable set to a value it does not take: commands that
    write the directory check before any work, not at the swap after it."""
    for setting in ALL:
        setting.read()
