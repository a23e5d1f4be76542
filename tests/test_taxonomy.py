"""Codes -> needs, populations, kind and languages: AIRS prefixes, keywords, Meeting Guide types,
and language text -> codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from helpline_tui.core import vocabulary
from importers import areas, languages, taxonomy
from importers.taxonomy import classify_codes, kind_for, meeting_types
from tests.conftest import ROOT, shared_file


@pytest.mark.parametrize("code, needs", [
    ("BH-1800.1500-100", ["housing"]),
    ("BD-1800.2000", ["food"]),
    ("BT-8300", ["transportation"]),
    ("ND-3500.3600", ["employment"]),
    ("NL-6000.2000-220", ["social-services"]),
    ("FT-3600", ["legal"]),
    ("FC-8200", ["legal"]),
    ("FL-1500", []),  # police are not legal help
    ("HH-0500", ["education"]),
    ("H", ["education"]),
    ("PH-6100", ["family-support"]),
    ("PH-1000", ["case-management"]),
    ("PN-8100.4500-240", ["support-group"]),
    ("PX", ["meaning-purpose"]),
    ("TC-1700", ["community-integration"]),
    ("RX-8450.1150", ["substance-use-treatment", "outpatient"]),
    ("RX-1700.1700", ["substance-use-treatment", "detox"]),
    ("RX-8450.7900", ["tobacco-cessation"]),  # narrower prefix wins, no inheritance
    ("RX-8250.0500", []),  # prevention education is not treatment
    ("RM-6500.1500", ["mental-health", "outpatient"]),
    ("RP-1500.1400-200", ["crisis", "domestic-violence"]),
    ("RF-3300", ["mental-health"]),
    ("LV-1600", []),
    ("JR-6000", []),
])
def test_airs_prefixes(code, needs):
    assert classify_codes([code]).needs == needs


@pytest.mark.parametrize("code, populations", [
    ("YB-8000", ["seniors"]), ("YB-9500.0500", ["adolescents"]), ("YB-9000", ["young-adults"]),
    ("YN-9000.2500", ["veterans"]), ("YN-0500", ["military"]), ("YT-2400.2600", ["lgbtq"]),
    ("YS-2000.9500", ["women"]), ("YK-6500.6600", ["pregnant"]), ("FF-1900", ["criminal-justice"]),
    ("YF-3000.0270", []),
])
def test_target_populations(code, populations):
    assert classify_codes([code]).populations == populations


def test_every_mapped_id_is_in_the_vocabulary():
    vocab = vocabulary.load()
    for table, facet in ((taxonomy._NEEDS, "need"), (taxonomy._POPULATIONS, "population"),
                         (taxonomy._KEYWORD_NEEDS, "need"), (taxonomy._KEYWORD_POPULATIONS, "population"),
                         (taxonomy.MEETING_NEEDS, "need")):
        for key, values in table.items():
            ids = [key] if table in (taxonomy._KEYWORD_NEEDS, taxonomy._KEYWORD_POPULATIONS) else values
            for value in ids:
                assert vocab.facet_of(value) == facet, (key, value)
    for values in taxonomy.MEETING_POPULATIONS.values():
        assert all(vocab.facet_of(v) == "population" for v in values)


def test_unmapped_codes_and_combined_codes():
    c = classify_codes(["LV-1600", "BD-1800.2000 * YB-8000", "", "LV-1600"])
    assert c.codes == ["LV-1600", "BD-1800.2000 * YB-8000"]
    assert c.unmapped == ["LV-1600"]
    assert (c.needs, c.populations) == (["food"], ["seniors"])


def test_icarol_pseudo_codes_are_read_by_keywords():
    code = "{what:'EMPLOYMENT SEARCH ASSISTANCE',why:'disability (mental health)'}"
    assert taxonomy.parse_pseudo_code(code) == {"what": ["EMPLOYMENT SEARCH ASSISTANCE"],
                                                "why": ["disability (mental health)"]}
    assert classify_codes([code]).needs == ["employment"]  # the why is not the service
    assert classify_codes(["{what:'CAMPS (residential)',who:'Children'}"]).populations == ["adolescents"]
    assert classify_codes(["{what:'LIBRARIES'}"]).unmapped == ["{what:'LIBRARIES'}"]


def test_term_names_from_open_eligibility_style_taxonomies():
    c = classify_codes(["oe-102"], term_texts=["Food Pantry"])
    assert c.needs == ["food"]


@pytest.mark.parametrize("text, needs", [
    ("Food pantry and hot meals", ["food"]),
    ("Physical therapy and credit counseling", []),  # neither is mental health
    ("Outpatient mental health services", ["mental-health"]),
    ("Hearing aids for seniors", []),  # not HIV/AIDS
    ("Al-Anon family group", ["family-support"]),
    ("Alcoholics Anonymous meeting", ["support-group"]),
    ("Legal aid for tenants", ["legal"]),
    ("", []),
])
def test_keywords(text, needs):
    assert taxonomy.keyword_needs(text) == needs


@pytest.mark.parametrize("needs, mutual_help, kind", [
    (["substance-use-treatment"], False, "treatment"),
    (["mental-health", "housing"], False, "treatment"),
    (["support-group"], True, "support-group"),
    (["support-group", "family-support"], False, "support-group"),
    (["housing", "support-group"], True, "community"),  # a shelter that runs a group
    (["food"], False, "community"),
    ([], False, "community"),
])
def test_kind(needs, mutual_help, kind):
    assert kind_for(needs, mutual_help=mutual_help) == kind


# ------------------------------------------------------------------------------ Meeting Guide types

def test_s_is_spanish_and_sp_is_speaker():
    assert meeting_types(["S"])[3] == ["es"]
    assert meeting_types(["SP"])[3] == []
    codes, needs, pops, langs, unknown = meeting_types(["O", "SP", "S", "W", "ONL", "ASBI", "XYZ", "AL-AN"])
    assert langs == ["es"] and pops == ["women"]
    assert needs == ["support-group", "family-support"]
    assert unknown == ["XYZ"]  # ONL (TSML) and ASBI (misspelt ABSI) are known


def test_every_language_type_of_the_spec_table_is_mapped():
    """Each type of the official table is either a language we map to its code, or a type we
    name; a language type is never left unmapped (as SP/S-style mistakes would be)."""
    table = json.loads(shared_file("meetings", "code4recovery_spec_types.json").read_text())
    for code, labels in table.items():
        english = labels["en"]
        named = languages.codes(english)
        if named:
            assert taxonomy.MEETING_LANGUAGES.get(code) == named[0], (code, english)
        else:
            assert code in taxonomy.MEETING_TYPE_NAMES, (code, english)
    assert set(taxonomy.MEETING_LANGUAGES) <= set(table)


def test_no_taxonomy_term_names_are_bundled():
    """The 211 LA taxonomy is licensed: our code may name a prefix's area in a word or two, never
    carry the term list. No long term name from Miami's taxonomy.csv appears in importers/."""
    path = shared_file("hsds", "open211-miami-2019", "data", "taxonomy.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        # Terms below the published top two levels (their codes have a "-": "RX-8450.1150").
        names = {row["name"].lower() for row in csv.DictReader(handle)
                 if "-" in row["id"] and len(row["name"]) >= 24}
    source = " ".join(p.read_text(encoding="utf-8").lower() for p in Path(ROOT, "importers").glob("*.py"))
    assert [n for n in names if n in source] == []


# ------------------------------------------------------------------------------ languages

@pytest.mark.parametrize("text, codes", [
    ("Spanish", ("es",)), ("Español", ("es",)), ("es", ("es",)), ("spa", ("es",)), ("ES", ("es",)),
    ("Spanish (limited)", ("es",)), ("limited Spanish", ("es",)), ("English and Spanish", ("en", "es")),
    ("Haitian-Creole", ("ht",)), ("Creole", ("ht",)), ("American Sign Language", ("asl",)),
    ("Sign Language", ("sgn",)), ("pt-BR", ("pt",)), ("urd", ("ur",)), ("Mandarin", ("zh",)),
    ("Slovak", ("sk",)), ("English\\nBi-lingual volunteers available to translate Spanish", ("en", "es")),
    ("other languages available upon request", ()), ("Language line available", ()),
    ("Interpreters available in 150 languages", ()), ("no Spanish", ()), ("Any", ()), ("", ()), (None, ()),
])
def test_language_text(text, codes):
    assert languages.codes(text) == codes


def test_every_vocabulary_language_round_trips():
    for lang in vocabulary.load().languages:
        assert languages.codes(lang.en)[:1] == (lang.id,), lang.en
        assert languages.code(lang.id) == lang.id


@given(st.text(max_size=60))
@example("\x00\U00010000")  # a NUL made langcodes' name index raise SystemError (found by CI)
def test_any_text_maps_without_error(text):
    assert all(isinstance(c, str) and 2 <= len(c) <= 3 for c in languages.codes(text))
    classify_codes([text], [text])
    areas.split_address(text)
    areas.area_tokens(text, "NY")
