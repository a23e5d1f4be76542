"""A need means the service is given: every need a SAMHSA record answers comes from a code whose own
SAMHSA definition gives that service, on the Boston locator export and the 2022 National
Directory. Licences, certifications and accreditations give nothing; an umbrella code gives only the
umbrella need; AH is sign language services for the deaf and hard of hearing, not ASL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import importers
from helpline_tui.core import referral
from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from importers import samhsa_codes
from tests.conftest import shared_file

BOSTON = ("samhsa", "findtreatment_export_FindTreament_Facility_listing_2025-08_greater_boston.csv")

_METHADONE = {"MU", "METH", "MM", "MMW", "DM"}
_BUPRENORPHINE = {"BU", "DB", "BUM", "BMW", "UB", "BSDM", "BWN", "BWON", "BERI"}
_NALTREXONE = {"NU", "UN", "RPN", "NXN", "VTRL"}

# need -> the codes whose SAMHSA name and definition (the code definitions SAMHSA publishes with
# the National Directory, its DERIVED_service_codes_*_2022.csv descriptions) say the service is given. Written by need, apart
# from helpline_tui/core/data/samhsa_codes.json (written by code), so each checks the other.
GIVEN_BY = {
    "methadone": _METHADONE,
    "buprenorphine": _BUPRENORPHINE,
    "naltrexone": _NALTREXONE,
    # OTP (certified to give opioid treatment), OMB and UBN (methadone/buprenorphine "or"
    # naltrexone), MWS (maintenance), medication for alcohol use disorder.
    "mat": _METHADONE | _BUPRENORPHINE | _NALTREXONE | {"OTP", "OMB", "UBN", "MWS", "PMAT", "ACM", "DSF"},
    "substance-use-treatment": {"SA", "SACA", "MHSAF"},
    "mental-health": {"MH", "MHS", "MMD", "SPS", "SMI", "ACT", "CMHC", "MSMH", "OMH", "ORES", "PH", "PSY",
                      "PSYH", "IPSY", "SHP", "MHSAF", "MSNH"},
    "detox": {"DT", "HID", "OD", "RD", "DB", "DM", "ULC", "ADTX", "BDTX", "CDTX", "MDTX", "ODTX", "MDET"},
    "residential": {"HI", "HID", "HIT", "RES", "RD", "RL", "RS", "PSYH", "PSY", "IPSY", "SHP", "MSMH", "ORES",
                    "RTCA", "RTCC"},
    "outpatient": {"OP", "OD", "ODT", "OIT", "OMB", "ORT", "PHDT", "PH", "OMH", "MSMH", "AOT", "COOT"},
    "telehealth": {"TELE", "CT"},
    "co-occurring": {"SUMH", "CO", "IDD"},
    "crisis": {"CIT", "PEON", "PEOFF", "WI"},
    "naloxone": {"NOE"},
    "hiv-hepatitis": {"HIVT", "HBT", "HCT", "HAEC", "TAEC", "HAV", "HBV", "HV", "EIH", "MHIV", "MHCV", "MPEP"},
    "family-support": {"CFT", "FCO", "MCO", "FPSY", "DVFP"},
    "childcare": {"CCC", "BC"},
    "housing": {"HH", "HS", "SH"},
    "support-group": {"SHG"},
    "peer-support": {"PEER", "RC"},
    "employment": {"EMP", "SEMP", "VRS"},
    "legal": {"LAD"},
    "education": {"VOC", "ES", "VRS"},
    "social-services": {"AOSS", "CM"},
    "case-management": {"CM", "ICM", "ACT"},
    "community-integration": {"PRS"},
    "assessment": {"CMHA", "CSAA", "SSA", "SMHD"},
    "trauma": {"TRC", "EMDR", "PTSD", "TRMA", "XA"},
    "domestic-violence": {"DV", "DVFP"},
    "dui-dwi": {"DU", "DUO"},
    "gambling": {"TGD"},
    "eating-disorders": {"PED"},
    "tobacco-cessation": {"NRT", "NSC", "TCC"},
    "transportation": {"TA"},
}


def _import(db: Path, path: Path, fmt: str):
    return run_import(db, importers.load(fmt)(str(path)), source=fmt, format=fmt, origin=str(path))


@pytest.fixture(scope="module")
def boston_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("boston") / "services.sqlite"
    _import(db, shared_file(*BOSTON), "samhsa-csv")
    return db


@pytest.fixture(scope="module")
def natdir_db(national_directory_db) -> Path:
    """The session's import of the National Directory (the same import: source, format and origin)."""
    return national_directory_db


