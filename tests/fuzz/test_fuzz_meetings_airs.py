"""Fuzzing Meeting Guide JSON feeds and AIRS XML 3.0 exports from their real field and element
names, with values of the wrong type, hostile text and damaged bytes."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.harness import check_import, workspace
from tests.fuzz.mutations import GOOD, chance, damage, hostile_text, json_value

pytestmark = pytest.mark.fuzz

MEETING_FIELDS = {
    "name": st.sampled_from(["Chester-Woodlyn", "Grupo Esperanza", "Al-Anon Friday", "Nar-Anon"]),
    "slug": st.sampled_from(["meeting-1", "meeting-2", "meeting-1", ""]),
    "id": st.one_of(st.integers(), st.sampled_from(["7", ""])),
    "day": st.one_of(st.integers(-2, 8), st.lists(st.integers(0, 6), max_size=3), st.sampled_from(["1", "Monday", ""])),
    "time": st.sampled_from(["19:00", "07:30", "11:00 AM", "7pm", "24:00", "", "25:61"]),
    "end_time": st.sampled_from(["20:00", "", "08:30", "1:00 PM", "noon"]),
    "types": st.one_of(st.lists(st.sampled_from(["O", "C", "S", "SP", "ONL", "TC", "W", "M", "D", "X", "??"]),
                                max_size=4), st.sampled_from(["O, D, S", ""])),
    "address": st.sampled_from(GOOD["street"]), "city": st.sampled_from(GOOD["city"]),
    "state": st.sampled_from(GOOD["state"]), "postal_code": st.sampled_from(GOOD["zip"]),
    "formatted_address": st.sampled_from(["1937 West MacDade Boulevard, Woodlyn, PA 19094, USA", "Online",
                                          "Delaware County", ""]),
    "latitude": st.one_of(st.sampled_from(GOOD["latitude"]), st.floats()),
    "longitude": st.one_of(st.sampled_from(GOOD["longitude"]), st.floats()),
    "coordinates": st.sampled_from(["39.87,-75.35", "x,y", "1,2,3", ""]),
    "approximate": st.sampled_from(["yes", "no", ""]),
    "conference_url": st.sampled_from(["https://zoom.us/j/1", "", "javascript:alert(1)"]),
    "conference_phone": st.sampled_from(["+1 646 558 8656,,123#", ""]),
    "attendance_option": st.sampled_from(["in_person", "online", "hybrid", "inactive", ""]),
    "regions": st.one_of(st.lists(st.sampled_from(["Delaware County", "Woodlyn", ""]), max_size=3),
                         st.sampled_from(["A > B", ""])),
    "location": st.sampled_from(["Church Hall", ""]), "group": st.sampled_from(["D54", ""]),
    "notes": st.sampled_from(["Opposite Woodlyn Shopping Center", "<b>x</b>", ""]),
    "updated": st.sampled_from(GOOD["date"]), "timezone": st.sampled_from(["America/New_York", "Mars/Base", ""]),
    "url": st.sampled_from(GOOD["website"]), "email": st.sampled_from(GOOD["email"]),
}


@st.composite
def meeting(draw):
    keys = draw(st.lists(st.sampled_from(sorted(MEETING_FIELDS)), max_size=len(MEETING_FIELDS), unique=True))
    m = {"name": draw(MEETING_FIELDS["name"]), "day": draw(MEETING_FIELDS["day"]),
         "time": draw(MEETING_FIELDS["time"])}
    hostile = chance(draw, 3)
    for key in keys:
        if hostile and chance(draw, 3):
            m[key] = draw(st.one_of(hostile_text, json_value))
        else:
            m[key] = draw(MEETING_FIELDS[key])
    if hostile and chance(draw, 5):
        m[draw(hostile_text)] = draw(json_value)  # an unknown key
    return m


@st.composite
def meeting_feed(draw) -> bytes:
    meetings = draw(st.lists(st.one_of(meeting(), meeting(), meeting(), json_value), max_size=6))
    shape = draw(st.sampled_from(["array", "array", "array", "wrapped", "odd"]))
    doc = {"array": meetings, "wrapped": {"meetings": meetings}, "odd": draw(json_value)}[shape]
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


@fuzz_settings(1500)
@given(feed=meeting_feed(), data=st.data())
def test_meeting_guide_feeds(base_db, feed, data):
    with workspace(base_db) as (folder, db):
        source = folder / "meetings.json"
        source.write_bytes(data.draw(damage(feed)))
        check_import("meeting-guide", "meeting-guide", source, db)


def xml_text(value: str) -> str:
    # XML 1.0 cannot carry most control characters even escaped; an exporter that writes them raw
    # makes a malformed file, which the damage step and raw control strings below cover.
    return escape("".join(ch for ch in value if ch in "\t\n\r" or (ord(ch) >= 32 and ch not in "\ufffe\uffff")))


@st.composite
def airs_document(draw) -> bytes:
    def text(good):
        value = draw(st.one_of(good, good, good, hostile_text))
        return xml_text(value)

    def element(tag, good):
        return f"<{tag}>{text(good)}</{tag}>"

    names = st.sampled_from(GOOD["name"])
    agencies = []
    for a in range(draw(st.integers(1, 3))):
        sites = []
        for s in range(draw(st.integers(0, 2))):
            services = []
            for v in range(draw(st.integers(0, 3))):
                attrs = draw(st.sampled_from(['', ' ExcludeFromDirectory="true"', ' AvailableForDirectory="false"',
                                              ' Status="inactive"']))
                services.append(
                    f"<SiteService{attrs}>{element('Key', st.sampled_from([str(v), '1', '']))}"
                    f"{element('Name', names)}{element('Description', st.sampled_from(['&amp;lt;b&amp;gt;Detox', 'Help']))}"
                    f"<Phone><PhoneNumber>{text(st.sampled_from(GOOD['phone']))}</PhoneNumber>"
                    f"{element('Type', st.sampled_from(['Phone1', 'Fax', 'Hotline', 'TTY']))}</Phone>"
                    f"<Taxonomy>{element('Code', st.sampled_from(['RX-8450.8000', 'BD-1800', 'YF', '??']))}</Taxonomy>"
                    f"<TimeOpen><Monday><From>{text(st.sampled_from(['09:00', '9am', '']))}</From>"
                    f"<To>{text(st.sampled_from(['17:00', '5pm', '']))}</To></Monday>"
                    f"{element('Notes', st.sampled_from(['Mon-Fri 9-5', '']))}</TimeOpen>"
                    f"<Language>{element('Name', st.sampled_from(['English', 'Spanish', 'Klingon']))}</Language>"
                    f"<AreaServed>{element('State', st.sampled_from(GOOD['state']))}"
                    f"{element('Description', st.sampled_from(['Statewide', '']))}</AreaServed>"
                    f"</SiteService>")
            confidential = draw(st.sampled_from(["false", "true", "maybe"]))
            sites.append(
                f"<Site>{element('Key', st.sampled_from([str(s), '9', '']))}{element('Name', names)}"
                f"<PhysicalAddress Confidential=\"{confidential}\">{element('Line1', st.sampled_from(GOOD['street']))}"
                f"{element('City', st.sampled_from(GOOD['city']))}{element('State', st.sampled_from(GOOD['state']))}"
                f"{element('ZipCode', st.sampled_from(GOOD['zip']))}{element('Country', st.sampled_from(['US', 'CA']))}"
                f"</PhysicalAddress><SpatialLocation>{element('Latitude', st.sampled_from(GOOD['latitude']))}"
                f"{element('Longitude', st.sampled_from(GOOD['longitude']))}</SpatialLocation>"
                f"{''.join(services)}</Site>")
        agencies.append(f"<Agency>{element('Key', st.sampled_from([str(a), '']))}{element('Name', names)}"
                        f"{element('AgencyDescription', st.sampled_from(['Agency', '']))}{''.join(sites)}</Agency>")
    namespace = draw(st.sampled_from(["", ' xmlns="http://www.airs.org/schema/3_1/AIRS.xsd"']))
    root = draw(st.sampled_from(["Source", "Source", "Agencies"]))
    body = f'<?xml version="1.0" encoding="utf-8"?>\n<{root}{namespace} SchemaVersion="3.0">{"".join(agencies)}</{root}>'
    if chance(draw, 8):
        body = body.replace("<Source", '<!DOCTYPE x [<!ENTITY a "aaaa">]><Source', 1)
    if chance(draw, 8):
        body = body.replace("Help", draw(hostile_text), 1)  # raw, unescaped: the file may become malformed
    return body.encode("utf-8", "surrogatepass")


@fuzz_settings(1200)
@given(document=airs_document(), data=st.data())
def test_airs_xml_exports(base_db, document, data):
    with workspace(base_db) as (folder, db):
        source = folder / "airs-export.xml"
        source.write_bytes(data.draw(damage(document)))
        check_import("airs-xml", "airs-xml", source, db)
