"""Shared fixtures: small real directories built through the real pipeline, and the path to the
shared fixture data (tests that need it skip with a reason when ../shared is absent)."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pytest

from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from tests.support.cli import run_cli, run_cli_process  # noqa: F401 (tests import them from here)
from tests.support.directories import BuiltOnce, built_by_one_worker, copy_directory
from tests.support.zip_tables import copied_from, fill_template

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
SHIPPED_DB = ROOT / "data" / "services.sqlite"


def shared_file(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests read the real exports in ../shared/data")
    return path


def sample_records(source: str = "test") -> list[ServiceRecord]:
    """A handful of services a handler would look for: accents, Spanish, two states, needs."""
    return [
        ServiceRecord(name="Clínica de Metadona San Juan", source=source, source_key="1", row=1,
                      street="45 Calle Luna", city="San Juan", state="PR", zip="00901",
                      latitude=18.4655, longitude=-66.1057, phone="(787) 555-0101",
                      languages=["es"], needs=["methadone", "outpatient", "substance-use-treatment"],
                      payment=["medicaid"]),
        ServiceRecord(name="Yonkers Comprehensive Treatment Center", organization="Acadia Healthcare",
                      source=source, source_key="2", row=2, street="1200 Main Street", city="Yonkers",
                      state="NY", zip="10701", latitude=40.9390, longitude=-73.8990,
                      phone="914-555-0102", intake_phone="914 555 0103 ext 4", languages=["en", "es"],
                      needs=["methadone", "buprenorphine", "outpatient"], populations=["veterans"]),
        ServiceRecord(name="Hope House Sober Living", kind="community", source=source, source_key="3", row=3,
                      street="12 Elm Street", city="Yonkers", state="NY", zip="10703",
                      phone="914-555-0104", languages=["en"], needs=["housing"]),
        ServiceRecord(name="Casa Nueva Vida", kind="community", source=source, source_key="4", row=4,
                      street="300 Broadway", city="Chelsea", state="MA", zip="02150",
                      phone="617-555-0105", languages=["en", "es"], needs=["housing", "employment"]),
        ServiceRecord(name="Grupo Esperanza de Alcohólicos Anónimos", kind="support-group", source=source,
                      source_key="5", row=5, street="9 Park Avenue", city="Chelsea", state="MA", zip="02150",
                      languages=["es"], needs=["support-group"], hours={"tue": [["19:00", "20:00"]]}),
        ServiceRecord(name="Closed Recovery Clinic", source=source, source_key="6", row=6, status="inactive",
                      city="Yonkers", state="NY", zip="10701", needs=["methadone"], languages=["en"]),
        ServiceRecord(name="New York State Hopeline", kind="community", source=source, source_key="7", row=7,
                      state="NY", phone="1-877-846-7369", service_area="Statewide (New York)",
                      service_area_list=["NY"], needs=["crisis", "substance-use-treatment"], languages=["en", "es"]),
    ]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "services.sqlite"


@pytest.fixture(scope="session", autouse=True)
def zip_tables_from_a_template(tmp_path_factory):
    """A new directory file's ZIP tables are copied from one filled once per session."""
    template = fill_template(tmp_path_factory.mktemp("zip-tables") / "zip-tables.sqlite")
    with copied_from(template):
        yield


@pytest.fixture(scope="session")
def built_directories(tmp_path_factory) -> BuiltOnce:
    """Directories built once per session through the real pipeline; each test gets a copy."""
    return BuiltOnce(tmp_path_factory.mktemp("built-once"))


def build_sample(path: Path) -> Path:
    run_import(path, sample_records(), source="test", format="test", origin="tests")
    return path


@pytest.fixture
def sample_db(db_path: Path, built_directories: BuiltOnce) -> Path:
    """A copy of the sample directory (sample_records() imported as source "test")."""
    return built_directories.copy("sample", build_sample, db_path)


@pytest.fixture(scope="session")
def national_directory_import(tmp_path_factory):
    """SAMHSA's National Directory 2022 (SA), imported once per test run (by one xdist worker) through
    the real pipeline: (the directory, the import's summary). Tests that share it only read it."""
    import importers

    source = shared_file("samhsa", "National_Directory_SA_Facilities_2022.xlsx")

    def build(db: Path) -> None:
        summary = run_import(db, importers.load("samhsa-directory")(str(source)), source="samhsa-directory",
                             format="samhsa-directory", origin=str(source))
        db.with_name("summary.pickle").write_bytes(pickle.dumps(summary))

    db = built_by_one_worker(tmp_path_factory, "national-directory", build)
    return db, pickle.loads(db.with_name("summary.pickle").read_bytes())


@pytest.fixture(scope="session")
def national_directory_db(national_directory_import) -> Path:
    return national_directory_import[0]


@pytest.fixture(scope="session")
def miami_211_imported(tmp_path_factory) -> Path:
    """Miami's 211 export (Open Referral HSDS) imported once per test run with `helpline import hsds`
    (a few seconds); modules take copies with `miami_211_copy`, never this file."""
    source = shared_file("hsds", "open211-miami-2019")

    def build(db: Path) -> None:
        result = run_cli("import", "hsds", str(source), "--db", str(db))
        assert result.returncode == 0, result.stderr

    return built_by_one_worker(tmp_path_factory, "miami-211", build)


def miami_211_copy(miami_211_imported: Path, folder: Path) -> Path:
    return copy_directory(miami_211_imported, folder / "services.sqlite")


# The fuzz suite's count of generated inputs (tests/fuzz/harness.py), printed at the end of the run.
# These hooks live here because under xdist the controller loads this file, not tests/fuzz/conftest.py.

def _fuzz_counts():
    harness = sys.modules.get("tests.fuzz.harness")
    return (harness.INPUTS, harness.OUTCOMES) if harness else (None, None)


def pytest_sessionfinish(session):
    inputs, outcomes = _fuzz_counts()
    if inputs and hasattr(session.config, "workeroutput"):  # an xdist worker: hand counts to the controller
        session.config.workeroutput["fuzz_counts"] = (dict(inputs), dict(outcomes))


_CONTROLLER_COUNTS: dict[str, dict[str, int]] = {"inputs": {}, "outcomes": {}}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    inputs, outcomes = getattr(node, "workeroutput", {}).get("fuzz_counts", ({}, {}))
    for store, counts in (("inputs", inputs), ("outcomes", outcomes)):
        for key, value in counts.items():
            _CONTROLLER_COUNTS[store][key] = _CONTROLLER_COUNTS[store].get(key, 0) + value


def pytest_terminal_summary(terminalreporter):
    inputs, outcomes = _fuzz_counts()
    inputs, outcomes = (inputs or _CONTROLLER_COUNTS["inputs"]), (outcomes or _CONTROLLER_COUNTS["outcomes"])
    if not inputs:
        return
    write = terminalreporter.write_line
    write(f"fuzz: {sum(inputs.values()):,} generated inputs")
    for label, count in sorted(inputs.items()):
        imported = outcomes.get(f"{label}: imported", 0)
        refused = outcomes.get(f"{label}: refused", 0)
        detail = f" ({imported:,} imported, {refused:,} refused cleanly)" if imported or refused else ""
        write(f"  {label:<30} {count:>6,}{detail}")


@pytest.fixture()
def conn(directory):
    """A read-only connection to the test module's own `directory` fixture, as the TUI and CLI open it."""
    from helpline_tui.core.directory import open_readonly

    connection = open_readonly(directory)
    yield connection
    connection.close()
