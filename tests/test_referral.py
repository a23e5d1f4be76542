"""The referral slip: both languages whatever the interface language, data shown literally (and
HTML-escaped in the page), phones intake first, hours grouped, saved without overwriting."""

from __future__ import annotations

import datetime as dt

from helpline_tui.core import referral
from helpline_tui.core.directory import get_record, open_readonly

DAY = dt.date(2026, 11, 24)

EVIL = {
    "id": "x1", "name": "[bold red]Evil[/] [link=x] <script>alert(1)</script> & Co",
    "organization": "", "site_name": "", "street": "1 <b>Main</b> St", "city": "Yonkers", "state": "NY",
    "zip": "10701", "phone": "914-555-0100", "intake_phone": "", "hotline_phone": "",
    "hours": {}, "hours_text": "", "languages": ["en", "es"], "website": "javascript:alert(1)",
}


def _records(sample_db):
    conn = open_readonly(sample_db)
    ids = [r[0] for r in conn.execute("SELECT id FROM services ORDER BY name")]
    return [get_record(conn, i) for i in ids]


def _by_name(records, name):
    return next(r for r in records if r["name"] == name)


def test_text_slip_in_spanish_and_english(sample_db):
    records = _records(sample_db)
    yonkers = _by_name(records, "Yonkers Comprehensive Treatment Center")
    es = referral.slip_text([yonkers], "es", note="Llamar el lunes", moment=DAY)
    assert es.startswith("Servicios recomendados para usted\nFecha: 2026-11-24\n")
    assert "1. Yonkers Comprehensive Treatment Center" in es
    assert "Dirección: 1200 Main Street, Yonkers, NY 10701" in es
    assert "Idiomas: Inglés, Español" in es
    assert "Horario: llame para confirmar" in es
    assert "Nota: Llamar el lunes" in es
    assert "1-800-662-4357" in es and "988" in es
    en = referral.slip_text([yonkers], "en", moment=DAY)
    assert "Languages: English, Spanish" in en and "Note:" not in en


def test_intake_phone_comes_first_and_duplicates_are_dropped(sample_db):
    yonkers = _by_name(_records(sample_db), "Yonkers Comprehensive Treatment Center")
    lines = referral.slip_text([yonkers], "en", moment=DAY).splitlines()
    phones = [line.strip() for line in lines if "phone" in line.lower() and ":" in line and "555" in line]
    assert phones == ["Intake phone: 914-555-0103 x4", "Phone: 914-555-0102"]
    same = dict(yonkers, intake_phone="914.555.0102")
    assert len(referral.phone_list(same, "en")) == 1


def test_hours_are_grouped_by_day():
    rec = dict(EVIL, hours={d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
               | {"sat": [["10:00", "14:00"]]})
    assert referral.week_text(rec["hours"], "en") == "Mon\u2013Fri 09:00\u201317:00; Sat 10:00\u201314:00"
    assert referral.week_text(rec["hours"], "es") == "lun\u2013vie 09:00\u201317:00; sáb 10:00\u201314:00"
    always = {d: [["00:00", "24:00"]] for d in ("sun", "mon", "tue", "wed", "thu", "fri", "sat")}
    assert referral.week_text(always, "es") == "lun\u2013dom 24 horas"


def test_markup_in_data_is_literal_in_text_and_escaped_in_html():
    text = referral.slip_text([EVIL], "en", note="<i>[b]note[/b]</i>", moment=DAY)
    assert "[bold red]Evil[/] [link=x] <script>alert(1)</script> & Co" in text
    page = referral.slip_html([EVIL], "en", note="<i>[b]note[/b]</i>", moment=DAY)
    assert "<script>" not in page and "<b>Main</b>" not in page and "<i>" not in page
    assert "[bold red]Evil[/] [link=x] &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    assert "&lt;i&gt;[b]note[/b]&lt;/i&gt;" in page
    assert 'href' not in page  # the website is text, never a link


def test_html_slip_is_a_complete_printable_page_in_the_slip_language(sample_db):
    records = _records(sample_db)
    page = referral.slip_html(records[:2], "es", moment=DAY, demo=True)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="es">' in page and "@media print" in page
    assert "Servicios recomendados para usted" in page and "DATOS DE DEMOSTRACIÓN" in page
    assert page.count("<li>") == 2


def test_empty_slip_says_so():
    assert "(no services in the list)" in referral.slip_text([], "en", moment=DAY)
    assert "(no hay servicios en la lista)" in referral.slip_html([], "es", moment=DAY)


def test_save_never_overwrites(tmp_path):
    first = referral.save_slip(tmp_path / "out", "one", "referral-es.txt")
    second = referral.save_slip(tmp_path / "out", "two", "referral-es.txt")
    assert first.read_text(encoding="utf-8") == "one" and second.read_text(encoding="utf-8") == "two"
    assert first != second and second.name == "referral-es-2.txt"
    assert not list((tmp_path / "out").glob("*.part"))
    moment = dt.datetime(2026, 11, 24, 19, 30, 5)
    assert referral.slip_filename("es", moment, "html") == "referral-20261124-193005-es.html"
