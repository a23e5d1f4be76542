"""A service's page at 80x24 in the real app, in Spanish and English: an online meeting's dial-in,
how it meets and its types in the interface's language; a SAMHSA facility's other listed services
by name, never as opaque codes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from unittest import mock

import pytest
from textual.widgets import Static

from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from importers import meeting_guide
from tests.ui.conftest import IMPORTED_AT, open_service, screen_lines, settle, type_text

SIZE = (80, 24)

# The reviewer's meeting, as the aasepia feed gives it.
MEETING = {
    "name": "Morning Miracles - Online", "slug": "morning-miracles-online-Sun", "notes": "",
    "updated": "2022-01-25 12:04:55", "url": "https://www.aasepia.org/meetings/?meeting=morning-miracles-online-Sun",
    "day": 0, "time": "09:00", "end_time": "10:00",
    "conference_url": "https://us02web.zoom.us/j/83153365392?pwd=bnIxMXVZWWdIdlNRUjJLb1pISFZRQT09",
    "conference_phone": "+3017158592,83153365392#,,#,,19135459#", "types": ["O", "D", "ONL"],
    "location": "Virtual Only", "formatted_address": "Philadelphia, PA, USA", "latitude": "39.9525839",
    "longitude": "-75.1652215", "regions": ["Philadelphia County", "Philadelphia"], "group": "",
}


@pytest.fixture
def words_db(tmp_path) -> Path:
    db = tmp_path / "words.sqlite"
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([MEETING]), encoding="utf-8")
    with mock.patch("helpline_tui.core.pipeline.now_iso", return_value=IMPORTED_AT):
        run_import(db, meeting_guide.read(str(feed)), source="meeting-guide", format="meeting-guide",
                   origin=str(feed))
        run_import(db, [ServiceRecord(
            name="Harbor Recovery Center", source="samhsa-csv", source_key="h1", city="Philadelphia", state="PA",
            zip="19107", phone="215-555-0142", needs=["substance-use-treatment"],
            source_codes=["SA", "ACC", "ANG", "CBT", "FEM", "MALE", "ZZQ"],
            unmapped_codes=["ACC", "ANG", "CBT", "FEM", "MALE", "ZZQ"])],
            source="samhsa-csv", format="samhsa-csv", origin="t")
    return db


async def open_page(pilot, query: str) -> str:
    screen = await open_service(pilot, query)
    return str(screen.query_one("#detail-body", Static).render())


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(("lang", "dial_in", "meets", "types", "join", "absent"), [
    ("es", "Por teléfono 301-715-8592, luego: ID de reunión 831 5336 5392 #, #, código de acceso 19135459 #",
     "Reunión Solo en línea.", "Tipo de reunión: Abierta, Discusión", "En línea https://us02web.zoom.us/j/8315",
     ("Sin teléfono", "Online only", "Meeting types", "Join")),
    ("en", "Join by phone 301-715-8592, then: meeting ID 831 5336 5392 #, #, passcode 19135459 #",
     "Meeting Online only.", "Meeting types: Open, Discussion", "Join online https://us02web.zoom.us/j/8315",
     ("No phone listed",)),
])
async def test_an_online_meetings_page_reads_out_its_dial_in(make_app, words_db, lang, dial_in, meets, types,
                                                             join, absent):
    app = make_app(db=words_db, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = await open_page(pilot, "morning miracles")
        before_raw = flat(text.split("Registro de la fuente")[0].split("Source record")[0])
        for said in (dial_in, meets, types, join):
            assert said in before_raw
        assert not any(words in before_raw for words in absent)
        # The number and the keys are on screen, whole, at 80 columns.
        lines = screen_lines(app)
        assert any("301-715-8592" in line for line in lines)
        assert any("19135459 #" in line for line in lines)


async def test_the_results_row_gives_an_online_meeting_its_number(make_app, words_db):
    app = make_app(db=words_db, lang="es")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "morning miracles")
        await settle(pilot)
        row = next(line for line in screen_lines(app) if "dom 09:00" in line)
        assert "301-715-8592" in row and "sin teléfono" not in row and "#" not in row


@pytest.mark.parametrize(("lang", "listed", "gone"), [
    ("es", "La fuente también indica: Aftercare/continuing care, Anger management, Cognitive behavioral therapy, "
           "Female, Male, ZZQ", "sin equivalencia"),
    ("en", "Also listed by the source: Aftercare/continuing care, Anger management, Cognitive behavioral therapy, "
           "Female, Male, ZZQ", "Source codes"),
])
async def test_a_facilitys_other_services_are_named_not_coded(make_app, words_db, lang, listed, gone):
    app = make_app(db=words_db, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = await open_page(pilot, "harbor recovery")
        assert listed in flat(text)
        assert gone not in text and "ACC" not in text and "CBT" not in text
