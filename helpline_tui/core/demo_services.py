"""What the demo directory's services are: the types (treatment programs, meetings, community
services) with their weights, names, needs and descriptions in English and Spanish, populations,
payment and hours. Every table is drawn once, from its own fixed seed, when the module is imported
(core/demo.py draws a record from them)."""

from __future__ import annotations

import random
import string
from typing import NamedTuple

from helpline_tui.core.records import WEEKDAYS

# --- hours -------------------------------------------------------------------------------------
ALL_WEEK = {d: [["00:00", "24:00"]] for d in WEEKDAYS}
TEXT_247 = ("24 hours, 7 days a week", "24 horas, 7 días a la semana")

_DAYS = {"mon": ("Mon", "lunes"), "tue": ("Tue", "martes"), "wed": ("Wed", "miércoles"), "thu": ("Thu", "jueves"),
         "fri": ("Fri", "viernes"), "sat": ("Sat", "sábado"), "sun": ("Sun", "domingo")}  # display order


def _clock(t: str, es: int) -> str:
    h = int(t[:2])
    return t if es else f"{(h - 1) % 12 + 1}:{t[3:]} {'AM' if h < 12 else 'PM'}"


def _hours_text(hours: dict[str, list[list[str]]], es: int) -> str:
    """'Mon–Fri 8:00 AM–5:00 PM; Sat 9:00 AM–1:00 PM' / 'lunes a viernes 08:00–17:00; sábado 09:00–13:00'."""
    if hours == ALL_WEEK:
        return TEXT_247[es]
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


