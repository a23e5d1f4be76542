"""What a slip tells the caller, on real exports, in English and Spanish: what the service is, who
can go, when and where (or how to join online), who it serves, what it costs or takes, what it has of
what was asked, and a phone only where there is one. No intergroup ids, no "call" without a phone."""

from __future__ import annotations

import datetime as dt

import pytest

from helpline_tui.core import referral
from helpline_tui.core.directory import get_record, open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.search import Filters, search
from tests.conftest import shared_file

DAY = dt.date(2026, 12, 7)
FEED = ("meetings", "meetingguide_aasepia_2024.json")
BOSTON = ("samhsa", "findtreatment_export_FindTreament_Facility_listing_2025-08_greater_boston.csv")
MIAMI = ("hsds", "open211-miami-2019")


def _directory(tmp_path_factory, name, records, fmt):
    db = tmp_path_factory.mktemp(name) / "d.sqlite"
    run_import(db, records, source=name, format=fmt, origin=name)
    return open_readonly(db)


def _slip(conn, query, filters, name, lang):
    """The slip of the service `name` as added from the search `query`: what matched comes along."""
    hit = next(h for h in search(conn, query, filters, limit=200).hits if h.record["name"] == name)
    rec = get_record(conn, hit.record["id"])
    return referral.slip_text([rec], lang, moment=DAY, asked_for={rec["id"]: hit.matched})


def _flat(text):
    return " ".join(text.split())


@pytest.fixture(scope="module")
def meetings_db(tmp_path_factory):
    from importers import meeting_guide

    wanted = {"16 De Noviembre", "Sober B's"}
    records = [r for r in meeting_guide.read(str(shared_file(*FEED))) if getattr(r, "name", None) in wanted]
    return _directory(tmp_path_factory, "meetings", records, "meeting-guide")


def test_a_closed_online_meeting_says_who_can_go_and_how_to_join(meetings_db):
    en = _slip(meetings_db, "aa women", Filters(), "Sober B's", "en")
    assert "What: Support group: Closed, Discussion, Women" in en
    assert "Who can go: closed meeting: only for people who want to stop drinking or using themselves, " \
           "not for family or friends" in _flat(en)
    assert "How it meets: Online only." in en
    assert "Join online: https://us02web.zoom.us/j/5020767421?pwd=" in _flat(en)
    assert "Join by phone: 929-205-6099, then: meeting ID 502 076 7421 #, #, passcode 196430 #" in _flat(en)
    assert "Has what you asked for: AA, Women" in en  # the fellowship asked, not any mutual-help group
    # A dial-in joins the meeting: it is no one to call about hours or languages.
    assert "Please call" not in en and "ask when you call" not in en
    es = _slip(meetings_db, "aa mujeres", Filters(), "Sober B's", "es")
    assert "Qué es: Grupo de apoyo: Cerrada, Discusión, Mujeres" in es
    assert "Quién puede ir: reunión cerrada: solo para quienes quieren dejar de beber o de consumir, " \
           "no para familiares ni amigos" in _flat(es)
    assert "Cómo se reúne: Solo en línea." in es and "Unirse en línea: https://us02web.zoom.us/j/5020767421" in _flat(es)


def test_a_meeting_without_a_phone_never_says_call_and_shows_no_intergroup_ids(meetings_db):
    en = _slip(meetings_db, "aa spanish", Filters(), "16 De Noviembre", "en")
    assert "D26" not in en and "GSO" not in en and "164620" not in en
    assert "   Grupo 16 de Noviembre\n" in en
    assert "What: Support group: Open" in en
    assert "Who can go: open meeting: anyone, family and friends too" in en
    assert "Address: 608 W Venango St, Philadelphia, PA 19140" in en
    assert "Has what you asked for: AA, Spanish" in en
    assert "Please call" not in en and "ask when you call" not in en and "Phone" not in en
    assert "Hours and services can change: check with the service before you go." in en
    es = _slip(meetings_db, "aa español", Filters(), "16 De Noviembre", "es")
    assert "D26" not in es and "GSO" not in es
    assert "Quién puede ir: reunión abierta: cualquier persona, también familiares y amigos" in _flat(es)
    assert "Tiene lo que pidió: AA, Español" in es
    assert "Llame antes de ir" not in es and "pregunte al llamar" not in es
    assert "Idiomas: Español" in es


@pytest.fixture(scope="module")
def boston_db(tmp_path_factory):
    from importers import samhsa_csv

    records = [r for r in samhsa_csv.read(str(shared_file(*BOSTON)))
               if getattr(r, "name", None) == "Bay Cove Treatment Center"]
    return _directory(tmp_path_factory, "boston", records, "samhsa-csv")


def test_a_treatment_slip_says_what_was_matched_who_it_serves_and_payment(boston_db):
    en = _slip(boston_db, "methadone medicaid", Filters(lang="es"), "Bay Cove Treatment Center", "en")
    assert "What: Treatment" in en
    assert "Has what you asked for: Methadone, Medicaid, Spanish" in en
    assert "Payment: Medicaid, Medicare," in en
    assert "Serves: People involved with the justice system, Men, Pregnant or postpartum women," in _flat(en)
    assert "Intake phone: 617-371-3030 x1" in en and "Please call before you go" in en
    es = _slip(boston_db, "metadona medicaid", Filters(lang="es"), "Bay Cove Treatment Center", "es")
    assert "Qué es: Tratamiento" in es
    assert "Tiene lo que pidió: Metadona, Medicaid, Español" in es
    assert "Pago: Medicaid, Medicare," in es and "Llame antes de ir" in es
    assert "Atiende a: " in es


@pytest.fixture(scope="module")
def miami_db(tmp_path_factory):
    from importers import hsds

    records = [r for r in hsds.read(str(shared_file(*MIAMI)))
               if getattr(r, "name", None) == "AFTERSCHOOL MEAL PROGRAM"]
    return _directory(tmp_path_factory, "miami", records, "hsds")


def test_a_community_service_slip_says_how_to_apply_and_what_was_matched(miami_db):
    en = _slip(miami_db, "food", Filters(lang="es", kind="community"), "AFTERSCHOOL MEAL PROGRAM", "en")
    assert "What: Community service" in en
    assert "Hours: Mon–Fri 08:00–17:00" in en
    assert "How to apply: No forms necessary, call 211 to find feeding sites" in en
    assert "Has what you asked for: Food (pantries and meals), Spanish" in en
    assert "Phone: 850-617-7400" in en
    es = _slip(miami_db, "comida", Filters(lang="es", kind="community"), "AFTERSCHOOL MEAL PROGRAM", "es")
    assert "Qué es: Servicio comunitario" in es
    assert "Cómo solicitarlo: No forms necessary" in es
    assert "Tiene lo que pidió: Alimentos (despensas y comidas), Español" in es
    assert "Horario: lun–vie 08:00–17:00" in es


def test_the_printable_page_says_the_same(meetings_db):
    hit = next(h for h in search(meetings_db, "aa women", Filters()).hits if h.record["name"] == "Sober B's")
    rec = get_record(meetings_db, hit.record["id"])
    page = referral.slip_html([rec], "en", moment=DAY, asked_for={rec["id"]: hit.matched})
    assert "<dt>Who can go</dt><dd>closed meeting: only for people" in page
    assert "<dt>Has what you asked for</dt><dd>AA, Women</dd>" in page
    assert "Please call" not in page
