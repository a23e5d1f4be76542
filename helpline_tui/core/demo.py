"""Fictional but realistic directory records: the shipped demo directory and benchmark directories.

`national_lines()` gives the real national helplines (real, public numbers). `generate(count, seed)`
gives `count` invented local services, deterministic for a seed: real ZIP codes, cities and counties
from the `zipcodes` package, invented names and streets. Every generated phone is in the fictional
NXX-555-0100..0199 range; web sites and e-mails use the reserved example.org domain.

Speed matters (benchmark directories of 1M records: ~100k records/s), so whatever can be is drawn
once into tables at import (names with their parts filled, need sets with their descriptions,
populations, payments, languages per state, hours with their texts) and a record is mostly table
picks. The tables are built from fixed seeds, so output depends only on `seed`. Records share the
inner lists of `hours`; treat generated records as read-only.
"""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterator, NamedTuple

from helpline_tui.core.records import WEEKDAYS, ServiceRecord

DEMO_SOURCE = "demo"

_ALL_WEEK = {d: [["00:00", "24:00"]] for d in WEEKDAYS}
_TEXT_247 = ("24 hours, 7 days a week", "24 horas, 7 días a la semana")


def _national(key: str, name: str, org: str, phone: str, desc: str, website: str, needs: str,
              languages: list[str], populations: list[str] | None = None) -> ServiceRecord:
    return ServiceRecord(
        name=name, kind="treatment", source=DEMO_SOURCE, source_key=key, organization=org,
        description=desc, phone=phone, hotline_phone=phone, website=website,
        service_area="United States", service_area_list=["US"],
        hours={d: [list(r) for r in v] for d, v in _ALL_WEEK.items()}, hours_text=_TEXT_247[0],
        status="active", languages=languages, needs=needs.split(), populations=populations or [],
        payment=["free"], raw={"national": True})


def national_lines() -> list[ServiceRecord]:
    """The real national lines, as national (area "US") services with real, public numbers."""
    return [
        _national(
            "national-samhsa-helpline", "SAMHSA National Helpline",
            "Substance Abuse and Mental Health Services Administration (SAMHSA)", "1-800-662-4357",
            "Free, confidential treatment referral and information service, in English and Spanish, for "
            "people and families facing mental health or substance use disorders. TTY 1-800-487-4889.",
            "https://www.samhsa.gov/find-help/helplines/national-helpline",
            "substance-use-treatment mental-health co-occurring family-support support-group social-services",
            ["en", "es"]),
        _national(
            "national-988-lifeline", "988 Suicide & Crisis Lifeline", "988 Suicide & Crisis Lifeline", "988",
            "Free, confidential support for anyone in suicidal crisis or emotional distress, or worried "
            "about someone else. Call or text 988, or chat at 988lifeline.org; in Spanish, press 2.",
            "https://988lifeline.org", "crisis mental-health", ["en", "es"]),
        _national(
            "national-veterans-crisis-line", "Veterans Crisis Line", "U.S. Department of Veterans Affairs",
            "988", "Free, confidential crisis support for veterans, service members and their families: "
            "dial 988 then press 1, text 838255, or chat at VeteransCrisisLine.net.",
            "https://www.veteranscrisisline.net", "crisis mental-health", ["en"], ["veterans", "military"]),
    ]


# --- name parts --------------------------------------------------------------------------------
def _t(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split("|"))


_POOLS = {
    "sur": _t("Adams|Baker|Brennan|Carter|Coleman|Donovan|Ellis|Fischer|Gallagher|Hart|Hughes|Kaplan|"
              "Keller|Lawson|Mitchell|Morgan|Nolan|O'Brien|Parker|Quinn|Rosen|Sullivan|Turner|Walsh|"
              "Whitman|Young|Okafor|Nguyen|Chen|Washington|Rivera|Reyes|Castillo|García|Hernández|"
              "Ortiz|Pérez|Ramírez|Rodríguez|Santiago|Torres|Colón"),
    "virtue": _t("Hope|Serenity|New Beginnings|Harbor|Lighthouse|Bridges|Pathways|Horizon|Cornerstone|"
                 "Second Chance|Open Door|Crossroads|Renewal|Gateway|Safe Haven|Clear Path|Turning Point|"
                 "Anchor|Keystone|Compass|Evergreen|Meridian|Summit|Northstar|New Dawn|Beacon|Bright Future"),
    "virtud": _t("Esperanza|Nueva Vida|Renacer|Camino Nuevo|Luz y Vida|Amanecer|Fe y Esperanza|"
                 "Puerta Abierta|Nuevo Horizonte|Paz Interior|Alborada|Sendero|Segunda Oportunidad|"
                 "Manantial|Raíces|El Faro|Renovación|Libertad|Un Nuevo Día|Serenidad|Vida Plena|Nuevo Comienzo"),
    "saint": _t("St. Mary's|St. Joseph's|St. Vincent's|St. Luke's|St. Anne's|St. Francis|St. Jude|"
                "Holy Cross|Good Samaritan|Mercy|Trinity|St. Elizabeth's|Our Lady of Mercy|St. Clare's|"
                "Sacred Heart|St. Michael's"),
    "santo": _t("San José|Santa María|San Martín de Porres|Nuestra Señora de la Providencia|"
                "San Juan Bautista|La Milagrosa|Sagrado Corazón|Santa Teresa|San Lucas|San Rafael|"
                "Divina Misericordia|Santa Rosa de Lima"),
    "geo": _t("Riverside|Northside|Eastside|Westside|Lakeview|Hillcrest|Valley|Harbor Point|Downtown|"
              "Midtown|Bayview|Southside|Greenwood|Oak Ridge|Maple Grove|Cedar Hill|Pine Hill|Fairview|"
              "Parkside|Brookside|Highland|Meadowbrook|Crestwood|Willow Creek|Stonegate|Elmwood|Sunnyside"),
    "church": _t("St. Mary's Church|Grace Fellowship Church|New Life Church|First Baptist Church|"
                 "Trinity Lutheran Church|Calvary Chapel|Bethel AME Church|Cornerstone Church|"
                 "First Presbyterian Church|St. Paul's Episcopal Church|Hope Community Church"),
    "iglesia": _t("Iglesia Cristiana Vida Nueva|Iglesia Bautista Emanuel|Parroquia San José|"
                  "Iglesia Pentecostal Roca de Salvación|Iglesia Metodista El Buen Pastor"),
    "cultura": _t("Puertorriqueño|Dominicano|Latinoamericano|Mexicano|Hispano|Caribeño"),
}
# Invented parent organisations (a site's name often differs from its operator's): English, Spanish.
_ORGS = {"treatment": (_t("Northbridge Health Partners|Crescent Behavioral Health|Beacon Recovery Network|"
                          "Harborview Health System|Unity Care Alliance|Meridian Treatment Group|Keystone "
                          "Behavioral Services|Lakeshore Health Collaborative|Summit Care Partners"),
                       _t("Red de Salud Esperanza|Corporación Nueva Vida|Asociación Pro Salud Comunitaria|"
                          "Fundación Renacer|Servicios de Salud Integral del Caribe")),
         "community": (_t("Neighborhood Partners Alliance|Community Bridges Network|United Families "
                          "Collaborative|Open Hands Coalition|Metro Opportunity Council|Common Ground Services"),
                       _t("Alianza Comunitaria Renacer|Red de Apoyo Familiar|Coalición Manos Abiertas|"
                          "Fundación Comunidad Unida"))}
