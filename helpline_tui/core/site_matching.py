"""Finding the same site described by two sources, so the directory shows it once.

Candidates come from blocking, so the check stays cheap at 100k records: two records are compared
only when they share a normalised phone number in one town (ZIP or town name; not at two house
numbers: chains and agencies answer one number for many sites) or the same street address (house
number and street, with the ZIP or the town). Sharing a phone or a building is never enough on its
own (one building hosts many services; 211 call centres share one number): the folded names must
also be alike by rapidfuzz. Records of one source are never merged with each other: the source's
own ids say they are distinct.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, product

from rapidfuzz import fuzz

from helpline_tui.core.textnorm import fold

# Measured on Miami 211 (HSDS 1.1) against the National Directory 2022 and the Boston locator
# export: see tests/test_site_merging.py and the README's "One record per real site across sources".
NAME_THRESHOLD = 85.0

# Words that say what kind of place it is rather than which one: left out of the name comparison
# so "Inc" or "Center" cannot lift two different names over the threshold.
_NAME_NOISE = frozenset(
    "inc llc corp corporation co ltd pa pc the of and a an at for in de la el del los las y".split()
)
# Abbreviations SAMHSA's National Directory uses in its 35-character names ("Comm Health Ctrs").
_NAME_WORDS = {
    "ctr": "center", "ctrs": "centers", "cntr": "center", "comm": "community", "hosp": "hospital",
    "trt": "treatment", "fam": "family", "svcs": "services", "servs": "services", "svc": "service",
    "behav": "behavioral", "bh": "behavioral health", "mh": "mental health", "assoc": "association",
    "cmhc": "community mental health center", "hlth": "health", "med": "medical", "natl": "national",
    "prog": "program", "progs": "programs", "rehab": "rehabilitation", "st": "saint", "ft": "fort",
    "mt": "mount", "dept": "department", "univ": "university", "yng": "young", "couns": "counseling",
}
_STREET_WORDS = {
    "street": "st", "avenue": "ave", "av": "ave", "boulevard": "blvd", "road": "rd", "drive": "dr",
    "lane": "ln", "court": "ct", "place": "pl", "highway": "hwy", "parkway": "pkwy", "terrace": "ter",
    "circle": "cir", "square": "sq", "trail": "trl", "way": "way", "north": "n", "south": "s", "east": "e",
    "west": "w", "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}
# Suite, floor, building and the like: the same site is often given with and without them.
_UNIT = re.compile(r"\b(suite|ste|unit|apt|room|rm|floor|fl|flr|bldg|building|dept)\b.*$")
_SPLIT_DIRECTION = re.compile(r"\b([ns]) ([ew])\b")  # "N.W." folds to "n w"
_HOUSE_NUMBER = re.compile(r"^\d+[a-z]?\b")


@dataclass(frozen=True)
class Candidate:
    id: str
    source: str
    name: str
    kind: str
    site_name: str  # the site or programme under an organisation's name ("Womens Hope")
    town: str  # folded city, for the phone block
    zip5: str
    house: str  # house number, "" when unknown


@dataclass(frozen=True)
class Match:
    """Two records of different sources judged to be one site, and why."""

    a: Candidate
    b: Candidate
    why: str  # "phone", "street" or "phone+street"
    score: float


@lru_cache(maxsize=1 << 14)
def name_key(name: str) -> str:
    words = " ".join(_NAME_WORDS.get(t, t) for t in fold(name.replace("'", "").replace("’", "")).split())
    return " ".join(t for t in words.split() if t not in _NAME_NOISE)


def street_key(street: str) -> str:
    """'1541 SE Port Saint Lucie Boulevard, Suite F' -> '1541 se port saint lucie blvd'; '' when
    there is no house number (a PO box or a bare street name does not place a site)."""
    folded = _SPLIT_DIRECTION.sub(r"\1\2", _UNIT.sub("", fold(street.replace("#", " unit "))).strip())
    if not _HOUSE_NUMBER.match(folded) or folded.startswith("po box"):
        return ""
    return " ".join(_STREET_WORDS.get(t, t) for t in folded.split())


def phone_keys(phone_digits: str) -> set[str]:
    """Ten-digit US numbers from the space-separated digits column (country code and extension off)."""
    keys = set()
    for digits in (phone_digits or "").split():
        if len(digits) == 11 and digits[0] == "1":
            digits = digits[1:]
        if len(digits) >= 10:
            keys.add(digits[:10])
    return keys


def name_score(a: str, b: str) -> float:
    """How alike two name keys are, 0-100. token_set_ratio forgives word order and an extra word
    or two ("Summer House" / "Summer House Detox Center"), but scores a one-word name that is a
    subset of the other 100 ("Outpatient" / "Jackson Outpatient"), so one-word names only count at
    the plain ratio. The ratio without spaces catches "Health Care" / "Healthcare" and
    "C.O.R.P.S." / "CORPS"."""
    if not a or not b:
        return 0.0
    joined = fuzz.ratio(a.replace(" ", ""), b.replace(" ", ""))
    if min(a.count(" "), b.count(" ")) == 0:
        return max(fuzz.ratio(a, b), joined)
    return max(fuzz.token_set_ratio(a, b), joined)


def kinds_compatible(a: str, b: str) -> bool:
    """A meeting is never the same service as a facility, whatever the names say."""
    return a == b or "support-group" not in (a, b)


def _candidates(conn: sqlite3.Connection) -> Iterable[tuple[Candidate, set[str], set[str]]]:
    """Each record with its blocks: every phone number and the street address, each with the ZIP
    and with the town. A phone counts only within one town (chains and 211 answer one number for
    sites all over a county), so a record that names neither shares no block."""
    for rid, source, name, site_name, kind, city_fold, zip_, street, digits in conn.execute(
        "SELECT id, source, name, site_name, kind, city_fold, zip, street, phone_digits FROM services"
    ):
        street_k = street_key(street)
        cand = Candidate(rid, source, name, kind, site_name or "", city_fold or "", (zip_ or "")[:5],
                         street_k.split(" ", 1)[0] if street_k else "")
        places = [p for p in (cand.zip5, cand.town) if p]
        phone_blocks = {f"{phone}|{place}" for phone in phone_keys(digits) for place in places}
        street_blocks = {f"{street_k}|{place}" for place in places} if street_k else set()
        yield cand, phone_blocks, street_blocks


def _cross_source_pairs(members: list[Candidate]) -> Iterator[tuple[Candidate, Candidate]]:
    """Pairs of a block's records from different sources only: a 211 number shared by a thousand
    records of one source and one of another is a thousand pairs, not half a million."""
    by_source: dict[str, list[Candidate]] = defaultdict(list)
    for m in members:
        by_source[m.source].append(m)
    for s1, s2 in combinations(sorted(by_source), 2):
        yield from product(by_source[s1], by_source[s2])


def find_matches(conn: sqlite3.Connection, threshold: float = NAME_THRESHOLD) -> list[Match]:
    """Every pair of records of different sources that look like one site, best first."""
    if conn.execute("SELECT count(*) FROM (SELECT DISTINCT source FROM services LIMIT 2)").fetchone()[0] < 2:
        return []  # one source never merges with itself
    phone_blocks: dict[str, list[Candidate]] = defaultdict(list)
    street_blocks: dict[str, list[Candidate]] = defaultdict(list)
    for cand, phones, streets in _candidates(conn):
        for key in phones:
            phone_blocks[key].append(cand)
        for key in streets:
            street_blocks[key].append(cand)
    reasons: dict[tuple[str, str], set[str]] = defaultdict(set)
    pairs: dict[tuple[str, str], tuple[Candidate, Candidate]] = {}
    for why, blocks in (("phone", phone_blocks), ("street", street_blocks)):
        for members in blocks.values():
            if len(members) < 2:
                continue
            for a, b in _cross_source_pairs(members):
                if a.id == b.id or not kinds_compatible(a.kind, b.kind):
                    continue
                if why == "phone" and a.house and b.house and a.house != b.house:
                    continue  # one number, one town, two buildings: an agency's two sites
                ids = (a.id, b.id) if a.id < b.id else (b.id, a.id)
                reasons[ids].add(why)
                pairs[ids] = (a, b) if a.id < b.id else (b, a)
    ranked: list[tuple[tuple, Match]] = []
    for ids, (a, b) in pairs.items():
        # Names are compared only for pairs that share a block: few records in a directory.
        score = name_score(name_key(a.name), name_key(b.name))
        # One organisation's two programmes at one address (its men's and women's residences).
        site_a, site_b = name_key(a.site_name), name_key(b.site_name)
        if site_a and site_b and name_score(site_a, site_b) < threshold:
            continue
        if score >= threshold:
            why = "+".join(w for w in ("phone", "street") if w in reasons[ids])
            # Among pairs whose names score alike, the one whose site names agree too, then the one
            # sharing phone and street, is the better: the SA and MH workbooks both list an
            # organisation's site-named programme and its plain-named one at one address, and each
            # programme's twin must join it, not the other programme.
            sites_agree = 100.0 if site_a == site_b else name_score(site_a, site_b) if site_a and site_b else 0.0
            ranked.append(((-round(score, 1), -sites_agree, -len(reasons[ids]), a.id, b.id),
                           Match(a, b, why, round(score, 1))))
    ranked.sort(key=lambda pair: pair[0])
    return [match for _, match in ranked]


def group(matches: list[Match]) -> list[list[Match]]:
    """Pairs into sites, best pair first. A site never holds two records of one source, so a
    weaker pair that would join two records of one source is left out (and not reported)."""
    site_of: dict[str, int] = {}
    sites: list[tuple[dict[str, str], list[Match]]] = []  # (source -> record id, pairs accepted)
    for m in matches:
        sa, sb = site_of.get(m.a.id), site_of.get(m.b.id)
        if sa is not None and sa == sb:
            continue
        members_a, pairs_a = sites[sa] if sa is not None else ({m.a.source: m.a.id}, [])
        members_b, pairs_b = sites[sb] if sb is not None else ({m.b.source: m.b.id}, [])
        if set(members_a) & set(members_b):
            continue
        site = ({**members_a, **members_b}, [*pairs_a, *pairs_b, m])
        if sa is not None:
            target = sa
            sites[sa] = site
        else:
            sites.append(site)
            target = len(sites) - 1
        if sb is not None and sb != target:
            sites[sb] = ({}, [])
        for rid in site[0].values():
            site_of[rid] = target
    return [pairs for members, pairs in sites if len(members) > 1]
