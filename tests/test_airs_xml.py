"""AIRS XML importer: the real BC211 (iCarol, AIRS 3.0) excerpt, a namespaced 3.1 document with
hours, languages and areas, hostile and broken XML, bad inputs through the real CLI, a URL import."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError
from importers.detect import sample
from importers import airs_xml
from tests.conftest import run_cli, sample_records, shared_file

BC211 = ("airs", "BC211_data_excerpt.xml")


def split(items):
    items = list(items)
    return ([i for i in items if isinstance(i, ServiceRecord)], [i for i in items if isinstance(i, SkippedRow)])


# A 3.1 export as the schema writes it: default namespace, several TimeOpen ranges per day,
# Name/Notes pairs inside one Languages element, areas served at three levels.
DOC_31 = """<?xml version="1.0" encoding="UTF-8"?>
<Source xmlns="http://www.airs.org/schema/3_1/AIRS.xsd" SourceEntity="Test" SchemaVersion="3.1">
  <Agency Status="active">
    <Key>A1</Key><Name>Hope Alliance</Name><AgencyDescription>Agency text</AgencyDescription>
    <Phone><PhoneNumber>914-555-0100</PhoneNumber><Type>Voice</Type></Phone>
    <URL><Address>hope.example.org</Address></URL>
    <Site Status="active">
      <Key>S1</Key><Name>Main Office</Name>
      <PhysicalAddress Confidential="false"><Line1>1200 Main Street</Line1><City>Yonkers</City>
        <County>Westchester</County><State>NY</State><ZipCode>10701</ZipCode><Country>US</Country></PhysicalAddress>
      <Phone><PhoneNumber>914-555-0101</PhoneNumber><Type>Voice</Type></Phone>
      <Languages><Name>Spanish</Name><Notes>Most staff</Notes><Name>Russian</Name><Notes>Mondays</Notes></Languages>
      <SpatialLocation><Datum>WGS84</Datum><Latitude>40.9390</Latitude><Longitude>-73.8990</Longitude></SpatialLocation>
      <SiteService Status="active">
        <Name>Outpatient Counseling</Name><Key>SS1</Key>
        <Description>&amp;lt;b&amp;gt;Counseling&amp;lt;/b&amp;gt; for adults &amp;amp; teens.</Description>
        <Phone><PhoneNumber>914-555-0102</PhoneNumber><Type>Fax</Type></Phone>
        <Phone><PhoneNumber>914-555-0103</PhoneNumber><Type>Voice</Type></Phone>
        <Phone><PhoneNumber>800-555-0104</PhoneNumber><Type>Hotline</Type></Phone>
        <TimeOpen>
          <Monday><From>09:00:00.000</From><To>12:00:00.000</To></Monday>
          <Monday><From>13:00:00.000</From><To>19:00:00.000</To></Monday>
          <Saturday><From>10:00:00.000</From><To>15:00:00.000</To></Saturday>
          <Notes>Closed on holidays</Notes>
        </TimeOpen>
        <Seasonal><Description>Flu shots</Description><StartDate>September 01</StartDate><EndDate>January 31</EndDate></Seasonal>
        <Taxonomy><Code>RX-8450.1150</Code><Code>YB-9500</Code></Taxonomy>
        <Taxonomy><Code>LV-1600</Code></Taxonomy>
        <Languages><Name>French</Name></Languages>
        <GeographicAreaServed><ZipCode>10701</ZipCode><ZipCode>10703</ZipCode><City>Yonkers</City></GeographicAreaServed>
        <GeographicAreaServed><County>Westchester</County><State>NY</State></GeographicAreaServed>
        <GeographicAreaServed><State>New Jersey</State></GeographicAreaServed>
        <ResourceInfo AvailableForDirectory="true" DateLastVerified="2024-02-03"/>
      </SiteService>
      <SiteService ExcludeFromDirectory="true"><Name>Hidden Service</Name><Key>SS2</Key></SiteService>
      <SiteService Status="inactive"><Name>Old Program</Name><Key>SS3</Key></SiteService>
    </Site>
    <Site>
      <Key>S2</Key><Name>Safe House</Name>
      <PhysicalAddress Confidential="true"><Line1>1 Secret Lane</Line1><City>Yonkers</City><State>NY</State>
        <ZipCode>10703</ZipCode></PhysicalAddress>
      <SpatialLocation><Latitude>40.95</Latitude><Longitude>-73.88</Longitude></SpatialLocation>
      <SiteService><Name>Domestic Violence Shelter</Name><Key>SS1</Key>
        <Taxonomy><Code>BH-1800.1500-100</Code></Taxonomy></SiteService>
    </Site>
  </Agency>