_STREETS = _t("Main Street|Broadway|Elm Street|Oak Avenue|Maple Avenue|Park Avenue|Washington Street|"
              "Church Street|Market Street|Grand Avenue|Lincoln Avenue|Central Avenue|Franklin Street|"
              "Union Street|Martin Luther King Jr Boulevard|Third Avenue|Fifth Street|Pine Street|"
              "Cedar Street|Lake Street|River Road|Highland Avenue|Jefferson Street|Madison Avenue|"
              "Spring Street|Water Street|Mill Street|Prospect Street|Summit Avenue|Chestnut Street|"
              "Walnut Street|Pleasant Street|Center Street|School Street|North Avenue|Commerce Street|"
              "Harbor Drive|Cesar Chavez Avenue|Liberty Street|Academy Street|Adams Street")
_CALLES = _t("Calle Luna|Calle Sol|Calle Fortaleza|Calle Loíza|Avenida Ponce de León|Calle San Francisco|"
             "Calle Betances|Calle Degetau|Calle Comercio|Calle Estrella|Avenida Muñoz Rivera|Calle Victoria|"
             "Calle Progreso|Calle Palma|Calle Las Flores|Avenida Roberto Clemente|Calle Ruiz Belvis")
_SUITES = (", Suite 100", ", Suite 210", ", Suite 3B", ", Floor 2", ", Unit 4", ", Building C")
_CULTURES = (("Haitian", "ht"), ("Chinese", "zh"), ("Vietnamese", "vi"), ("Arab American", "ar"),
             ("Russian-Speaking", "ru"), ("Latino", "es"), ("Dominican", "es"), ("Puerto Rican", "es"),
             ("Mexican American", "es"), ("Cape Verdean", "pt"), ("Korean", "ko"), ("African", ""))
_ACCENTED = dict(x.split("=") for x in _t(
    "Bayamon=Bayamón|Mayaguez=Mayagüez|Rio Grande=Río Grande|Loiza=Loíza|Catano=Cataño|Canovanas=Canóvanas|"
    "Comerio=Comerío|Manati=Manatí|Rincon=Rincón|San German=San Germán|Juana Diaz=Juana Díaz|"
    "Anasco=Añasco|Penuelas=Peñuelas|Guanica=Guánica|San Sebastian=San Sebastián"))
_STATE_NAMES = dict(x.split("=") for x in _t(
    "AL=Alabama|AK=Alaska|AZ=Arizona|AR=Arkansas|CA=California|CO=Colorado|CT=Connecticut|DE=Delaware|"
    "DC=District of Columbia|FL=Florida|GA=Georgia|HI=Hawaii|ID=Idaho|IL=Illinois|IN=Indiana|IA=Iowa|"
    "KS=Kansas|KY=Kentucky|LA=Louisiana|ME=Maine|MD=Maryland|MA=Massachusetts|MI=Michigan|MN=Minnesota|"
    "MS=Mississippi|MO=Missouri|MT=Montana|NE=Nebraska|NV=Nevada|NH=New Hampshire|NJ=New Jersey|"
    "NM=New Mexico|NY=New York|NC=North Carolina|ND=North Dakota|OH=Ohio|OK=Oklahoma|OR=Oregon|"
    "PA=Pennsylvania|PR=Puerto Rico|RI=Rhode Island|SC=South Carolina|SD=South Dakota|TN=Tennessee|"
    "TX=Texas|UT=Utah|VT=Vermont|VA=Virginia|WA=Washington|WV=West Virginia|WI=Wisconsin|WY=Wyoming"))

# --- where -------------------------------------------------------------------------------------
_HEAVY = {"NY": 15, "CA": 15, "TX": 13, "FL": 13, "MA": 8, "IL": 8, "PR": 8}  # % of records; rest 20%
_FEATURED = {  # cities boosted to ~40% of their state's records
    "NY": "Yonkers|New York|Bronx|Brooklyn|Buffalo|Rochester", "CA": "Los Angeles|San Diego|San Francisco|"
    "Fresno|Oakland|Sacramento", "TX": "Houston|Dallas|San Antonio|El Paso|Austin",
    "FL": "Miami|Orlando|Tampa|Jacksonville|Hialeah", "MA": "Boston|Chelsea|Lawrence|Worcester|Springfield|Lowell",
    "IL": "Chicago|Cicero|Aurora|Rockford", "PR": "San Juan|Bayamon|Carolina|Ponce|Caguas|Mayaguez|Arecibo",
    "AZ": "Phoenix|Tucson", "PA": "Philadelphia|Pittsburgh", "GA": "Atlanta", "CO": "Denver", "WA": "Seattle",
    "NJ": "Newark|Paterson", "NM": "Albuquerque", "NV": "Las Vegas", "MI": "Detroit", "OH": "Cleveland|Columbus",
}
_MUST = (("Yonkers", "NY"), ("Chelsea", "MA"), ("Boston", "MA"), ("Miami", "FL"), ("Houston", "TX"),
         ("Los Angeles", "CA"), ("Chicago", "IL"), ("San Juan", "PR"), ("Phoenix", "AZ"))  # records 0..8
