"""Languages from the ISO 639 registry (langcodes), the curated names on top: "Cape Verdean
Creole", common in Boston, was stored as Haitian Creole; Marshallese, Chuukese and Ilocano were
unknown; `--lang` took ISO 639-1 codes only. A Boston HSDS 3.0 feed, imported by the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import OptionList

from tests.conftest import run_cli
from tests.ui.conftest import settle

LANGUAGES = {  # service -> the language rows its feed gives (name, code)
    "Kriolu Recovery Center": [("English", "eng"), ("Cape Verdean Creole", "")],
    "Centre Haitien": [("Haitian Creole", "")],
    "Pacific Islander Wellness": [("Marshallese", ""), ("Chuukese", "")],
    "Ilocano Family Services": [("Ilocano", "")],
    "Kabuverdianu Line": [("", "kea")],
}


def _service(n: int, name: str, languages) -> dict:
    return {"id": f"s{n}", "name": name, "status": "active",
            "languages": [{"id": f"l{n}{i}", "name": lname, "code": code} for i, (lname, code) in enumerate(languages)],
            "service_at_locations": [{"id": f"sal-{n}", "location": {
                "id": f"loc-{n}", "location_type": "physical", "name": name, "latitude": 42.31, "longitude": -71.08,
                "addresses": [{"id": f"a{n}", "address_1": f"{n} Dudley St", "city": "Boston",
                               "state_province": "MA", "postal_code": "02119", "country": "US",
                               "address_type": "physical"}]}}]}


@pytest.fixture(scope="module")
def boston_feed_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("langs")
    feed = folder / "services.ndjson"
    feed.write_text("\n".join(json.dumps(_service(n, name, langs)) for n, (name, langs) in enumerate(LANGUAGES.items(), 1)))
    db = folder / "services.sqlite"
    done = run_cli("import", "hsds", str(feed), "--db", str(db))
    assert done.returncode == 0, done.stderr
    return db


def _names(db: Path, lang: str) -> list[str]:
    answer = run_cli("search", "", "--lang", lang, "--db", str(db), "--json")
    assert answer.returncode == 0, answer.stderr
    return sorted(r["name"] for r in json.loads(answer.stdout)["results"])


def test_cape_verdean_creole_is_not_haitian_creole(boston_feed_db):
    assert _names(boston_feed_db, "kea") == ["Kabuverdianu Line", "Kriolu Recovery Center"]
    assert _names(boston_feed_db, "KEA") == ["Kabuverdianu Line", "Kriolu Recovery Center"]
    assert _names(boston_feed_db, "ht") == ["Centre Haitien"]


def test_languages_the_vocabulary_does_not_list_are_kept_and_filtered(boston_feed_db):
    assert _names(boston_feed_db, "mh") == ["Pacific Islander Wellness"]
    assert _names(boston_feed_db, "chk") == ["Pacific Islander Wellness"]
    assert _names(boston_feed_db, "ilo") == ["Ilocano Family Services"]
    refused = run_cli("search", "", "--lang", "xqz", "--db", str(boston_feed_db))
    assert refused.returncode == 2 and "639-3" in refused.stderr and "Traceback" not in refused.stderr


@pytest.mark.parametrize(("ui_lang", "marshallese", "cape_verdean"), [
    ("en", "Marshallese (MH)", "Cape Verdean Creole (KEA)"),
    ("es", "Marshalés (MH)", "Criollo caboverdiano (KEA)"),
])
async def test_the_language_picker_names_every_language_the_directory_holds(
        boston_feed_db, make_app, ui_lang, marshallese, cape_verdean):
    app = make_app(db=boston_feed_db, lang=ui_lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        prompts = [str(o.prompt).strip().split("  ")[0] for o in app.screen.query_one("#choices", OptionList).options]
        assert marshallese in prompts and cape_verdean in prompts, prompts
        assert any(p.startswith(("Iloko", "Ilocano")) for p in prompts), prompts
