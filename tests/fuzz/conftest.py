"""The fuzz suite (`python -m pytest -m fuzz`): fixed-seed hypothesis settings, one small real
directory every input is imported into (a fresh copy each time), and a count of inputs at the end.

HYPOTHESIS_PROFILE picks the settings: `fuzz` (default: derandomized, so CI runs are repeatable)
or `fuzz-random` (a new seed each run, to look further). HELPLINE_FUZZ_SCALE multiplies every
test's example count (0.1 for a quick pass). The input count is printed by hooks in
tests/conftest.py, which the xdist controller loads (it never loads this file).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from helpline_tui.core.pipeline import run_import
from tests.conftest import sample_records
from tests.fuzz import harness

_COMMON = dict(deadline=None, database=None, print_blob=True,
               suppress_health_check=list(HealthCheck))
settings.register_profile("fuzz", derandomize=True, **_COMMON)
settings.register_profile("fuzz-random", derandomize=False, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "fuzz")
if PROFILE not in ("fuzz", "fuzz-random"):
    PROFILE = "fuzz"


def fuzz_settings(examples: int) -> settings:
    """This suite's profile with `examples` inputs (scaled), without touching the global profile
    the ordinary suite's property tests use."""
    return settings(settings.get_profile(PROFILE), max_examples=max(1, int(examples * harness.scale())))


@pytest.fixture(scope="session")
def base_db(tmp_path_factory) -> Path:
    """A directory with a handful of services and the ZIP centroids, built once."""
    path = tmp_path_factory.mktemp("fuzz-base") / "services.sqlite"
    run_import(path, sample_records("base"), source="base", format="test", origin="fuzz base")
    return path