_P_ES_NAME = {"PR": .8, "FL": .16, "TX": .16, "CA": .14, "NY": .09, "IL": .07, "MA": .06, "NM": .1,
              "AZ": .08, "NJ": .06}  # Spanish-first services; elsewhere .03
_P_ES_LANG = {"PR": .9, "FL": .25, "TX": .25, "CA": .25, "NY": .2, "IL": .16, "MA": .16, "NM": .25,
              "AZ": .2, "NJ": .18}  # English-first services that also serve Spanish speakers; elsewhere .08
_OTHER_LANGS = {"NY": ("zh", "ru", "ht", "ar"), "CA": ("zh", "vi", "ko", "tl"), "TX": ("vi", "ar"),
                "FL": ("ht", "pt"), "MA": ("pt", "ht", "vi", "zh"), "IL": ("pl", "ar", "zh")}
_COUNTY_SUFFIXES = (" County", " Parish", " Municipio", " Borough", " Census Area", " Municipality")


class _Zip(NamedTuple):
    zip: str
    city: str
    state: str
    county: str
    county_token: str  # "Westchester" for county:NY:Westchester
    name_city: str  # the city as written in a service name (accents restored in Puerto Rico)
    name_county: str  # "Westchester County", "San Juan"
    state_name: str
    lat: float
    lon: float
    areas: tuple[str, ...]
    p_es_name: float  # chance a service here is Spanish-first
    langs: tuple  # language tables: [English-first, Spanish-first, English meeting, Spanish meeting]


def _table(seed: str, draw, n: int = 256) -> tuple:
    """n draws of a random choice, made once: one table pick per record instead of several draws."""
    rng = random.Random(seed)
    return tuple(draw(rng.random, rng.choice) for _ in range(n))


def _langs(rnd, choice, first: list[str], p_es: float, asl: float, others: tuple[str, ...]) -> tuple[str, ...]:
    """~5% unknown (empty); else `first`, maybe Spanish, ASL and another language."""
    if rnd() < .05:
        return ()
    out = first + ["es"] * (rnd() < p_es and "es" not in first) + ["asl"] * (rnd() < asl)
    other = choice(others) if others and rnd() < .05 else None
    return tuple(out + [other] * (other is not None and other not in out))


def _lang_table(st: str, spanish: bool) -> tuple:
    others = () if st == "PR" else _OTHER_LANGS.get(st, ("vi", "zh", "ar", "ru"))
    if spanish:  # Spanish-first: a few Spanish-only
        return _table(f"langs-es-{st}", lambda r, c: _langs(r, c, ["es"] if r() < .16 else ["es", "en"], 0, .1, others))
    return _table(f"langs-en-{st}", lambda r, c: _langs(r, c, ["en"], _P_ES_LANG.get(st, .08), .1, others))


_MEETING_LANGS = (_table("meeting-en", lambda r, c: _langs(r, c, ["en"], .02, .03, ())),
                  _table("meeting-es", lambda r, c: _langs(r, c, ["es"], 0, .03, ())))


