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
from datetime import date, timedelta
from functools import lru_cache
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple, TypeVar

from helpline_tui.core.demo_services import (ALL_WEEK, HOURS, NEED_ORDER, NEEDS_OF, OFFERS, POPS_OF, TEXT_247,
                                             TYPE_SLOTS, TYPES, ServiceType, alternatives, draw_table, imply)
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.states import STATES

DEMO_SOURCE = "demo"
T = TypeVar("T")


def _national(key: str, name: str, org: str, phone: str, desc: str, website: str, needs: str,
              languages: list[str], populations: list[str] | None = None) -> ServiceRecord:
    return ServiceRecord(
        name=name, kind="treatment", source=DEMO_SOURCE, source_key=key, organization=org,
        description=desc, phone=phone, hotline_phone=phone, website=website,
        service_area="United States", service_area_list=["US"],
        hours={d: [list(r) for r in v] for d, v in ALL_WEEK.items()}, hours_text=TEXT_247[0],
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


# --- organisations and streets ----------------------------------------------------------------
# Invented parent organisations (a site's name often differs from its operator's): English, Spanish.
_ORGS = {"treatment": (alternatives("Northbridge Health Partners|Crescent Behavioral Health|Beacon Recovery Network|"
                                    "Harborview Health System|Unity Care Alliance|Meridian Treatment Group|Keystone "
                                    "Behavioral Services|Lakeshore Health Collaborative|Summit Care Partners"),
                       alternatives("Red de Salud Esperanza|Corporación Nueva Vida|Asociación Pro Salud Comunitaria|"
                                    "Fundación Renacer|Servicios de Salud Integral del Caribe")),
         "community": (alternatives("Neighborhood Partners Alliance|Community Bridges Network|United Families "
                                    "Collaborative|Open Hands Coalition|Metro Opportunity Council|"
                                    "Common Ground Services"),
                       alternatives("Alianza Comunitaria Renacer|Red de Apoyo Familiar|Coalición Manos Abiertas|"
                                    "Fundación Comunidad Unida"))}
_STREETS = alternatives("Main Street|Broadway|Elm Street|Oak Avenue|Maple Avenue|Park Avenue|Washington Street|"
                        "Church Street|Market Street|Grand Avenue|Lincoln Avenue|Central Avenue|Franklin Street|"
                        "Union Street|Martin Luther King Jr Boulevard|Third Avenue|Fifth Street|Pine Street|"
                        "Cedar Street|Lake Street|River Road|Highland Avenue|Jefferson Street|Madison Avenue|"
                        "Spring Street|Water Street|Mill Street|Prospect Street|Summit Avenue|Chestnut Street|"
                        "Walnut Street|Pleasant Street|Center Street|School Street|North Avenue|Commerce Street|"
                        "Harbor Drive|Cesar Chavez Avenue|Liberty Street|Academy Street|Adams Street")
_CALLES = alternatives("Calle Luna|Calle Sol|Calle Fortaleza|Calle Loíza|Avenida Ponce de León|Calle San Francisco|"
                       "Calle Betances|Calle Degetau|Calle Comercio|Calle Estrella|Avenida Muñoz Rivera|"
                       "Calle Victoria|Calle Progreso|Calle Palma|Calle Las Flores|Avenida Roberto Clemente|"
                       "Calle Ruiz Belvis")
_SUITES = (", Suite 100", ", Suite 210", ", Suite 3B", ", Floor 2", ", Unit 4", ", Building C")
_ACCENTED = dict(x.split("=") for x in alternatives(
    "Bayamon=Bayamón|Mayaguez=Mayagüez|Rio Grande=Río Grande|Loiza=Loíza|Catano=Cataño|Canovanas=Canóvanas|"
    "Comerio=Comerío|Manati=Manatí|Rincon=Rincón|San German=San Germán|Juana Diaz=Juana Díaz|"
    "Anasco=Añasco|Penuelas=Peñuelas|Guanica=Guánica|San Sebastian=San Sebastián"))

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



def _langs(rnd, choice, first: list[str], p_es: float, asl: float, others: tuple[str, ...]) -> tuple[str, ...]:
    """~5% unknown (empty); else `first`, maybe Spanish, ASL and another language."""
    if rnd() < .05:
        return ()
    out = first + ["es"] * (rnd() < p_es and "es" not in first) + ["asl"] * (rnd() < asl)
    other = choice(others) if others and rnd() < .05 else None
    return tuple(out + ([other] if other is not None and other not in out else []))


def _lang_table(st: str, spanish: bool) -> tuple:
    others = () if st == "PR" else _OTHER_LANGS.get(st, ("vi", "zh", "ar", "ru"))
    if spanish:  # Spanish-first: a few Spanish-only
        return draw_table(f"langs-es-{st}",
                          lambda r, c: _langs(r, c, ["es"] if r() < .16 else ["es", "en"], 0, .1, others))
    return draw_table(f"langs-en-{st}", lambda r, c: _langs(r, c, ["en"], _P_ES_LANG.get(st, .08), .1, others))


_MEETING_LANGS = (draw_table("meeting-en", lambda r, c: _langs(r, c, ["en"], .02, .03, ())),
                  draw_table("meeting-es", lambda r, c: _langs(r, c, ["es"], 0, .03, ())))


@lru_cache(maxsize=1)
def _places() -> tuple[tuple[_Zip, ...], dict[tuple[str, str], tuple[_Zip, ...]]]:
    """(weighted ZIP table: one pick gives state and place, ZIPs of each featured city). Loads zipcodes once."""
    import zipcodes  # about 0.5 s

    by_state: dict[str, list[_Zip]] = {}
    langs: dict[str, tuple] = {}
    for z in zipcodes.list_all():
        st = z["state"]
        if z["zip_code_type"] != "STANDARD" or not z["active"] or not z["county"] or st not in STATES:
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
                             token if st == "PR" else z["county"].replace(" city", " City"), STATES[st],
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


# --- contacts and dates ------------------------------------------------------------------------
_DATES = tuple((date(2025, 4, 1) + timedelta(days=n)).isoformat() for n in range(365))  # last verified
_NUMBERS = (draw_table("numbers", lambda r, c: str(int(10 ** (r() * 3.7)) + 1), 1024),
            draw_table("numeros", lambda r, c: str(int(10 ** (r() * 3)) + 1), 1024))  # house numbers; Puerto Rico
_LINES = tuple(f"-555-01{n:02d}" for n in range(100))  # the fictional range
_SLUG = str.maketrans({"á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u", "ü": "u", "ñ": "n", " ": "-",
                       "&": "and", "'": None, ".": None, ",": None, "(": None, ")": None})


def _pick(rnd: Callable[[], float], seq: Sequence[T]) -> T:
    return seq[int(rnd() * len(seq))]


def _contacts(rnd: Callable[[], float], z: _Zip, t: ServiceType, name: str,
              meeting: bool) -> tuple[str, str, str, str, str]:
    """(phone, intake, hotline, website, e-mail): fictional phones only (NXX-555-0100..0199); reserved domains only."""
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
    return phone, intake, hotline, website, email


def _street(rnd: Callable[[], float], st: str, street_name: str, meeting: bool) -> str:
    """A house number on the street (a kilometre of a highway, in Puerto Rico), perhaps a suite."""
    if st == "PR":
        street = (f"Carr. {int(rnd() * 990) + 1} Km {int(rnd() * 40)}.{int(rnd() * 10)}" if rnd() < .15
                  else f"{_pick(rnd, _NUMBERS[1])} {street_name}")
    else:
        street = f"{_pick(rnd, _NUMBERS[0])} {street_name}"
    if not meeting and rnd() < .25:
        street += _pick(rnd, _SUITES)
    return street


def generate(count: int, seed: int = 2026) -> Iterator[ServiceRecord]:
    """`count` fictional local services (national lines not included), deterministic for `seed`."""
    table, city_zips = _places()
    rnd = random.Random(seed).random
    for i in range(count):
        # Where: records 0..8 visit the cities a demo must show; then the weighted state table.
        z = _pick(rnd, city_zips[_MUST[i]]) if i < len(_MUST) else table[int(rnd() * len(table))]
        st = z.state
        # What: the first len(NEED_ORDER) records cover every need once; then the weighted type table.
        forced = NEED_ORDER[i] if i < len(NEED_ORDER) else None
        t = _pick(rnd, [x for x in TYPES if forced in NEEDS_OF[x.key]]) if forced else _pick(rnd, TYPE_SLOTS)
        spanish = rnd() < z.p_es_name
        lang = 1 if spanish else 0
        meeting = t.kind == "support-group"

        names = t.es if spanish else t.en
        tpl, place, name_pops, name_needs, culture_lang = names[int(rnd() * len(names))]
        street_name = _pick(rnd, _CALLES if st == "PR" else _STREETS)
        name = tpl.format(city=z.name_city, county=z.name_county, state_name=z.state_name,
                          street=street_name) if place else tpl

        offers = OFFERS[t.key]
        offered, *descs = offers[int(rnd() * len(offers))]
        needs = list(offered)
        if forced or name_needs:
            needs = imply(list(dict.fromkeys([*needs, *name_needs, *([forced] if forced else [])])))
        drawn = POPS_OF[t.key]
        pops = list(drawn[int(rnd() * len(drawn))])
        if name_pops:
            pops = list(dict.fromkeys([*name_pops, *pops]))

        # Languages: ~5% unknown; Spanish-first services list es; a meeting has one language.
        table_langs = z.langs[2 * meeting + lang]
        langs = list(table_langs[int(rnd() * len(table_langs))])
        if culture_lang and langs and culture_lang not in langs:
            langs.append(culture_lang)

        # Description in the service's first language; hours in the same language.
        desc = descs[lang]
        if t.hours is HOURS["24"]:
            h = t.hours[0] if rnd() < .95 else None
        else:
            h = _pick(rnd, t.hours) if meeting or rnd() < .85 else None
        hours, hours_text = (dict(h[0]), h[2] if spanish else h[1]) if h else ({}, "")

        phone, intake, hotline, website, email = _contacts(rnd, z, t, name, meeting)
        street = _street(rnd, st, street_name, meeting)

        if meeting:
            org, site, payment = t.org[lang], "", ["free"]
        else:
            org = _pick(rnd, _ORGS[t.kind][lang]) if rnd() < .3 else name
            site = name if org != name else ""
            payment = list(_pick(rnd, t.pay))
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
            last_verified=_pick(rnd, _DATES) if rnd() < .6 else None,
            raw={"type": t.key, "zip": z.zip, "spanish_first": spanish})
