"""A service's page in the interface's language: a meeting's types, how it meets, its join link and
its dial-in come from data, not from English sentences the importer wrote; codes a source lists
beyond the needs are named in plain words. Rendered from the real Meeting Guide feed and from
SAMHSA records imported through the pipeline."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from helpline_tui.core import cleaning, meetings, referral
from helpline_tui.core.directory import get_record, open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.search import Filters, search
from helpline_tui.ui.render import PAGE_WIDTH, best_phone, detail_text
from importers import meeting_guide, taxonomy
from tests.conftest import shared_file

NOW = dt.datetime(2026, 11, 30, 18, 0)
# The meeting the reviewer saw with "No phone listed": its dial-in only in the description.
REVIEWED = "morning-miracles-online-Sun"
IMPORTER_PROSE = ("Meeting types", "Join online", "Join by phone", "Online only", "In person and online",
                  "Language:")


def page(rec, lang: str) -> str:
    return detail_text(rec, lang, NOW, False, "a").plain


def flat(text: str) -> str:
    """The page with its wrapped lines joined, to find a phrase wherever the lines break."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def feed_db(tmp_path_factory) -> Path:
    path = shared_file("meetings", "meetingguide_aasepia_2024.json")
    db = tmp_path_factory.mktemp("feed") / "mg.sqlite"
    # Imported under a name of the admin's choosing: the page goes by the source's format.
    run_import(db, meeting_guide.read(str(path)), source="aa-sepia", format="meeting-guide", origin=str(path))
    return db


def meeting(db: Path, slug: str) -> dict:
    conn = open_readonly(db)
    (record_id,) = conn.execute("SELECT id FROM services WHERE source_record_id = ?", (slug,)).fetchone()
    return get_record(conn, record_id)


# ------------------------------------------------------------------ what the importer stores

def test_no_meeting_of_the_real_feed_stores_the_importers_english(feed_db):
    conn = open_readonly(feed_db)
    rows = conn.execute("SELECT source_record_id, description, raw_json FROM services").fetchall()
    assert len(rows) == 2038
    for slug, description, raw_json in rows:
        assert not any(line.startswith(IMPORTER_PROSE) for line in description.splitlines()), slug
        raw = json.loads(raw_json)
        # What is left is the source's own free text, as written (and cleaned as every text is),
        # with a dial-in that is not a phone number ("+1646…#+1646…#,,1#,417417#") as given.
        own = [raw.get(k) for k in ("notes", "location_notes", "group_notes", "conference_url_notes")]
        if not meetings.is_phone_number(raw.get("conference_phone", "")):
            own.append(raw.get("conference_phone"))
        assert description == cleaning.clean_text("\n".join(v for v in own if v and v.strip()), multiline=True), slug


def test_every_dial_in_of_the_real_feed_is_a_phone(feed_db):
    conn = open_readonly(feed_db)
    rows = conn.execute("SELECT phone, raw_json FROM services").fetchall()
    with_dial_in = [(phone, json.loads(raw)["conference_phone"]) for phone, raw in rows
                    if json.loads(raw).get("conference_phone")]
    assert len(with_dial_in) == 571
    numbers = [(phone, dial_in) for phone, dial_in in with_dial_in if meetings.is_phone_number(dial_in)]
    assert len(numbers) == 569  # two give one dial-in twice, run together: kept as the source's text
    for phone, dial_in in numbers:
        assert phone, dial_in
        assert cleaning.phone_digits(phone)[-10:] == re.sub(r"\D", "", dial_in.split(",")[0])[-10:]


def test_a_meeting_is_found_by_its_dial_in_number(feed_db):
    page_ = search(open_readonly(feed_db), "301-715-8592", Filters(), limit=5)
    assert page_.total > 50
    assert all(h.record["phone"].startswith("301-715-8592") for h in page_.hits)


# ------------------------------------------------------------------ the meeting's page

def test_the_reviewed_meeting_reads_its_dial_in_in_both_languages(feed_db):
    rec = meeting(feed_db, REVIEWED)
    assert rec["phone"] == "301-715-8592,83153365392#,,#,,19135459#"
    en, es = page(rec, "en"), page(rec, "es")
    assert "No phone listed" not in en and "Sin teléfono" not in es
    assert ("Join by phone 301-715-8592, then: meeting ID 831 5336 5392 #, #, passcode 19135459 #"
            in flat(en))
    assert ("Por teléfono 301-715-8592, luego: ID de reunión 831 5336 5392 #, #, código de acceso 19135459 #"
            in flat(es))
    # Wrapped under its own column, within an 80-column terminal's page.
    phone_lines = es.split("Teléfonos\n")[1].split("\n\n")[0].splitlines()
    assert len(phone_lines) == 2 and all(len(line) <= PAGE_WIDTH for line in phone_lines)
    assert phone_lines[1].startswith(" " * 16) and phone_lines[1].strip()
    # The result row gives the number to ring.
    assert best_phone(rec) == "301-715-8592"