HOURS = {key: tuple((h, _hours_text(h, 0), _hours_text(h, 1)) for h in map(_week, specs.split("|")))
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
HOURS["24"] = ((ALL_WEEK, *TEXT_247),)


# --- name parts --------------------------------------------------------------------------------
def alternatives(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split("|"))


_POOLS = {
    "sur": alternatives("Adams|Baker|Brennan|Carter|Coleman|Donovan|Ellis|Fischer|Gallagher|Hart|Hughes|Kaplan|"
                        "Keller|Lawson|Mitchell|Morgan|Nolan|O'Brien|Parker|Quinn|Rosen|Sullivan|Turner|Walsh|"
                        "Whitman|Young|Okafor|Nguyen|Chen|Washington|Rivera|Reyes|Castillo|García|Hernández|"
                        "Ortiz|Pérez|Ramírez|Rodríguez|Santiago|Torres|Colón"),
    "virtue": alternatives("Hope|Serenity|New Beginnings|Harbor|Lighthouse|Bridges|Pathways|Horizon|Cornerstone|"
                           "Second Chance|Open Door|Crossroads|Renewal|Gateway|Safe Haven|Clear Path|Turning Point|"
                           "Anchor|Keystone|Compass|Evergreen|Meridian|Summit|Northstar|New Dawn|Beacon|Bright Future"),
    "virtud": alternatives("Esperanza|Nueva Vida|Renacer|Camino Nuevo|Luz y Vida|Amanecer|Fe y Esperanza|"
                           "Puerta Abierta|Nuevo Horizonte|Paz Interior|Alborada|Sendero|Segunda Oportunidad|"
                           "Manantial|Raíces|El Faro|Renovación|Libertad|Un Nuevo Día|Serenidad|Vida Plena|"
                           "Nuevo Comienzo"),
    "saint": alternatives("St. Mary's|St. Joseph's|St. Vincent's|St. Luke's|St. Anne's|St. Francis|St. Jude|"
                          "Holy Cross|Good Samaritan|Mercy|Trinity|St. Elizabeth's|Our Lady of Mercy|St. Clare's|"
                          "Sacred Heart|St. Michael's"),
    "santo": alternatives("San José|Santa María|San Martín de Porres|Nuestra Señora de la Providencia|"
                          "San Juan Bautista|La Milagrosa|Sagrado Corazón|Santa Teresa|San Lucas|San Rafael|"
                          "Divina Misericordia|Santa Rosa de Lima"),
    "geo": alternatives("Riverside|Northside|Eastside|Westside|Lakeview|Hillcrest|Valley|Harbor Point|Downtown|"
                        "Midtown|Bayview|Southside|Greenwood|Oak Ridge|Maple Grove|Cedar Hill|Pine Hill|Fairview|"
                        "Parkside|Brookside|Highland|Meadowbrook|Crestwood|Willow Creek|Stonegate|Elmwood|Sunnyside"),
    "church": alternatives("St. Mary's Church|Grace Fellowship Church|New Life Church|First Baptist Church|"
                           "Trinity Lutheran Church|Calvary Chapel|Bethel AME Church|Cornerstone Church|"
                           "First Presbyterian Church|St. Paul's Episcopal Church|Hope Community Church"),
    "iglesia": alternatives("Iglesia Cristiana Vida Nueva|Iglesia Bautista Emanuel|Parroquia San José|"
                            "Iglesia Pentecostal Roca de Salvación|Iglesia Metodista El Buen Pastor"),
    "cultura": alternatives("Puertorriqueño|Dominicano|Latinoamericano|Mexicano|Hispano|Caribeño"),
}
_CULTURES = (("Haitian", "ht"), ("Chinese", "zh"), ("Vietnamese", "vi"), ("Arab American", "ar"),
             ("Russian-Speaking", "ru"), ("Latino", "es"), ("Dominican", "es"), ("Puerto Rican", "es"),
             ("Mexican American", "es"), ("Cape Verdean", "pt"), ("Korean", "ko"), ("African", ""))


def draw_table(seed: str, draw, n: int = 256) -> tuple:
    """n draws of a random choice, made once: one table pick per record instead of several draws."""
    rng = random.Random(seed)
    return tuple(draw(rng.random, rng.choice) for _ in range(n))

# --- service types -----------------------------------------------------------------------------


def _combos(items: tuple[tuple[str, float], ...], seed: str) -> tuple[tuple[str, ...], ...]:
    """Subsets of items, each item in with its probability."""
    return draw_table(seed, lambda r, c: tuple(x for x, p in items if r() < p))


def imply(needs: list[str]) -> list[str]:
    if "co-occurring" in needs:  # co-occurring care treats both
        needs += [n for n in ("substance-use-treatment", "mental-health") if n not in needs]
    if "mat" not in needs and any(n in needs for n in ("methadone", "buprenorphine", "naltrexone")):
        needs.append("mat")  # medication for addiction treatment
    return needs


def _offers(t: ServiceType) -> tuple[tuple[tuple[str, ...], str, str], ...]:
    """(needs, English description, Spanish description) for each draw of a type's extra needs."""
    out: list[tuple[tuple[str, ...], str, str]] = []
    for extras in _combos(t.extra_p, t.key):
        desc = list(t.desc)
        for lang, (es, tail) in enumerate(((False, " Also offers "), (True, " También ofrece "))):
            said = [_PHRASES[n][lang] for n in extras[:2]]
            if said:
                conj = (" e " if said[-1][:1] in "iI" or said[-1][:2] == "hi" else " y ") if es else " and "
                desc[lang] += tail + conj.join(said) + "."
        out.append((tuple(imply([*t.needs, *extras])), desc[0], desc[1]))
    return tuple(out)


def _pops(t: ServiceType) -> tuple[tuple[str, ...], ...]:
    def draw(rnd, choice):
        if not t.pops or rnd() < .5:
            return ()
        pops = [choice(t.pops) for _ in range(2 if rnd() < .25 else 1)]
        return tuple(dict.fromkeys(pops + ["women"] * ("pregnant" in pops)))
    return draw_table(f"pops-{t.key}", draw)


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


class ServiceType(NamedTuple):
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
    org: tuple[str, ...]  # fellowship (English, Spanish) for meetings; () for the others
    pay: tuple[tuple[str, ...], ...]


def _names(text: str, seed: str, per_template: int = 128) -> tuple[_Name, ...]:
    """Each template drawn `per_template` times with its name parts filled (surnames, virtues, saints...),
    so a record needs one pick and at most one format for the place."""
    rng, out = random.Random(seed), []
    for tpl in alternatives(text):
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


def _type(key, kind, weight, en, es, needs, extra, pops, hours, desc_en, desc_es, org=None) -> ServiceType:
    extra_p = tuple((x, float(p or .35)) for x, _, p in (e.partition(":") for e in extra.split()))
    return ServiceType(key, kind, weight, _names(en, f"{key}-en"), _names(es, f"{key}-es"), tuple(needs.split()),
                       extra_p, tuple(pops.split()), HOURS[hours], (desc_en, desc_es),
                       alternatives(org) if org else (),
                       _PAY["treatment" if kind == "treatment" and key != "harm" else "community"])


_POP = "young-adults women men seniors veterans military lgbtq criminal-justice"
TYPES = (
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
assert sum(t.weight for t in TYPES) == 100
TYPE_SLOTS = tuple(t for t in TYPES for _ in range(t.weight))
NEEDS_OF = {t.key: set(imply([*t.needs, *(x for x, _ in t.extra_p)])) for t in TYPES}
NEED_ORDER = tuple(dict.fromkeys(n for t in TYPES for n in sorted(NEEDS_OF[t.key])))  # first records: one each
_PHRASES = {n: alternatives(p) for n, p in (  # need -> English|Spanish phrase for "Also offers ..."
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


OFFERS = {t.key: _offers(t) for t in TYPES}
POPS_OF = {t.key: _pops(t) for t in TYPES}