</Source>
"""


@pytest.fixture
def doc31(tmp_path):
    path = tmp_path / "airs31.xml"
    path.write_text(DOC_31, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ BC211 (real)

@pytest.fixture(scope="module")
def bc211():
    return split(airs_xml.read(str(shared_file(*BC211))))


def test_bc211_every_site_service_is_a_record(bc211):
    records, skipped = bc211
    assert (len(records), len(skipped)) == (39, 0)
    assert len({r.source_key for r in records}) == 39
    assert all(r.last_verified and "2014-04-01" <= r.last_verified <= "2016-12-27" for r in records)
    assert sorted(r.state for r in records).count("BC") == 37  # and one each in QC and ON
    assert {r.zip for r in records} == {""}  # Canadian postcodes are not ZIP codes
    assert all(r.languages == [] for r in records)  # no <Languages> in this excerpt: unknown


def test_bc211_named_records(bc211):
    records, _ = bc211
    employment = next(r for r in records if r.name == "Employment Services")
    assert employment.organization == "Stepping Stone Community Services Society"
    assert (employment.needs, employment.kind, employment.last_verified) == (["employment"], "community", "2015-06-09")
    assert employment.phone == "604-530-5033"  # the empty 'After Hours' placeholders are ignored
    assert employment.service_area == "Langley, BC, Canada" and employment.service_area_list == []
    langley = next(r for r in records if r.name == "Langley Child Development Centre")
    assert langley.source_key == "9487364/9487364"
    assert "education" in langley.needs and "adolescents" in langley.populations
    assert "LR-1700" in langley.unmapped_codes
    assert (langley.latitude, langley.longitude) == (49.087284, -122.607918)
    assert langley.website == "www.langleycdc.com" and langley.email == "info@langleycdc.com"


def test_bc211_descriptions_become_plain_text(tmp_path):
    db = tmp_path / "a.sqlite"
    summary = run_import(db, airs_xml.read(str(shared_file(*BC211))), source="airs-xml", format="airs-xml",
                         origin="bc211")
    assert (summary.read, summary.added, summary.skipped) == (39, 39, [])
    descriptions = [d for (d,) in sqlite3.connect(db).execute("SELECT description FROM services")]
    assert all("<" not in d and "&lt;" not in d and "&amp;" not in d for d in descriptions)
    assert any("The Infant Development Program offers home visits" in d for d in descriptions)


# ------------------------------------------------------------------------------ AIRS 3.1

def test_31_document(doc31):
    records, skipped = split(airs_xml.read(str(doc31)))
    assert [(s.row, s.field) for s in skipped] == [(2, "ExcludeFromDirectory")]
    counseling = next(r for r in records if r.name == "Outpatient Counseling")
    assert (counseling.source_key, counseling.organization, counseling.site_name) == ("S1/SS1", "Hope Alliance", "Main Office")
    assert (counseling.phone, counseling.hotline_phone) == ("914-555-0103", "800-555-0104")  # not the fax
    assert counseling.hours == {"mon": [["09:00", "12:00"], ["13:00", "19:00"]], "sat": [["10:00", "15:00"]]}
    assert counseling.hours_text == ("Mon 9am–noon, 1pm–7pm; Sat 10am–3pm\nClosed on holidays\n"
                                     "Seasonal: Flu shots (September 01 to January 31)")
    assert counseling.languages == ["fr", "es", "ru"]  # the service's and its site's
    assert (counseling.kind, counseling.needs, counseling.populations) == (
        "treatment", ["substance-use-treatment", "outpatient"], ["adolescents"])
    assert counseling.unmapped_codes == ["LV-1600"]
    assert counseling.service_area_list == ["zip:10701", "zip:10703", "county:NY:Westchester", "NJ"]
    assert counseling.service_area == "Yonkers, 10701, 10703; Westchester County, NY; New Jersey"
    assert (counseling.street, counseling.county, counseling.zip) == ("1200 Main Street", "Westchester", "10701")
    assert counseling.last_verified == "2024-02-03"
    assert counseling.website == "hope.example.org"  # from the agency
    old = next(r for r in records if r.name == "Old Program")
    assert old.status == "inactive" and old.phone == "914-555-0101"  # the site's phone
    shelter = next(r for r in records if r.name == "Domestic Violence Shelter")
    assert shelter.source_key == "S2/SS1"  # the same service key at another site is another record
    assert (shelter.street, shelter.city, shelter.latitude, shelter.raw["address_confidential"]) == ("", "Yonkers", None, True)


def test_31_description_is_cleaned_by_the_pipeline(tmp_path, doc31):
    db = tmp_path / "a.sqlite"
    run_import(db, airs_xml.read(str(doc31)), source="airs-xml", format="airs-xml", origin="doc31")
    row = sqlite3.connect(db).execute(
        "SELECT description FROM services WHERE name = 'Outpatient Counseling'").fetchone()
    assert row == ("Counseling for adults & teens.",)


def test_reimport_changes_nothing(tmp_path, doc31):
    db = tmp_path / "a.sqlite"
    run_import(db, airs_xml.read(str(doc31)), source="airs-xml", format="airs-xml", origin="doc31")
    again = run_import(db, airs_xml.read(str(doc31)), source="airs-xml", format="airs-xml", origin="doc31")
    assert (again.added, again.updated, again.unchanged, again.changed) == (0, 0, 3, False)


def test_many_agencies_stream(tmp_path):
    agency = ("<Agency><Key>A{n}</Key><Name>Agency {n}</Name><Site><Key>S{n}</Key><Name>Site</Name>"
              "<SiteService><Name>Service {n}</Name><Key>K{n}</Key><Taxonomy><Code>BD-1800</Code></Taxonomy>"
              "</SiteService></Site></Agency>")
    path = tmp_path / "big.xml"
    path.write_text("<Source SchemaVersion='3.0'>" + "".join(agency.format(n=n) for n in range(3000)) + "</Source>")
    records = list(airs_xml.read(str(path)))
    assert len(records) == 3000 and records[-1].name == "Service 2999" and records[-1].row == 3000


# ------------------------------------------------------------------------------ hostile and broken

BAD = {
    "billion laughs": ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 '
                       '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Source>&lol1;</Source>', "DOCTYPE"),
    "external entity": ('<?xml version="1.0"?><!DOCTYPE s [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                        "<Source><Agency><Name>&e;</Name></Agency></Source>", "DOCTYPE"),
    "external dtd": '<!DOCTYPE Source SYSTEM "http://example.org/airs.dtd"><Source/>',
    "not well-formed": ("<Source><Agency><Name>x</Agency></Source>", "is not well-formed XML (mismatched tag at line 1"),
    "wrong root": ("<rss><channel/></rss>", "starts with <rss>, not <Source>"),
    "empty": ("", "is not well-formed XML"),
    "no agencies": ("<Source SchemaVersion='3.0'></Source>", "holds no <Agency> elements"),
    "airs 4.0": ("<Source SchemaVersion='4.0.0'><Agency/></Source>", "is AIRS XML 4.0.0"),
    "truncated": ("<Source><Agency><Key>1</Key>", "is not well-formed XML (no element found"),
}
BAD["external dtd"] = (BAD["external dtd"], "DOCTYPE")


@pytest.mark.parametrize("case", BAD)
def test_bad_documents(tmp_path, case):
    text, message = BAD[case]
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        list(airs_xml.read(str(path)))
    assert message in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize("case", ["billion laughs", "not well-formed", "wrong root"])
def test_bad_document_through_the_cli_exits_1_and_changes_nothing(tmp_path, case):
    db = tmp_path / "services.sqlite"
    run_import(db, sample_records(), source="test", format="test", origin="tests")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    path = tmp_path / "bad.xml"
    path.write_text(BAD[case][0], encoding="utf-8")
    result = run_cli("import", "airs-xml", str(path), "--db", str(db))
    assert result.returncode == 1 and BAD[case][1] in result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(SourceError, match="is a folder"):
        list(airs_xml.read(str(tmp_path)))


def test_sniff(tmp_path, doc31):
    assert airs_xml.sniff(sample(str(shared_file(*BC211))))
    assert airs_xml.sniff(sample(str(doc31)))
    assert not airs_xml.sniff(sample(str(shared_file("meetings", "meetingguide_aasepia_2024.json"))))
    assert not airs_xml.sniff(sample(str(shared_file("hsds", "hsds-3.0-spec-examples", "csv", "services.csv"))))
    rss = tmp_path / "feed.xml"
    rss.write_text("<rss><channel/></rss>")
    assert not airs_xml.sniff(sample(str(rss)))


def test_url_import_through_the_cli(httpserver, tmp_path):
    httpserver.expect_request("/export.xml").respond_with_data(DOC_31, content_type="application/xml")
    db = tmp_path / "u.sqlite"
    result = run_cli("import", "airs-xml", httpserver.url_for("/export.xml"), "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["read"], summary["added"], summary["skipped_count"]) == (4, 3, 1)
