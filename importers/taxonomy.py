"""Service classification codes -> need, population ids and the record's kind.

AIRS / 211 LA taxonomy codes (HSDS 211 exports, AIRS XML) are mapped by their prefix only: the top
letter and the second-level and deeper prefixes listed below (the AIRS/211 LA code structure). The
taxonomy's term list is licensed by 2-1-1 Los Angeles, so no term names are bundled here; only
the codes a source sends are read, and a short comment names each prefix's area.

Where codes say nothing (HSDS without a taxonomy, Open Eligibility or local terms, iCarol pseudo
codes such as {what:'EMPLOYMENT SEARCH ASSISTANCE'}) a keyword fallback reads names and term text.

Meeting Guide type codes are here too: S = Spanish (and SP = Speaker, not Spanish), the other
language types, audience types and the Al-Anon family groups.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from helpline_tui.core import concepts, meetings
from helpline_tui.core.textnorm import fold

# --------------------------------------------------------------------------------------------
# AIRS taxonomy prefixes. The longest prefix that matches a code wins, and gives its needs and
# populations alone (no inheritance), so a narrow exception such as smoking cessation inside
# substance use services can say exactly what it is. An empty entry means "known, maps to no
# need" (the code is then reported as unmapped).

_NEEDS: dict[str, tuple[str, ...]] = {
    # B Basic Needs
    "BD": ("food",),
    "BH": ("housing",),
    "BM": ("social-services",),  # material goods
    "BT": ("transportation",),
    "BV": ("social-services",),  # utilities assistance
    # D Consumer Services: money management and tax help are not needs of this vocabulary
    # F Criminal Justice and Legal Services
    "F": ("legal",),
    "FL": (),  # law enforcement agencies
    "FN": (),  # law enforcement services
    # H Education
    "H": ("education",),
    # L Health Care: only what the vocabulary names
    "LF-4900.2400": ("hiv-hepatitis",),  # HIV testing
    "LT-1750.0500": ("hiv-hepatitis",),  # HIV clinics
    # N Income Support and Employment
    "N": ("social-services",),
    "ND": ("employment",),
    # P Individual and Family Life
    "P": ("community-integration",),
    "PH": ("family-support",),
    "PH-1000": ("case-management",),
    "PN": ("support-group",),
    "PX": ("meaning-purpose",),  # volunteer opportunities
    # R Mental Health and Substance Use Disorder Services
    "R": ("mental-health",),
    "RF-2000": ("mental-health", "family-support"),  # family counselling
    "RM-6500": ("mental-health", "outpatient"),
    "RM-7000": ("mental-health", "residential"),
    "RP-1500": ("crisis",),
    "RP-1500.1400-200": ("crisis", "domestic-violence"),
    "RP-5000": ("mental-health", "assessment"),
    "RX": ("substance-use-treatment",),
    "RX-0400": ("substance-use-treatment", "assessment"),
    "RX-1700": ("substance-use-treatment", "detox"),
    "RX-1750": ("dui-dwi",),
    "RX-8250": (),  # education and prevention, not treatment
    "RX-8250.8000": ("tobacco-cessation",),
    "RX-8450.1150": ("substance-use-treatment", "outpatient"),
    "RX-8450.5000": ("substance-use-treatment", "mat"),  # medication for opioid use disorder
    "RX-8450.7900": ("tobacco-cessation",),
    "RX-8450.8100": ("substance-use-treatment", "outpatient"),  # day treatment
    # T Organizational/Community/International Services
    "T": ("community-integration",),
    # Y Target Populations: needs only where the target is itself the need
    "YM-1500.1900": ("domestic-violence",),
    "YZ-1750": ("domestic-violence",),
}

_POPULATIONS: dict[str, tuple[str, ...]] = {
    "FF": ("criminal-justice",),  # correctional facilities and re-entry
    "YB-8000": ("seniors",),
    "YB-9000": ("young-adults",),
    "YB-9500": ("adolescents",),
    "YJ-2030": ("criminal-justice",),  # ex-offenders
    "YK-6500.6600": ("pregnant",),
    "YN": ("military",),
    "YN-9000": ("veterans",),
    "YP": ("criminal-justice",),
    "YS-2000": ("women",),
    "YS-5000": ("men",),
    "YT": ("lgbtq",),
}

# Needs that make a record a treatment service rather than a community one.
TREATMENT_NEEDS = frozenset({
    "substance-use-treatment", "mental-health", "detox", "methadone", "buprenorphine",
    "naltrexone", "mat", "residential", "outpatient", "co-occurring",
})

_AIRS_CODE = re.compile(r"^[A-Z]{1,2}(-\d{4}(\.\d{4}(-\d{3}(\.\d{2,3}(-\d{2})?)?)?)?)?$")


def is_airs_code(code: str) -> bool:
    """'RX-8450.1150', 'BH', 'PN-8100.4500-240' yes; '{what:...}', a UUID or a term name no."""
    return bool(_AIRS_CODE.match(code.strip()))


def _longest(table: dict[str, tuple[str, ...]], code: str) -> tuple[str, ...] | None:
    c = code.strip().upper()
    while c:
        if c in table:
            return table[c]
        # Drop one level: "RX-8450.1150" -> "RX-8450" -> "RX" -> "R".
        cut = max(c.rfind("."), c.rfind("-"))
        c = c[:cut] if cut > 0 else (c[:-1] if len(c) == 2 and c.isalpha() else "")
    return None


@dataclass
class Classification:
    needs: list[str] = field(default_factory=list)
    populations: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # every code given
    unmapped: list[str] = field(default_factory=list)  # codes that gave no need or population

    def add(self, needs: Iterable[str] = (), populations: Iterable[str] = ()) -> None:
        for n in needs:
            if n not in self.needs:
                self.needs.append(n)
        for p in populations:
            if p not in self.populations:
                self.populations.append(p)


def classify_codes(codes: Iterable[str], term_texts: Iterable[str] = ()) -> Classification:
    """Needs and populations for a record's classification codes. `term_texts` are the names a
    source gives its non-AIRS terms (Open Eligibility "Food Pantry", 2.0 taxonomy terms); they are
    read with the keyword table."""
    out = Classification()
    for raw in codes:
        code = str(raw or "").strip()
        if not code:
            continue
        if code not in out.codes:
            out.codes.append(code)
        parts = [p.strip() for p in code.split("*")]  # "BD-1800.2000 * YF-3000": service * target
        if all(is_airs_code(p) for p in parts):
            needs = [n for p in parts for n in _longest(_NEEDS, p) or ()]
            pops = [x for p in parts for x in _longest(_POPULATIONS, p) or ()]
        else:
            pseudo = parse_pseudo_code(code)
            needs = keyword_needs(" ".join(pseudo.get("what", []))) if pseudo else []
            pops = keyword_populations(" ".join(pseudo.get("who", []))) if pseudo else []
        if needs or pops:
            out.add(needs, pops)
        elif code not in out.unmapped:
            out.unmapped.append(code)
    for text in term_texts:
        out.add(keyword_needs(text), keyword_populations(text))
    return out


_PSEUDO_PAIR = re.compile(r"(\w+)\s*:\s*'((?:[^'\\]|\\.)*)'")


def parse_pseudo_code(code: str) -> dict[str, list[str]]:
    """iCarol's local codes: "{what:'CAMPS (residential)',why:'disability',who:'Children'}" ->
    {"what": ["CAMPS (residential)"], "why": ["disability"], "who": ["Children"]}; {} otherwise."""
    text = code.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return {}
    out: dict[str, list[str]] = {}
    for key, value in _PSEUDO_PAIR.findall(text):
        out.setdefault(key.lower(), []).append(value)
    return out


# --------------------------------------------------------------------------------------------
# Keyword fallback. Phrases are matched on folded whole words (accents and case ignored). Kept
# short and specific: a description mentioning "food" in passing must not make a food bank.

_KEYWORD_NEEDS: dict[str, tuple[str, ...]] = {
    "food": ("food pantry", "food pantries", "food bank", "food banks", "soup kitchen", "meals",
             "emergency food", "food stamps", "comida", "despensa de alimentos", "food distribution"),
    "housing": ("shelter", "shelters", "housing", "homeless", "rent assistance", "rental assistance",
                "sober living", "recovery residence", "vivienda", "albergue"),
    "employment": ("employment", "job search", "job training", "job placement", "jobs", "resume",
                   "career", "workforce", "empleo", "trabajo"),
    "legal": ("legal aid", "legal services", "legal assistance", "legal advice", "lawyer",
              "attorney", "immigration legal", "expungement", "ayuda legal", "abogado"),
    "education": ("ged", "literacy", "tutoring", "vocational", "adult education", "esl",
                  "english classes", "educacion", "clases de ingles"),
    "family-support": ("parenting", "family support", "family counseling", "family counselling",
                       "al anon", "alateen", "nar anon", "families anonymous", "apoyo familiar"),
    "support-group": ("support group", "support groups", "alcoholics anonymous", "narcotics anonymous",
                      "cocaine anonymous", "smart recovery", "mutual help", "12 step", "twelve step",
                      "grupo de apoyo", "alcoholicos anonimos"),
    "peer-support": ("peer support", "peer specialist", "recovery coach", "recovery coaching",
                     "apoyo entre pares"),
    "substance-use-treatment": ("substance use", "substance abuse", "addiction", "drug treatment",
                                "alcohol treatment", "chemical dependency", "drug and alcohol",
                                "alcohol and drug", "adicciones", "drogas"),
    # Not bare "counseling" or "therapy": credit counseling and physical therapy are not this.
    "mental-health": ("mental health", "mental illness", "psychiatric", "psychiatry", "psychotherapy",
                      "behavioral health", "salud mental", "psicoterapia"),
    "detox": ("detox", "detoxification", "withdrawal management", "desintoxicacion"),
    "crisis": ("crisis line", "crisis hotline", "crisis intervention", "suicide prevention",
               "suicide hotline", "linea de crisis"),
    "domestic-violence": ("domestic violence", "intimate partner violence", "battered",
                          "violencia domestica"),
    "transportation": ("transportation", "bus passes", "rides to", "transporte"),
    "case-management": ("case management", "care coordination", "manejo de casos"),
    "social-services": ("public benefits", "benefits enrollment", "snap", "medicaid enrollment",
                        "financial assistance", "utility assistance", "beneficios"),
    "meaning-purpose": ("volunteer opportunities", "volunteering", "spiritual", "faith based",
                        "voluntariado"),
    "hiv-hepatitis": ("hiv", "hepatitis"),  # not "aids": hearing aids
    "naloxone": ("naloxone", "narcan"),
    "tobacco-cessation": ("smoking cessation", "quit smoking", "tobacco cessation"),
    "gambling": ("gambling", "gamblers anonymous"),
    "eating-disorders": ("eating disorder", "eating disorders", "anorexia", "bulimia"),
    "childcare": ("child care", "childcare", "day care", "daycare", "guarderia"),
}

_KEYWORD_POPULATIONS: dict[str, tuple[str, ...]] = {
    "adolescents": ("youth", "teens", "teen", "adolescents", "children", "child", "kids", "jovenes"),
    "young-adults": ("young adults", "transition age youth"),
    "women": ("women", "woman", "girls", "mujeres"),
    "men": ("men", "boys", "hombres"),
    "seniors": ("seniors", "older adults", "elderly", "adultos mayores"),
    "veterans": ("veterans", "veteranos"),
    "lgbtq": ("lgbt", "lgbtq", "gay", "lesbian", "transgender"),
    "criminal-justice": ("ex offenders", "reentry", "re entry", "inmates", "probation"),
    "pregnant": ("pregnant", "prenatal", "embarazadas"),
}


def _phrase_table(table: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    return sorted(((f" {fold(p)} ", key) for key, phrases in table.items() for p in phrases),
                  key=lambda kv: -len(kv[0]))


_NEED_PHRASES = _phrase_table(_KEYWORD_NEEDS)
_POP_PHRASES = _phrase_table(_KEYWORD_POPULATIONS)


def _scan(text: str | None, phrases: list[tuple[str, str]]) -> list[str]:
    """Keys whose phrases the text has, except in a clause that negates them first ("our cases do
    not include landlord/tenant issues, housing association issues": not a housing service)."""
    folded = f" {fold(text)} "
    if not folded.strip():
        return []
    out: list[str] = []
    clauses = None
    for phrase, key in phrases:
        if key not in out and phrase in folded:
            if clauses is None:
                clauses = [f" {fold(c)} " for c in concepts.clauses(text or "")]
            if any(not concepts.negated_before(clause, clause.find(phrase)) for clause in clauses if phrase in clause):
                out.append(key)
    return out


def keyword_needs(text: str | None) -> list[str]:
    return _scan(text, _NEED_PHRASES)


def keyword_populations(text: str | None) -> list[str]:
    return _scan(text, _POP_PHRASES)


# What a mutual-help group may also offer and still be a group rather than, say, a shelter that
# runs a weekly group.
_GROUP_NEEDS = frozenset({"support-group", "peer-support", "family-support", "community-integration",
                          "meaning-purpose"})


def kind_for(needs: Iterable[str], *, mutual_help: bool = False) -> str:
    """treatment when a treatment need is present; support-group for mutual-help groups (AIRS PN,
    Meeting Guide) that offer nothing beyond group support; community otherwise (the default for
    community directories)."""
    needs = set(needs)
    if needs & TREATMENT_NEEDS:
        return "treatment"
    if (mutual_help or "support-group" in needs) and needs <= _GROUP_NEEDS:
        return "support-group"
    return "community"


# --------------------------------------------------------------------------------------------
# Meeting Guide type codes (code4recovery/spec README "Meeting Types"). S is Spanish; SP is
# Speaker. Language types map to ISO codes; a meeting with no language type has unknown language.

MEETING_LANGUAGES = meetings.LANGUAGES  # one table, which the meeting page reads too

MEETING_POPULATIONS: dict[str, tuple[str, ...]] = {
    "W": ("women",), "M": ("men",), "Y": ("young-adults",), "SEN": ("seniors",),
    "G": ("lgbtq",), "L": ("lgbtq",), "BI": ("lgbtq",), "T": ("lgbtq",), "NB": ("lgbtq",),
    "LGBTQ": ("lgbtq",), "N": ("native-american",), "NDG": ("native-american",),
}

# Concurrent Al-Anon / Alateen meetings are for families and friends.
MEETING_NEEDS: dict[str, tuple[str, ...]] = {"AL": ("family-support",), "AL-AN": ("family-support",)}

# The known non-language types (a code not here is reported as unmapped). Language types are
# named by their language; the page names the others in the reader's language from
# helpline_tui/core/data/meeting_types.json. Codes seen in real feeds but not in the spec are
# included: ONL (12 Step Meeting List's online type) and ASBI (a misspelling of ABSI).
MEETING_TYPE_NAMES: dict[str, str] = {
    "11": "11th Step Meditation", "12x12": "12 Steps & 12 Traditions", "A": "Secular",
    "ABSI": "As Bill Sees It", "AL": "Concurrent with Alateen", "AL-AN": "Concurrent with Al-Anon",
    "B": "Big Book", "BA": "Babysitting Available", "BE": "Newcomer", "BI": "Bisexual",
    "BRK": "Breakfast", "C": "Closed", "CAN": "Candlelight", "CF": "Child-Friendly",
    "D": "Discussion", "DB": "Digital Basket", "DD": "Dual Diagnosis", "DR": "Daily Reflections",
    "FF": "Fragrance Free", "G": "Gay", "GR": "Grapevine", "H": "Birthday", "L": "Lesbian",
    "LGBTQ": "LGBTQ", "LIT": "Literature", "LS": "Living Sober", "M": "Men", "MED": "Meditation",
    "N": "Native American", "NB": "Non-Binary", "NDG": "Indigenous", "O": "Open",
    "OUT": "Outdoor", "P": "Professionals", "POA": "Proof of Attendance", "POC": "People of Color",
    "SEN": "Seniors", "SM": "Smoking Permitted", "SP": "Speaker", "ST": "Step Study",
    "T": "Transgender", "TC": "Location Temporarily Closed", "TR": "Tradition Study",
    "W": "Women", "X": "Wheelchair Access", "XB": "Wheelchair-Accessible Bathroom",
    "XT": "Cross Talk Permitted", "Y": "Young People", "ONL": "Online Meeting",
}
MEETING_TYPE_ALIASES = meetings.ALIASES


def meeting_types(types: Iterable[str]) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """(codes as given, needs, populations, languages, unknown codes) for a meeting's types."""
    codes: list[str] = []
    needs = ["support-group"]
    pops: list[str] = []
    langs: list[str] = []
    unknown: list[str] = []
    for raw in types:
        code = str(raw or "").strip()
        if not code or code in codes:
            continue
        codes.append(code)
        key = MEETING_TYPE_ALIASES.get(code, code)
        if key in MEETING_LANGUAGES:
            langs.append(MEETING_LANGUAGES[key])
        elif key not in MEETING_TYPE_NAMES:
            unknown.append(code)
        for n in MEETING_NEEDS.get(key, ()):
            if n not in needs:
                needs.append(n)
        for p in MEETING_POPULATIONS.get(key, ()):
            if p not in pops:
                pops.append(p)
    return codes, needs, pops, langs, unknown