def test_the_reviewed_meeting_says_how_it_meets_in_the_interface_language(feed_db):
    rec = meeting(feed_db, REVIEWED)
    en, es = page(rec, "en"), page(rec, "es")
    assert "Meeting\n  Online only.\n  Meeting types: Open, Discussion\n" in en
    assert "Reunión\n  Solo en línea.\n  Tipo de reunión: Abierta, Discusión\n" in es
    assert "  Join online   https://us02web.zoom.us/j/83153365392" in en
    assert "  En línea      https://us02web.zoom.us/j/83153365392" in es
    before_raw = es.split("Registro de la fuente")[0]
    assert not any(words in before_raw for words in IMPORTER_PROSE)


def test_a_closed_room_meeting_online_says_so_in_spanish(feed_db):
    rec = meeting(feed_db, "meeting-2832-n-28th-st-philadelphia-pa-19132-usa-2-200000")  # types B ONL TC X
    es = page(rec, "es")
    assert "  Solo en línea: el local de la reunión está cerrado temporalmente.\n" in es
    assert "  Tipo de reunión: Libro Grande, Acceso en silla de ruedas\n" in es
    assert "Descripción\n  3rd wk Grapevine\n" in es  # the source's note, as written
    assert "Online only" not in es and "Big Book" not in es.split("Registro de la fuente")[0]


def test_a_spanish_meeting_in_person_lists_its_type_and_language_once(feed_db):
    rec = meeting(feed_db, "meeting-608-w-venango-st-philadelphia-pa-19140-usa-0-193000")  # types O S
    es = page(rec, "es")
    assert "Reunión\n  Tipo de reunión: Abierta\n" in es  # Spanish is said under Idiomas
    assert "Idiomas\n  Español (ES)\n" in es
    assert "  Sitio web     https://www.aasepia.org/" in es  # the listing, not a join link
    assert "Sin teléfono" in es


def test_hybrid_meeting_and_other_records_have_no_meeting_section(tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([{
        "name": "Hybrid Group", "slug": "h1", "day": 2, "time": "19:00", "end_time": "20:00",
        "types": ["C", "SP", "ASBI"], "attendance_option": "hybrid", "conference_url": "https://zoom.example/j/2",
        "conference_url_notes": "Password: serenity", "formatted_address": "9 Park Avenue, Chelsea, MA 02150, USA",
    }]), encoding="utf-8")
    db = tmp_path / "h.sqlite"
    run_import(db, meeting_guide.read(str(feed)), source="meeting-guide", format="meeting-guide", origin=str(feed))
    run_import(db, [ServiceRecord(name="Harbor Clinic", source="samhsa-csv", source_key="c1", city="Chelsea",
                                  state="MA", zip="02150", source_codes=["O", "SP"])],
               source="samhsa-csv", format="samhsa-csv", origin="t")
    conn = open_readonly(db)
    ids = dict(conn.execute("SELECT name, id FROM services"))
    hybrid = page(get_record(conn, ids["Hybrid Group"]), "es")
    assert "Reunión\n  En persona y en línea.\n  Tipo de reunión: Cerrada, Orador, Como lo ve Bill\n" in hybrid
    assert "Descripción\n  Password: serenity\n" in hybrid
    clinic = page(get_record(conn, ids["Harbor Clinic"]), "es")
    assert "Reunión" not in clinic and "Tipo de reunión" not in clinic


def test_the_slip_reads_the_dial_in_out_in_its_own_language(feed_db):
    rec = meeting(feed_db, REVIEWED)
    es = referral.slip_text([rec], "es")
    assert ("Unirse por teléfono: 301-715-8592, luego: ID de reunión 831 5336 5392 #, #, código de acceso "
            "19135459 #") in flat(es)
    assert all(len(line) <= referral.WRAP for line in es.splitlines() if "teléfono" in line or "19135459" in line)
    en = referral.slip_text([rec], "en")
    assert "Join by phone: 301-715-8592, then: meeting ID 831 5336 5392 #, #, passcode 19135459 #" in flat(en)


def test_the_search_table_reads_a_dial_in_out(feed_db):
    from tests.conftest import run_cli

    result = run_cli("search", "morning miracles online", "--db", str(feed_db))
    assert result.returncode == 0, result.stderr
    assert "301-715-8592, then: meeting ID 831 5336 5392 #, #, passcode 19135459 #" in result.stdout


# ------------------------------------------------------------------ the pieces

