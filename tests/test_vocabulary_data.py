"""The shipped data files: the need vocabulary (helpline_tui/core/data/vocabulary.json) and the SAMHSA
service-code map (helpline_tui/core/data/samhsa_codes.json). No network; the checks against the real SAMHSA
code tables skip with a reason when ../shared is absent."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from helpline_tui.core import vocabulary
from helpline_tui.core.textnorm import fold

ROOT = Path(__file__).resolve().parents[1]
VOCAB_PATH = ROOT / "helpline_tui" / "core" / "data" / "vocabulary.json"
CODES_PATH = ROOT / "helpline_tui" / "core" / "data" / "samhsa_codes.json"
SAMHSA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "samhsa"
NEEDS_MD = ROOT.parent / "shared" / "spec" / "needs.md"

# The stable need ids: scripts, --need and saved tallies rely on them, so none is ever renamed.
NEED_IDS = [
    "substance-use-treatment", "mental-health", "detox", "methadone", "buprenorphine", "naltrexone",
    "residential", "outpatient", "telehealth", "co-occurring", "crisis", "naloxone", "hiv-hepatitis",
    "family-support", "childcare", "housing", "support-group", "peer-support", "employment", "legal",
    "education", "social-services", "community-integration", "meaning-purpose",
]
NEED_DOMAINS = {
    "substance-use-treatment": "health", "mental-health": "health", "detox": "health", "methadone": "health",
    "buprenorphine": "health", "naltrexone": "health", "residential": "health", "outpatient": "health",
    "telehealth": "health", "co-occurring": "health", "crisis": "health", "naloxone": "health",
    "hiv-hepatitis": "health", "family-support": "family-social", "childcare": "family-social",
    "housing": "housing", "support-group": "peer", "peer-support": "peer", "employment": "employment-legal",
    "legal": "employment-legal", "education": "education", "social-services": "community",
    "community-integration": "community", "meaning-purpose": "meaning",
}
DOMAIN_IDS = ["health", "family-social", "housing", "peer", "employment-legal", "education", "community",
              "meaning"]
POPULATION_IDS = ["adolescents", "young-adults", "women", "pregnant", "men", "seniors", "veterans", "lgbtq",
                  "criminal-justice"]
PAYMENT_IDS = ["free", "medicaid", "medicare", "sliding-fee", "payment-assistance", "self-pay"]
# Words that name most facilities; as a synonym of one need they would tag every name that has them.
AMBIGUOUS = ["center", "centre", "health", "services", "service", "recovery", "treatment", "program", "clinic",
             "centro", "salud", "servicios", "recuperacion", "tratamiento", "programa", "clinica"]


@pytest.fixture(scope="module")
def vocab() -> dict:
    return json.loads(VOCAB_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def samhsa() -> dict:
    return json.loads(CODES_PATH.read_text(encoding="utf-8"))


def _samhsa_file(name: str) -> Path:
    path = SAMHSA_DIR / name
    if not path.exists():
        pytest.skip(f"{path} is absent: this check reads the real SAMHSA code tables in ../shared/data/samhsa")
    return path


def _synonyms(term: dict) -> list[str]:
    syn = term.get("synonyms") or {}
    return list(syn) if isinstance(syn, list) else [*syn.get("en", []), *syn.get("es", [])]


def _ids(vocab: dict, facet: str) -> set[str]:
    return {t["id"] for t in vocab[facet]}


# ---------------------------------------------------------------- vocabulary.json


def test_domains_are_the_eight_of_needs_md_in_order(vocab):
    assert [d["id"] for d in vocab["domains"]] == DOMAIN_IDS
    assert all(d["en"].strip() and d["es"].strip() for d in vocab["domains"])


def test_every_needs_md_id_is_present_with_labels_and_its_domain(vocab):
    needs = {t["id"]: t for t in vocab["needs"]}
    for need_id in NEED_IDS:
        assert need_id in needs, need_id
        term = needs[need_id]
        assert term["en"].strip() and term["es"].strip(), need_id
        assert term["domain"] == NEED_DOMAINS[need_id], need_id


def test_needs_md_table_ids_match_the_test_list():
    if not NEEDS_MD.exists():
        pytest.skip(f"{NEEDS_MD} is absent: the hard-coded id list is checked instead")
    ids = re.findall(r"^\| `([a-z-]+)` \|", NEEDS_MD.read_text(encoding="utf-8"), flags=re.M)
    assert ids == NEED_IDS


def test_added_needs_have_a_valid_domain(vocab):
    domains = set(DOMAIN_IDS)
    for term in vocab["needs"]:
        assert term["domain"] in domains, term["id"]
        assert term["en"].strip() and term["es"].strip(), term["id"]


def test_population_and_payment_ids_are_present_with_labels(vocab):
    assert set(POPULATION_IDS) <= _ids(vocab, "populations")
    assert set(PAYMENT_IDS) <= _ids(vocab, "payment")
    for facet in ("populations", "payment"):
        for term in vocab[facet]:
            assert term["en"].strip() and term["es"].strip(), term["id"]


def test_filter_ids_are_unique_across_needs_populations_and_payment(vocab):
    ids = [t["id"] for facet in ("needs", "populations", "payment") for t in vocab[facet]]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_languages_include_en_es_asl_and_are_filterable_codes(vocab):
    ids = [t["id"] for t in vocab["languages"]]
    assert len(ids) == len(set(ids))
    assert {"en", "es", "asl"} <= set(ids)
    # the --lang filter accepts two or three lowercase letters
    assert all(re.fullmatch(r"[a-z]{2,3}", i) for i in ids)
    for term in vocab["languages"]:
        assert term["en"].strip() and term["es"].strip(), term["id"]
        assert isinstance(term["synonyms"], list)
    spanish = next(t for t in vocab["languages"] if t["id"] == "es")
    assert {"spanish", "español"} <= set(spanish["synonyms"])


def test_no_synonym_is_empty_or_untidy(vocab):
    for facet in ("needs", "populations", "payment", "languages"):
        for term in vocab[facet]:
            for syn in _synonyms(term):
                assert isinstance(syn, str) and syn.strip(), (facet, term["id"], syn)
                assert syn == syn.lower() == syn.strip(), (facet, term["id"], syn)
                assert fold(syn), (facet, term["id"], syn)


def test_every_need_has_english_and_spanish_synonyms(vocab):
    for term in vocab["needs"]:
        assert term["synonyms"]["en"] and term["synonyms"]["es"], term["id"]
        assert len({fold(s) for s in _synonyms(term)}) >= 5, term["id"]


def test_a_phrase_belongs_to_one_term_only(vocab):
    owner: dict[str, str] = {}
    for facet in ("needs", "populations", "payment", "languages"):
        for term in vocab[facet]:
            key = f"{facet}/{term['id']}"
            for phrase in (term["id"].replace("-", " "), term["en"], term["es"], *_synonyms(term)):
                folded = fold(phrase)
                assert owner.setdefault(folded, key) == key, f"'{phrase}' is under {owner[folded]} and {key}"


def test_generic_facility_words_are_not_synonyms(vocab):
    phrases = {fold(s) for facet in ("needs", "populations", "payment") for t in vocab[facet] for s in _synonyms(t)}
    assert not phrases & {fold(w) for w in AMBIGUOUS}


def test_vocabulary_module_loads_and_resolves_handler_words():
    vocab = vocabulary.load()
    index = vocabulary.phrase_index()
    assert vocab.term("methadone").label("es") == "Metadona"
    for phrase, expected in [
        ("metadona", ("need", "methadone")),
        ("suboxone", ("need", "buprenorphine")),
        ("vivitrol", ("need", "naltrexone")),
        ("narcan", ("need", "naloxone")),
        ("alcoholicos anonimos", ("need", "support-group")),
        ("aa", ("need", "support-group")),
        ("desintoxicacion", ("need", "detox")),
        ("halfway house", ("need", "housing")),
        ("sober living", ("need", "housing")),
        ("vivienda", ("need", "housing")),
        ("empleo", ("need", "employment")),
        ("ged", ("need", "education")),
        ("iop", ("need", "outpatient")),
        ("salud mental", ("need", "mental-health")),
        ("veteranos", ("population", "veterans")),
        ("sliding scale", ("payment", "sliding-fee")),
        ("espanol", ("language", "es")),
        ("sign language", ("language", "sgn")),
    ]:
        assert index.get(tuple(fold(phrase).split())) == expected, phrase
    assert ("recovery",) not in index


# ---------------------------------------------------------------- samhsa_codes.json


def test_samhsa_map_ids_exist_in_the_vocabulary(vocab, samhsa):
    valid = {
        "needs": _ids(vocab, "needs"), "populations": _ids(vocab, "populations"),
        "payment": _ids(vocab, "payment"), "languages": _ids(vocab, "languages"),
    }
    for code, entry in samhsa["codes"].items():
        assert entry["category"] in samhsa["categories"], code
        assert entry["name"].strip(), code
        for key, ids in valid.items():
            assert isinstance(entry[key], list), (code, key)
            assert set(entry[key]) <= ids, (code, key, entry[key])


@pytest.mark.parametrize("code, key, expected", [
    ("MM", "needs", "methadone"), ("OTP", "needs", "mat"), ("BU", "needs", "buprenorphine"),
    ("VTRL", "needs", "naltrexone"), ("SA", "needs", "substance-use-treatment"), ("MH", "needs", "mental-health"),
    ("DT", "needs", "detox"), ("ODTX", "needs", "detox"), ("RES", "needs", "residential"),
    ("OIT", "needs", "outpatient"), ("TELE", "needs", "telehealth"), ("SUMH", "needs", "co-occurring"),
    ("WI", "needs", "crisis"), ("NOE", "needs", "naloxone"), ("HIVT", "needs", "hiv-hepatitis"),
    ("CFT", "needs", "family-support"), ("CCC", "needs", "childcare"), ("HH", "needs", "housing"),
    ("SHG", "needs", "support-group"), ("PEER", "needs", "peer-support"), ("EMP", "needs", "employment"),
    ("LAD", "needs", "legal"), ("VOC", "needs", "education"), ("AOSS", "needs", "social-services"),
    ("AD", "populations", "adolescents"), ("TAY", "populations", "young-adults"), ("YAD", "populations", "young-adults"),
    ("SNR", "populations", "seniors"), ("WN", "populations", "women"), ("PW", "populations", "pregnant"),
    ("MN", "populations", "men"), ("VET", "populations", "veterans"), ("GL", "populations", "lgbtq"),
    ("CJ", "populations", "criminal-justice"),
    ("NP", "payment", "free"), ("MD", "payment", "medicaid"), ("MC", "payment", "medicare"),
    ("SS", "payment", "sliding-fee"), ("PA", "payment", "payment-assistance"), ("SF", "payment", "self-pay"),
    ("SP", "languages", "es"), ("AH", "languages", "sgn"), ("F4", "languages", "ar"), ("F17", "languages", "zh"),
    ("N24", "languages", "oj"),
])
def test_key_mappings(samhsa, code, key, expected):
    assert expected in samhsa["codes"][code][key]


def test_administrative_codes_map_to_nothing(samhsa):
    for code in ("JC", "CARF", "SOTP", "MHC", "SMON", "VAPN", "PVTN", "ADLT", "INPE"):
        entry = samhsa["codes"][code]
        assert not (entry["needs"] or entry["populations"] or entry["payment"] or entry["languages"]), code


def test_every_2022_code_table_code_is_mapped(samhsa):
    seen = {}
    for name in ("DERIVED_service_codes_SA_2022.csv", "DERIVED_service_codes_MH_2022.csv"):
        with _samhsa_file(name).open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                seen[row["service_code"].strip()] = row["category_code"].strip()
    assert len(seen) == 315
    missing = sorted(set(seen) - set(samhsa["codes"]))
    assert not missing, missing
    for code, category in seen.items():
        assert samhsa["codes"][code]["category"] == category, code


def test_aliases_resolve(samhsa):
    codes, categories = samhsa["codes"], samhsa["categories"]
    for old, new in samhsa["aliases"].items():
        assert new in codes or new in categories, (old, new)
    for legacy in ("UBN", "CT", "DLC", "MSNH", "MWS"):
        assert samhsa["aliases"][legacy] in codes, legacy
    assert samhsa["aliases"]["DLC"] == "ULC"
    assert samhsa["aliases"]["ASSES"] == "ASPT" and samhsa["aliases"]["EDU"] == "ECS"


def test_labels_cover_every_code_name_and_resolve(samhsa):
    codes, labels = samhsa["codes"], samhsa["labels"]
    assert all(label == label.lower() and code in codes for label, code in labels.items())
    for code, entry in codes.items():
        if entry.get("legacy"):
            continue
        name = re.sub(r"\s+", " ", entry["name"].lower()).strip()
        assert name in labels, code
        resolved = labels[name]
        by_category = samhsa["labels_by_category"].get(entry["category"], {})
        assert resolved == code or by_category.get(name) == code, (code, name, resolved)
    assert labels["methadone maintenance"] == "MM"
    assert labels["spanish"] == "SP"


def test_every_2019_api_label_resolves_or_is_listed(samhsa):
    sample = json.loads(_samhsa_file("findtreatment_api_listing_sample_2019.json").read_text(encoding="utf-8"))
    labels, unmapped = samhsa["labels"], set(samhsa["unmapped_2019_labels"])
    missing = set()
    for row in sample["rows"]:
        for service in row.get("services") or []:
            for label in (service.get("f3") or "").split("; "):
                label = label.strip()
                key = re.sub(r"\s+", " ", label.lower())
                if label and key not in labels and label not in unmapped:
                    missing.add(label)
    assert not missing, sorted(missing)
    assert labels["breath analyzer or blood alcohol testing"] == "BABA"