def _records(db: Path):
    conn = open_readonly(db)
    rows = conn.execute("SELECT name, street, needs, languages, source_codes FROM services").fetchall()
    table = samhsa_codes.table()
    for name, street, needs, languages, codes in rows:
        codes = {table.canonical(c) for c in json.loads(codes or "[]")}
        codes |= {samhsa_codes.FACILITY_TYPES[c] for c in codes if c in samhsa_codes.FACILITY_TYPES}
        yield f"{name}, {street}", set(json.loads(needs or "[]")), set(json.loads(languages or "[]")), codes


def _needs_without_a_giving_code(db: Path) -> list[tuple[str, str]]:
    return [(site, need) for site, needs, _, codes in _records(db) for need in sorted(needs)
            if not codes & GIVEN_BY[need]]


def test_every_boston_record_answering_a_need_has_a_code_that_gives_it(boston_db):
    assert _needs_without_a_giving_code(boston_db) == []


def test_every_national_directory_record_answering_a_need_has_a_code_that_gives_it(natdir_db):
    assert _needs_without_a_giving_code(natdir_db) == []


def test_a_certification_is_not_methadone(boston_db):
    """89 Boston records answered methadone; 27 held only SOTP (the SAMHSA OTP certification), OTP
    and buprenorphine/naltrexone codes (Andrew House, Hillside Detox, Mayflower ATS/Detox)."""
    methadone = [site for site, needs, _, _ in _records(boston_db) if "methadone" in needs]
    assert len(methadone) == 62
    assert not [site for site in methadone if site.startswith(("Andrew House", "Hillside Detox", "Mayflower"))]
    andrew = [needs for site, needs, _, codes in _records(boston_db) if site.startswith("Andrew House")]
    assert andrew and all({"buprenorphine", "naltrexone", "mat"} <= needs for needs in andrew)


def _reference_codes(*categories: str) -> set[str]:
    codes = set()
    for survey in ("SA", "MH"):
        path = shared_file("samhsa", f"DERIVED_service_codes_{survey}_2022.csv")
        with open(path, newline="", encoding="utf-8") as handle:
            codes |= {r["service_code"] for r in csv.DictReader(handle) if r["category_code"] in categories}
    return codes


def test_licences_certifications_and_accreditations_give_nothing():
    """Category LCA in SAMHSA's own Service Code Reference sheets (SOTP, MHC, JC, CARF, DEA, ...)."""
    lca = _reference_codes("LCA")
    assert {"SOTP", "MHC", "JC", "CARF"} <= lca
    assert {code: samhsa_codes.map_codes([code])[:4] for code in lca
            if any(samhsa_codes.map_codes([code])[:4])} == {}


def test_sign_language_services_are_shown_as_what_samhsa_says(boston_db):
    """AH is "Sign language services for the deaf and hard of hearing": not American Sign Language."""
    ah_only = [langs for _, _, langs, codes in _records(boston_db) if "AH" in codes]
    assert len(ah_only) == 288 and all("sgn" in langs and "asl" not in langs for langs in ah_only)
    shown = referral.languages_text(["en", "sgn"], "en")
    assert "deaf and hard of hearing" in shown and "ASL" not in shown
    assert "ASL" not in referral.languages_text(["sgn"], "es") and "sordas" in referral.languages_text(["sgn"], "es")