@pytest.mark.parametrize(("given", "stored"), [
    ("+13017158592,,83153365392#,,#,,19135459#", "301-715-8592,,83153365392#,,#,,19135459#"),
    ("+3017158592,83153365392#,,#,,19135459#", "301-715-8592,83153365392#,,#,,19135459#"),
    ("(929) 205-6099 ,, 851 2852 2363#", "929-205-6099,,85128522363#"),
    ("999-999-9999,,12#", ""),  # a placeholder is dropped, keys and all
    ("617-555-0100", "617-555-0100"),
])
def test_a_dial_in_keeps_its_keys_after_the_formatted_number(given, stored):
    assert cleaning.format_phone(given) == stored


@pytest.mark.parametrize(("phone", "lang", "said"), [
    ("301-715-8592,,503536771#", "en", "301-715-8592, then: meeting ID 503 536 771 #"),
    ("301-715-8592,,876406386#,,1#,526452#", "en",
     "301-715-8592, then: meeting ID 876 406 386 #, 1 #, passcode 526452 #"),
    ("929-205-6099,,#,,#,,#", "es", "929-205-6099, luego: #, #, #"),
    ("617-555-0100 x12", "es", "617-555-0100 x12"),
])
def test_phone_text(phone, lang, said):
    assert referral.phone_text(phone, lang) == said


def test_meeting_types_have_both_languages_and_the_language_types_match_the_importer():
    assert meetings.LANGUAGE_CODES == set(taxonomy.MEETING_LANGUAGES)
    for code in taxonomy.MEETING_TYPE_NAMES:
        assert meetings.type_name(code, "en") and meetings.type_name(code, "es"), code
    assert meetings.type_name("ASBI", "es") == "Como lo ve Bill"


# ------------------------------------------------------------------ codes beyond the needs, in words

BOSTON = ("samhsa", "findtreatment_export_FindTreament_Facility_listing_2025-08_greater_boston.csv")


def test_samhsa_codes_beyond_the_needs_are_named_in_both_languages(tmp_path):
    from importers import samhsa_csv

    path = shared_file(*BOSTON)
    db = tmp_path / "b.sqlite"
    run_import(db, samhsa_csv.read(str(path)), source="boston", format="samhsa-csv", origin=str(path))
    conn = open_readonly(db)
    (record_id,) = conn.execute("SELECT id FROM services WHERE name = 'Pine Street Inn'").fetchone()
    rec = get_record(conn, record_id)
    assert {"ACC", "ANG", "CBT", "MALE"} <= set(rec["unmapped_codes"])
    en, es = page(rec, "en"), page(rec, "es")
    for text in (en, es):
        assert "Source codes" not in text and "sin equivalencia" not in text
        listed = text.split("Registro de la fuente")[0].split("Source record")[0]
        assert not re.search(r"\b(ACC|ANG|CBT|MALE|SMPD)\b", listed)  # no bare code where a name is known
    assert ("Also listed by the source: 12-step facilitation, Accepts clients using MAT but prescribed elsewhere, Accepts clients "
            "using medication assisted treatment for alcohol use disorder but prescribed elsewhere, Adults, "
            "Aftercare/continuing care, Anger management,") in flat(en)
    assert "La fuente también indica: 12-step facilitation, Accepts clients using MAT" in flat(es)
    assert "Cognitive behavioral therapy" in flat(es) and "Smoking permitted in designated area" in flat(es)
    # Wrapped at the page's width, the lines after the first indented under the label.
    lines = es.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  La fuente también indica: "))
    block = lines[start:lines.index("", start)]
    assert len(block) > 3 and all(len(line) <= PAGE_WIDTH for line in block)
    assert all(line.startswith("    ") and not line.startswith("     ") for line in block[1:])


def test_a_code_with_no_known_name_is_shown_as_the_code(tmp_path):
    db = tmp_path / "c.sqlite"
    run_import(db, [ServiceRecord(name="Harbor Clinic", source="samhsa-directory", source_key="c1", city="Chelsea",
                                  state="MA", zip="02150", unmapped_codes=["ZZQ", "FEM", "label:Behavior modification"])],
               source="directory-2022", format="samhsa-directory", origin="t")
    run_import(db, [ServiceRecord(name="Food Bank", kind="community", source="hsds", source_key="f1", city="Chelsea",
                                  state="MA", zip="02150", unmapped_codes=["LV-1600"])],
               source="hsds", format="hsds", origin="t")
    conn = open_readonly(db)
    ids = dict(conn.execute("SELECT name, id FROM services"))
    assert "  Also listed by the source: Behavior modification, Female, ZZQ\n" in page(
        get_record(conn, ids["Harbor Clinic"]), "en")
    assert "  La fuente también indica: LV-1600\n" in page(get_record(conn, ids["Food Bank"]), "es")