@lru_cache(maxsize=1)
def _places() -> tuple[tuple[_Zip, ...], dict[tuple[str, str], tuple[_Zip, ...]]]:
    """(weighted ZIP table: one pick gives state and place, ZIPs of each featured city). Loads zipcodes once."""
    import zipcodes  # about 0.5 s

    by_state: dict[str, list[_Zip]] = {}
    langs: dict[str, tuple] = {}
    for z in zipcodes.list_all():
        st = z["state"]
        if z["zip_code_type"] != "STANDARD" or not z["active"] or not z["county"] or st not in _STATE_NAMES:
            continue
        token = z["county"]
        for suffix in _COUNTY_SUFFIXES:
            token = token.removesuffix(suffix)
        zips = by_state.setdefault(st, [])
        areas = tuple(z["area_codes"] or ()) or (zips[-1].areas if zips else ())  # else a neighbour's
        if areas:
            if not zips:
                langs[st] = (_lang_table(st, False), _lang_table(st, True), _MEETING_LANGS[0], _MEETING_LANGS[1])
            zips.append(_Zip(z["zip_code"], z["city"], st, z["county"], token, _ACCENTED.get(z["city"], z["city"]),
                             token if st == "PR" else z["county"].replace(" city", " City"), _STATE_NAMES[st],
                             float(z["lat"]), float(z["long"]), areas, _P_ES_NAME.get(st, .03), langs[st]))
    others = sorted(st for st in by_state if st not in _HEAVY)
    total_other = sum(len(by_state[st]) for st in others)
    share = {st: pct / 100 for st, pct in _HEAVY.items()} | {st: .2 * len(by_state[st]) / total_other for st in others}
    table: list[_Zip] = []
    cities: dict[tuple[str, str], list[_Zip]] = {}
    for st, zips in by_state.items():
        featured = [z for z in zips if z.city in _FEATURED.get(st, "").split("|")]
        for z in featured:
            cities.setdefault((z.city, st), []).append(z)
        boost = -(-len(zips) * 2 // (3 * len(featured))) if featured else 0
        pool = zips + featured * boost
        table += (pool[j % len(pool)] for j in range(round(share[st] * 200_000)))  # every ZIP, in proportion
    return tuple(table), {k: tuple(v) for k, v in cities.items()}


# --- hours -------------------------------------------------------------------------------------
_DAYS = {"mon": ("Mon", "lunes"), "tue": ("Tue", "martes"), "wed": ("Wed", "miércoles"), "thu": ("Thu", "jueves"),
         "fri": ("Fri", "viernes"), "sat": ("Sat", "sábado"), "sun": ("Sun", "domingo")}  # display order


def _clock(t: str, es: int) -> str:
    h = int(t[:2])
    return t if es else f"{(h - 1) % 12 + 1}:{t[3:]} {'AM' if h < 12 else 'PM'}"


def _hours_text(hours: dict[str, list[list[str]]], es: int) -> str:
    """'Mon–Fri 8:00 AM–5:00 PM; Sat 9:00 AM–1:00 PM' / 'lunes a viernes 08:00–17:00; sábado 09:00–13:00'."""
    if hours == _ALL_WEEK:
        return _TEXT_247[es]
    groups: list[list] = []  # [first day, last day, ranges]
    order = tuple(_DAYS)
    for i, d in enumerate(order):
        r = hours.get(d)
        if r and groups and groups[-1][2] == r and groups[-1][1] == order[i - 1]:
            groups[-1][1] = d
        elif r:
            groups.append([d, d, r])
    return "; ".join(
        _DAYS[a][es] + ("" if a == b else (" a " if es else "–") + _DAYS[b][es]) + " "
        + ", ".join(f"{_clock(x, es)}–{_clock(y, es)}" for x, y in r) for a, b, r in groups)


def _week(spec: str) -> dict[str, list[list[str]]]:
    """'mon-fri 08:00-12:00 13:00-17:00; sat 09:00-13:00' -> structured hours."""
    out = {}
    for part in spec.split(";"):
        days, *ranges = part.split()
        first, _, last = days.partition("-")
        names = list(_DAYS)
        for d in names[names.index(first): names.index(last or first) + 1]:
            out[d] = [r.split("-") for r in ranges]
    return out


_HOURS = {key: tuple((h, _hours_text(h, 0), _hours_text(h, 1)) for h in map(_week, specs.split("|")))
          for key, specs in {
    "office": "mon-fri 08:00-17:00|mon-fri 09:00-17:00|mon-fri 08:30-16:30|mon-fri 09:00-18:00; sat 09:00-13:00|"
              "mon-thu 08:00-20:00; fri 08:00-17:00|mon-fri 08:00-12:00 13:00-17:00",
    "clinic": "mon-fri 05:30-13:30; sat-sun 07:00-10:00|mon-fri 06:00-14:00; sat 07:00-11:00|"
              "mon-fri 05:30-11:00 14:00-16:00; sat 06:00-10:00",
    "evening": "mon-thu 09:00-12:00 17:00-20:00|tue 18:00-21:00; thu 18:00-21:00; sat 09:00-13:00|mon-fri 10:00-18:00",
    "food": "tue 10:00-13:00; thu 16:00-19:00; sat 09:00-12:00|mon 09:00-12:00; wed 09:00-12:00; fri 09:00-12:00",
    "meeting": "|".join(f"{d} {t}" for d in _DAYS for t in (
        "07:00-08:00", "12:00-13:00", "18:00-19:00", "18:30-19:30", "19:00-20:00", "19:30-20:30",
        "20:00-21:00", "10:00-11:30")),
}.items()}
_HOURS["24"] = ((_ALL_WEEK, *_TEXT_247),)
_DATES = tuple((date(2025, 4, 1) + timedelta(days=n)).isoformat() for n in range(365))

# --- service types -----------------------------------------------------------------------------


def _combos(items: tuple[tuple[str, float], ...], seed: str) -> tuple[tuple[str, ...], ...]:
    """Subsets of items, each item in with its probability."""
    return _table(seed, lambda r, c: tuple(x for x, p in items if r() < p))


def _imply(needs: list[str]) -> list[str]:
    if "co-occurring" in needs:  # co-occurring care treats both
        needs += [n for n in ("substance-use-treatment", "mental-health") if n not in needs]
    if "mat" not in needs and any(n in needs for n in ("methadone", "buprenorphine", "naltrexone")):
        needs.append("mat")  # medication for addiction treatment
    return needs


def _offers(t: _Type) -> tuple[tuple[tuple[str, ...], str, str], ...]:
    """(needs, English description, Spanish description) for each draw of a type's extra needs."""
    out = []
    for extras in _combos(t.extra_p, t.key):
        desc = list(t.desc)
        for lang, (es, tail) in enumerate(((False, " Also offers "), (True, " También ofrece "))):
            said = [_PHRASES[n][lang] for n in extras[:2]]
            if said:
                conj = (" e " if said[-1][:1] in "iI" or said[-1][:2] == "hi" else " y ") if es else " and "
                desc[lang] += tail + conj.join(said) + "."
        out.append((tuple(_imply([*t.needs, *extras])), *desc))
    return tuple(out)


def _pops(t: _Type) -> tuple[tuple[str, ...], ...]:
    def draw(rnd, choice):
        if not t.pops or rnd() < .5:
            return ()
        pops = [choice(t.pops) for _ in range(2 if rnd() < .25 else 1)]
        return tuple(dict.fromkeys(pops + ["women"] * ("pregnant" in pops)))
    return _table(f"pops-{t.key}", draw)


_PAY = {"treatment": _combos((("medicaid", .7), ("medicare", .4), ("private-insurance", .6), ("self-pay", .55),
                              ("sliding-fee", .35), ("payment-assistance", .15), ("military-insurance", .12),
                              ("free", .06)), "pay-treatment"),
        "community": _combos((("free", .75), ("sliding-fee", .3), ("self-pay", .15),
                              ("payment-assistance", .1)), "pay-community")}
_NAME_POPS = (("Women", "women"), ("Mujeres", "women"), ("for Men", "men"), ("Young People", "young-adults"),
              ("Alateen", "adolescents"), ("Youth", "adolescents"))
_NAME_NEEDS = (("Food", "food"), ("Alimentos", "food"), ("Family & Friends", "family-support"))


class _Name(NamedTuple):
    template: str  # name parts already drawn; place fields {city} {county} {state_name} {street} left
    place: bool  # whether the template still has place fields
    pops: tuple[str, ...]  # populations the name implies ("... for Women")
    needs: tuple[str, ...]  # needs the name implies ("... Food Pantry")
    lang: str  # the language a cultural centre's name implies


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class _Type(NamedTuple):
    key: str
    kind: str
    weight: int  # % of records
    en: tuple[_Name, ...]
    es: tuple[_Name, ...]
    needs: tuple[str, ...]
    extra_p: tuple[tuple[str, float], ...]  # needs also offered, each with its probability (default .35)
    pops: tuple[str, ...]
    hours: tuple[tuple[dict, str, str], ...]  # (hours, English text, Spanish text)
    desc: tuple[str, str]  # English, Spanish
    org: tuple[str, str] | None  # fellowship (English, Spanish) for meetings
    pay: tuple[tuple[str, ...], ...]


def _names(text: str, seed: str, per_template: int = 128) -> tuple[_Name, ...]:
    """Each template drawn `per_template` times with its name parts filled (surnames, virtues, saints...),
    so a record needs one pick and at most one format for the place."""
    rng, out = random.Random(seed), []
    for tpl in _t(text):
        fields = {f for _, f, _, _ in string.Formatter().parse(tpl) if f}
        pops = tuple(pop for hint, pop in _NAME_POPS if hint in tpl)
        needs = tuple(need for hint, need in _NAME_NEEDS if hint in tpl)
        for _ in range(per_template):
            parts = _Keep({f: rng.choice(_POOLS[f]) for f in sorted(fields) if f in _POOLS})
            lang = "es" if "cultura" in fields else ""
            if "culture" in fields:
                parts["culture"], lang = rng.choice(_CULTURES)
            out.append(_Name(tpl.format_map(parts), bool(fields & {"city", "county", "state_name", "street"}),
                             pops, needs, lang))
    return tuple(out)


def _type(key, kind, weight, en, es, needs, extra, pops, hours, desc_en, desc_es, org=None) -> _Type:
    extra_p = tuple((x, float(p or .35)) for x, _, p in (e.partition(":") for e in extra.split()))
    return _Type(key, kind, weight, _names(en, f"{key}-en"), _names(es, f"{key}-es"), tuple(needs.split()), extra_p, tuple(pops.split()),
                 _HOURS[hours],
                 (desc_en, desc_es), _t(org) if org else None,
                 _PAY["treatment" if kind == "treatment" and key != "harm" else "community"])


_POP = "young-adults women men seniors veterans military lgbtq criminal-justice"
_TYPES = (
    _type("otp", "treatment", 9, "{city} Comprehensive Treatment Center|{geo} Methadone Clinic|{sur} Opioid "
          "Treatment Program|{county} Addiction Treatment Services|{virtue} Medication-Assisted Treatment Center",
          "Clínica de Metadona {city}|Programa de Tratamiento con Metadona {virtud}|Centro de Tratamiento "
          "Asistido con Medicamentos {city}", "substance-use-treatment methadone mat outpatient",
          "buprenorphine naltrexone naloxone hiv-hepatitis co-occurring peer-support transportation:.15 "
          "case-management:.2 assessment:.2",
          "men women pregnant criminal-justice", "clinic",
          "Opioid treatment program offering methadone maintenance with daily dosing and counseling.",
          "Programa de tratamiento para opioides con mantenimiento de metadona, dosificación diaria y consejería."),
    _type("outpatient", "treatment", 16, "{city} Recovery Center|{geo} Recovery Center|{virtue} Recovery Services|"
          "{sur} Counseling Associates|{geo} Outpatient Services|{city} Addiction Recovery Clinic|{virtue} "
          "Counseling Center|{sur} Center for Recovery", "Centro de Tratamiento {virtud}|Centro de Recuperación "
          "{virtud}|Servicios de Consejería {sur}|Programa Ambulatorio {virtud}", "substance-use-treatment outpatient",
          "buprenorphine naltrexone telehealth co-occurring family-support peer-support naloxone detox "
          "assessment:.3 dui-dwi:.15 trauma:.15", "adolescents native-american " + _POP, "office",
          "Outpatient treatment for alcohol and drug use, with individual and group counseling.",
          "Tratamiento ambulatorio para el uso de alcohol y drogas, con consejería individual y de grupo."),
    _type("behavioral", "treatment", 11, "{saint} Behavioral Health|{city} Community Mental Health Center|"
          "{county} Counseling Center|{sur} Psychological Services|{geo} Behavioral Health|{virtue} Behavioral "
          "Health|{city} Youth and Family Counseling", "Centro de Salud Mental {city}|Clínica de Salud Conductual "
          "{santo}|Centro de Salud Mental {virtud}", "mental-health outpatient",
          "co-occurring substance-use-treatment telehealth crisis family-support peer-support trauma:.3 "
          "case-management:.2 assessment:.25 eating-disorders:.05 gambling:.05",
          "adolescents native-american " + _POP, "office",
          "Outpatient mental health care: assessment, therapy and psychiatric medication management.",
          "Atención ambulatoria de salud mental: evaluación, terapia y manejo de medicamentos psiquiátricos."),
    _type("residential", "treatment", 7, "{virtue} House|{geo} Residential Treatment Center|{sur} Lodge|{virtue} "
          "Recovery Ranch|{virtue} House for Women|{saint} Residential Program for Men", "Casa {virtud}|Hogar "
          "{virtud}|Hogar de Mujeres {virtud}|Centro Residencial {santo}", "substance-use-treatment residential",
          "detox co-occurring childcare education employment peer-support family-support trauma:.15 "
          "tobacco-cessation:.1",
          "adolescents young-adults pregnant veterans criminal-justice", "24",
          "Residential treatment for substance use disorders with a structured daily program.",
          "Tratamiento residencial para trastornos por uso de sustancias, con un programa diario estructurado."),
    _type("detox", "treatment", 4, "{city} Detox and Stabilization Unit|{saint} Hospital Withdrawal Management|"
          "{geo} Detox Center|{virtue} Medical Detox", "Centro de Desintoxicación {santo}|Unidad de "
          "Desintoxicación {city}", "detox substance-use-treatment",
          "residential crisis buprenorphine co-occurring naloxone", _POP, "24",
          "Medically supervised withdrawal management, with referral to ongoing treatment.",
          "Desintoxicación con supervisión médica y referido a tratamiento continuo."),
    _type("crisis", "treatment", 3, "{county} Crisis Center|{city} Behavioral Health Urgent Care|{geo} Crisis "
          "Stabilization Center|{county} Mobile Crisis Team", "Centro de Crisis {city}|Línea de Crisis {virtud}",
          "crisis mental-health", "detox co-occurring substance-use-treatment telehealth trauma:.2",
          "adolescents young-adults veterans military", "24",
          "Walk-in and mobile crisis care for mental health and substance use emergencies.",
          "Atención de crisis sin cita y móvil para emergencias de salud mental y uso de sustancias."),
    _type("fqhc", "treatment", 3, "{city} Family Health Center|{geo} Community Health Center|{sur} Health "
          "Center", "Centro de Salud Familiar {city}|Centro de Salud Comunitario {santo}",
          "substance-use-treatment buprenorphine outpatient hiv-hepatitis",
          "naltrexone mental-health naloxone telehealth social-services childcare tobacco-cessation:.3 "
          "transportation:.15 case-management:.2", _POP + " pregnant", "office",
          "Community health center offering primary care and office-based addiction treatment.",
          "Centro de salud comunitario con atención primaria y tratamiento de adicciones en consultorio."),
    _type("harm", "treatment", 2, "{city} Harm Reduction Center|{geo} Syringe Services Program|{county} Overdose "
          "Prevention Project", "Centro de Reducción de Daños {city}|Proyecto de Prevención de Sobredosis {virtud}",
          "naloxone hiv-hepatitis peer-support", "buprenorphine social-services substance-use-treatment",
          "young-adults lgbtq women", "evening",
          "Harm reduction services: naloxone, safer-use supplies and HIV/hepatitis testing, no questions asked.",
          "Servicios de reducción de daños: naloxona, materiales de uso más seguro y pruebas de VIH/hepatitis."),
    _type("aa", "support-group", 8, "{street} Group|{geo} Serenity Group|{city} Early Birds|Keep It Simple {geo}|"
          "Big Book Study at {saint}|Came to Believe {geo}|{geo} Women's Step Meeting|Young People's Group of "
          "{city}", "Grupo {virtud} de Alcohólicos Anónimos|Grupo {santo} de AA|Grupo {virtud} {city}",
          "support-group", "", "", "meeting",
          "Open meeting of Alcoholics Anonymous; anyone who wants to stop drinking is welcome.",
          "Reunión abierta de Alcohólicos Anónimos; toda persona que quiera dejar de beber es bienvenida.",
          "Alcoholics Anonymous|Alcohólicos Anónimos"),
    _type("na", "support-group", 5, "{geo} Clean and Serene|Just for Today {city}|{street} Recovery Group|"
          "Miracles Happen {geo}", "Grupo {virtud} de Narcóticos Anónimos|Grupo Solo por Hoy {city}",
          "support-group", "", "", "meeting", "Narcotics Anonymous meeting, open to anyone with a desire to stop using.",
          "Reunión de Narcóticos Anónimos, abierta a quien desee dejar de consumir.",
          "Narcotics Anonymous|Narcóticos Anónimos"),
    _type("alanon", "support-group", 3, "Al-Anon {geo} Family Group|Alateen at {saint}|Hope for Today Al-Anon "
          "{city}", "Grupo de Familia Al-Anon {virtud}", "support-group family-support", "", "", "meeting",
          "Al-Anon meeting for families and friends of people with a drinking problem.",
          "Reunión de Al-Anon para familiares y amistades de personas con problemas con la bebida.",
          "Al-Anon Family Groups|Al-Anon Family Groups"),
    _type("smart", "support-group", 2, "SMART Recovery {city}|SMART Recovery at {geo} Library|SMART Recovery "
          "Family & Friends {city}", "SMART Recovery en Español {city}", "support-group", "", "", "meeting",
          "Science-based SMART Recovery mutual-help meeting; all addictive behaviors welcome.",
          "Reunión de ayuda mutua SMART Recovery, basada en la ciencia, para toda conducta adictiva.",
          "SMART Recovery|SMART Recovery"),
    _type("cr", "support-group", 2, "Celebrate Recovery at {church}", "Celebremos la Recuperación {iglesia}",
          "support-group meaning-purpose", "", "", "meeting",
          "Christ-centered recovery group for hurts, habits and hang-ups.",
          "Grupo de recuperación cristiano para heridas, hábitos y complejos.", "Celebrate Recovery|Celebrate Recovery"),
    _type("sober", "community", 4, "{virtue} House Sober Living|{geo} Recovery Residence|{sur} House|{street} "
          "Sober Living|{virtue} Recovery Homes for Women|{sur} Sober House for Men", "Casa {virtud}|Hogar de "
          "Recuperación {virtud}|Residencia de Recuperación {santo}", "housing",
          "peer-support support-group employment", "young-adults criminal-justice", "office",
          "Alcohol- and drug-free recovery residence with house meetings and peer accountability.",
          "Vivienda de recuperación libre de alcohol y drogas, con reuniones de casa y apoyo entre pares."),
    _type("housing", "community", 2, "{county} Housing Assistance Program|{city} Homeless Services Center|"
          "{virtue} Shelter|{geo} Supportive Housing", "Programa de Vivienda {virtud}|Albergue {santo}",
          "housing social-services", "employment peer-support family-support case-management:.3 "
          "domestic-violence:.15", "veterans women young-adults",
          "office", "Emergency shelter referrals and help finding and keeping stable housing.",
          "Referidos a albergues de emergencia y ayuda para conseguir y mantener vivienda estable."),
    _type("employment", "community", 3, "{city} Works Career Center|{county} Career Center|{virtue} Employment "
          "Services|{geo} Job Readiness Program|Second Chance Jobs {city}", "Centro de Empleo {city}|Programa de "
          "Empleo {virtud}", "employment", "education legal social-services",
          "criminal-justice young-adults veterans", "office",
          "Job search help, résumé workshops and placement, including for people with records.",
          "Ayuda para buscar empleo, talleres de resumé y colocación, también para personas con antecedentes."),
    _type("legal", "community", 2, "{state_name} Legal Aid {city} Office|{county} Legal Services|{city} Reentry "
          "Legal Clinic|{sur} Community Law Project", "Servicios Legales {city}|Asistencia Legal {virtud}|Clínica "
          "Legal {santo}", "legal", "social-services housing family-support",
          "criminal-justice seniors veterans women", "evening",
          "Free civil legal help with housing, benefits, family matters and record sealing.",
          "Ayuda legal civil gratuita con vivienda, beneficios, asuntos de familia y sellado de récords."),
    _type("education", "community", 3, "{city} Adult Learning Center|{geo} GED and ESL Program|{county} Adult "
          "Education|{virtue} Literacy Project", "Centro de Educación para Adultos {city}|Programa de Inglés y GED "
          "{virtud}", "education", "employment community-integration", "young-adults seniors", "evening",
          "Free GED, English (ESL) and vocational classes for adults.",
          "Clases gratuitas de GED, inglés y formación profesional para adultos."),
    _type("family", "community", 3, "{city} Family Resource Center|{virtue} Family Services|{geo} Parent Support "
          "Network|{county} Family Recovery Program", "Centro de Familias {city}|Servicios a la Familia {virtud}",
          "family-support", "childcare social-services education domestic-violence:.3",
          "women pregnant adolescents", "office",
          "Support, parenting classes and counseling for families affected by addiction.",
          "Apoyo, clases de crianza y consejería para familias afectadas por la adicción."),
    _type("benefits", "community", 3, "{county} Community Action Agency|{city} Benefits Access Center|{geo} Food "
          "Pantry|{saint} Food Bank|{city} Neighborhood Services", "Banco de Alimentos {santo}|Centro de Servicios "
          "Comunitarios {city}|Oficina de Beneficios {virtud}", "social-services",
          "housing employment family-support food:.4 transportation:.2", "seniors veterans", "food",
          "Food assistance and help applying for SNAP, Medicaid and other benefits.",
          "Asistencia alimentaria y ayuda para solicitar PAN/SNAP, Medicaid y otros beneficios."),
    _type("faith", "community", 2, "{saint} Recovery Ministry|{city} Volunteer Center|{virtue} Faith Community "
          "Outreach|{geo} Interfaith Recovery Fellowship", "Ministerio de Restauración {santo}|Centro de "
          "Voluntariado {city}", "meaning-purpose", "support-group community-integration peer-support", "",
          "evening", "Faith-based fellowship and volunteering opportunities for people in recovery.",
          "Comunidad de fe y oportunidades de voluntariado para personas en recuperación."),
    _type("cultural", "community", 2, "{city} {culture} Community Center|{culture} Cultural Center of {city}",
          "Centro Cultural {cultura} de {city}|Centro Comunitario {cultura} {virtud}", "community-integration",
          "education social-services legal meaning-purpose", "", "evening",
          "Cultural center offering community events, newcomer help and referrals in the community's languages.",
          "Centro cultural con actividades comunitarias, ayuda a recién llegados y referidos."),
    _type("rcc", "community", 1, "{city} Recovery Community Center|{virtue} Peer Recovery Center|{geo} Recovery "
          "Café", "Centro de Recuperación Comunitaria {city}|Centro de Apoyo entre Pares {virtud}",
          "peer-support support-group", "employment naloxone meaning-purpose community-integration",
          "young-adults lgbtq veterans", "evening",
          "Peer-run recovery community center with recovery coaching, all-recovery meetings and social events.",
          "Centro comunitario de recuperación dirigido por pares, con coaches de recuperación y reuniones."),
)
assert sum(t.weight for t in _TYPES) == 100
_TYPE_SLOTS = tuple(t for t in _TYPES for _ in range(t.weight))
_NEEDS_OF = {t.key: set(_imply([*t.needs, *(x for x, _ in t.extra_p)])) for t in _TYPES}
_NEED_ORDER = tuple(dict.fromkeys(n for t in _TYPES for n in sorted(_NEEDS_OF[t.key])))  # first records: one each
_PHRASES = {n: _t(p) for n, p in (  # need -> English|Spanish phrase for "Also offers ..."
    ("buprenorphine", "buprenorphine (Suboxone)|buprenorfina (Suboxone)"),
    ("naltrexone", "naltrexone (Vivitrol) injections|inyecciones de naltrexona (Vivitrol)"),
    ("telehealth", "telehealth visits|citas por telesalud"),
    ("co-occurring", "care for co-occurring mental health conditions|atención de trastornos concurrentes"),
    ("family-support", "family counseling|consejería familiar"), ("peer-support", "peer recovery coaches|"
     "coaches de recuperación"), ("hiv-hepatitis", "HIV and hepatitis C testing|pruebas de VIH y hepatitis C"),
    ("naloxone", "free naloxone and overdose education|naloxona gratuita y educación sobre sobredosis"),
    ("detox", "medically supervised withdrawal|desintoxicación supervisada"),
    ("crisis", "walk-in crisis care|atención de crisis sin cita"), ("childcare", "on-site childcare|cuidado "
     "de niños en el lugar"), ("education", "GED classes|clases de GED"), ("employment", "job placement help|"
     "ayuda para conseguir empleo"), ("social-services", "help applying for benefits|ayuda para solicitar "
     "beneficios"), ("housing", "help finding housing|ayuda para encontrar vivienda"),
    ("legal", "legal referrals|referidos legales"), ("residential", "short-term residential beds|camas "
     "residenciales a corto plazo"), ("support-group", "weekly support groups|grupos de apoyo semanales"),
    ("mental-health", "mental health counseling|consejería de salud mental"),
    ("substance-use-treatment", "substance use counseling|consejería sobre uso de sustancias"),
    ("meaning-purpose", "volunteer opportunities|oportunidades de voluntariado"),
    ("community-integration", "cultural and community events|actividades culturales y comunitarias"),
    ("food", "free groceries and hot meals|alimentos y comidas calientes gratuitos"),
    ("dui-dwi", "DUI/DWI education classes|clases de educación sobre DUI"),
    ("gambling", "problem gambling counseling|consejería para problemas con el juego"),
    ("domestic-violence", "domestic violence advocacy|apoyo a sobrevivientes de violencia doméstica"),
    ("transportation", "transportation help|ayuda con transporte"), ("case-management", "case management|"
     "manejo de casos"), ("trauma", "trauma-focused therapy|terapia enfocada en el trauma"),
    ("tobacco-cessation", "quit-smoking help|ayuda para dejar de fumar"), ("assessment", "assessments and "
     "evaluations|evaluaciones"), ("eating-disorders", "eating disorder treatment|tratamiento de trastornos "
     "de la alimentación"))}


_OFFERS = {t.key: _offers(t) for t in _TYPES}
_POPS_OF = {t.key: _pops(t) for t in _TYPES}
_NUMBERS = (_table("numbers", lambda r, c: str(int(10 ** (r() * 3.7)) + 1), 1024),
            _table("numeros", lambda r, c: str(int(10 ** (r() * 3)) + 1), 1024))  # house numbers; Puerto Rico
_LINES = tuple(f"-555-01{n:02d}" for n in range(100))  # the fictional range
_SLUG = str.maketrans({"á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u", "ü": "u", "ñ": "n", " ": "-",
                       "&": "and", "'": None, ".": None, ",": None, "(": None, ")": None})


def generate(count: int, seed: int = 2026) -> Iterator[ServiceRecord]:
    """`count` fictional local services (national lines not included), deterministic for `seed`."""
    table, city_zips = _places()
    rnd = random.Random(seed).random

    def pick(seq):
        return seq[int(rnd() * len(seq))]

    for i in range(count):
        # Where: records 0..8 visit the cities a demo must show; then the weighted state table.
        z = pick(city_zips[_MUST[i]]) if i < len(_MUST) else table[int(rnd() * len(table))]
        st = z.state
        # What: the first len(_NEED_ORDER) records cover every need once; then the weighted type table.
        forced = _NEED_ORDER[i] if i < len(_NEED_ORDER) else None
        t = pick([x for x in _TYPES if forced in _NEEDS_OF[x.key]]) if forced else pick(_TYPE_SLOTS)
        spanish = rnd() < z.p_es_name
        lang = 1 if spanish else 0
        meeting = t.kind == "support-group"

        names = t.es if spanish else t.en
        tpl, place, name_pops, name_needs, culture_lang = names[int(rnd() * len(names))]
        street_name = pick(_CALLES if st == "PR" else _STREETS)
        name = tpl.format(city=z.name_city, county=z.name_county, state_name=z.state_name,
                          street=street_name) if place else tpl

        offers = _OFFERS[t.key]
        needs, *descs = offers[int(rnd() * len(offers))]
        needs = list(needs)
        if forced or name_needs:
            needs = _imply(list(dict.fromkeys([*needs, *name_needs, *([forced] if forced else [])])))
        pops = _POPS_OF[t.key]
        pops = list(pops[int(rnd() * len(pops))])
        if name_pops:
            pops = list(dict.fromkeys([*name_pops, *pops]))

        # Languages: ~5% unknown; Spanish-first services list es; a meeting has one language.
        table_langs = z.langs[2 * meeting + lang]
        langs = list(table_langs[int(rnd() * len(table_langs))])
        if culture_lang and langs and culture_lang not in langs:
            langs.append(culture_lang)

        # Description in the service's first language; hours in the same language.
        desc = descs[lang]
        if t.hours is _HOURS["24"]:
            h = t.hours[0] if rnd() < .95 else None
        else:
            h = pick(t.hours) if meeting or rnd() < .85 else None
        hours, hours_text = (dict(h[0]), h[1 + lang]) if h else ({}, "")

        # Contacts: fictional phones only (NXX-555-0100..0199); reserved domains only.
        area = z.areas[int(rnd() * len(z.areas))]
        phone = area + _LINES[int(rnd() * 100)] if rnd() < (.45 if meeting else .97) else ""
        intake = area + _LINES[int(rnd() * 100)] if t.kind == "treatment" and rnd() < .5 else ""
        hotline = area + _LINES[int(rnd() * 100)] if t.key == "crisis" or rnd() < .03 else ""
        r, with_email = rnd(), not meeting and rnd() < .5
        website = email = ""
        if r < .75 or with_email:
            slug = name.lower().translate(_SLUG)[:40].strip("-")
            if r < .45:
                website = f"https://{slug}.example.org"
            elif r < .75:
                website = f"https://example.org/{'meetings/' if meeting else ''}{slug}"
            if with_email:
                email = f"{'intake' if t.kind == 'treatment' else 'info'}.{slug[:24].strip('-')}@example.org"
        if st == "PR":
            street = (f"Carr. {int(rnd() * 990) + 1} Km {int(rnd() * 40)}.{int(rnd() * 10)}" if rnd() < .15
                      else f"{pick(_NUMBERS[1])} {street_name}")
        else:
            street = f"{pick(_NUMBERS[0])} {street_name}"
        if not meeting and rnd() < .25:
            street += pick(_SUITES)

        if meeting:
            org, site, payment = t.org[lang], "", ["free"]
        else:
            org = pick(_ORGS[t.kind][lang]) if rnd() < .3 else name
            site = name if org != name else ""
            payment = list(pick(t.pay))
            payment = payment or ["free" if t.key == "harm" else "self-pay"]
        area_text, area_list = "", []
        if (t.kind == "community" and rnd() < .25) or (t.key == "crisis" and rnd() < .4):
            if rnd() < .6:
                area_text, area_list = f"{z.county}, {st}", [f"county:{st}:{z.county_token}"]
            else:
                area_text, area_list = f"Statewide ({z.state_name})", [st]
        r = rnd()
        yield ServiceRecord(
            name=name, kind=t.kind, source=DEMO_SOURCE, source_key=f"demo-{i:07d}", row=i + 1,
            organization=org, site_name=site, description=desc, phone=phone, intake_phone=intake,
            hotline_phone=hotline, website=website, email=email, street=street, city=z.city, state=st,
            zip=z.zip, county=z.county, latitude=z.lat + (rnd() - .5) * .016,
            longitude=z.lon + (rnd() - .5) * .016, service_area=area_text, service_area_list=area_list,
            hours=hours, hours_text=hours_text, languages=langs, needs=needs, populations=pops, payment=payment,
            status="active" if r < .97 else "inactive" if r < .99 else "temporarily-closed",
            last_verified=pick(_DATES) if rnd() < .6 else None,
            raw={"type": t.key, "zip": z.zip, "spanish_first": spanish})
