"""AIRS XML 3.0 / 3.1 (iCarol and other 211 software) -> one record per SiteService.

Agency -> organisation, Site (and AgencyLocation) -> the place, SiteService -> the record: a
service at a site, keyed "site key/service key" (one service can run at several sites). The
nearest level that says something wins: a SiteService's phones, hours, web address and
verification date, else its Site's, else its Agency's. Languages of the site and the service are
both kept; areas served become text plus search tokens; taxonomy codes map to needs
(importers.taxonomy). Descriptions arrive double-escaped (&amp;lt;b&amp;gt;); the pipeline's
cleaning unescapes twice and strips the tags.

Respecting the publisher: a SiteService with ExcludeFromDirectory="true" or
AvailableForDirectory="false" is skipped (with a reason); a confidential physical address (a
shelter's) keeps its city and state but not its street or position.

Row numbers in skip reasons and errors count SiteServices in document order (1 = the first).

Parsing streams (one top-level Agency at a time) with the standard library's expat parser, which
never fetches external entities; a document with a DOCTYPE is refused outright, since AIRS XML
needs none and entity declarations are how XML bombs work. No extra dependency is needed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError, is_url
from helpline_tui.core import concepts
from helpline_tui.errors import Signal
from importers import areas, languages, schedules, taxonomy
from importers.source_format import SourceFormat

if TYPE_CHECKING:
    from importers.detect import Sample
    from importers.http import Response

SOURCE = "airs-xml"
CHUNK = 1 << 16
_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_NO_CALL_TYPES = {"fax", "tty", "tdd", "pager"}
_INACTIVE = {"inactive", "defunct", "closed", "deleted"}


class _Refused(Signal):
    pass


def _local(name: str) -> str:
    """'{http://www.airs.org/schema/3_1/AIRS.xsd}Agency' -> 'Agency' (3.1 files use a namespace)."""
    return name.rsplit("}", 1)[-1]


class _Builder(ET.TreeBuilder):
    """Builds the tree without namespaces and hands over each top-level Agency when it closes."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.root: ET.Element | None = None
        self.finished: list[ET.Element] = []
        self.agencies = 0

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _Refused("has a DOCTYPE declaration, which AIRS XML never needs; it is refused "
                       "because entity declarations can make a parser read files or exhaust memory")

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(_local(tag), {_local(k): v for k, v in attrs.items()})
        self.depth += 1
        if self.depth == 1:
            if element.tag != "Source":
                raise _Refused(f"starts with <{element.tag}>, not <Source>: it is not AIRS XML")
            version = element.get("SchemaVersion", "")
            if version.startswith("4"):
                raise _Refused(f"is AIRS XML {version}, whose flat layout is not supported; "
                               "export AIRS XML 3.0 or 3.1")
            self.root = element
        return element

    def end(self, tag: str) -> ET.Element:
        element = super().end(_local(tag))
        self.depth -= 1
        if self.depth == 1 and element.tag == "Agency":
            self.finished.append(element)
        return element


def _chunks(source: str, fetched: Response | None = None) -> tuple[Iterable[bytes], str]:
    if is_url(source):
        from importers.http import Downloader

        with Downloader(fetched=(source, fetched) if fetched else None) as downloader:
            response = downloader.get(source, expect=("application/xml", "text/xml", "+xml",
                                                      "application/octet-stream", "text/plain"), what="AIRS XML")
        data = response.content
        return (data[i:i + CHUNK] for i in range(0, len(data), CHUNK)), response.url
    path = Path(source)
    if path.is_dir():
        raise SourceError(source, "is a folder; an AIRS XML export is one .xml file")

    def read_file() -> Iterator[bytes]:
        with open(path, "rb") as handle:
            yield from iter(lambda: handle.read(CHUNK), b"")
    return read_file(), str(path)


def read(source: str) -> Iterator[ServiceRecord | SkippedRow]:
    yield from _parsed(*_chunks(source))


def read_url(url: str, download: Response | None = None) -> Iterator[ServiceRecord | SkippedRow]:
    """The export at `url`; `download` is its body when `auto` fetched it."""
    yield from _parsed(*_chunks(url, download))


def _parsed(chunks: Iterable[bytes], origin: str) -> Iterator[ServiceRecord | SkippedRow]:
    builder = _Builder()
    parser = ET.XMLParser(target=builder)
    counter = [0]
    try:
        for chunk in chunks:
            parser.feed(chunk)
            yield from _drain(builder, counter)
        parser.close()
    except _Refused as exc:
        raise SourceError(origin, str(exc)) from None
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        message = str(exc).split(":")[0]
        raise SourceError(origin, f"is not well-formed XML ({message} at line {line}, column {column})",
                          row=line) from None
    finally:
        getattr(chunks, "close", lambda: None)()  # the file, when parsing stopped half-way
    yield from _drain(builder, counter)
    if builder.root is None:
        raise SourceError(origin, "is empty; expected an AIRS XML <Source> document")
    if builder.agencies == 0:
        raise SourceError(origin, "holds no <Agency> elements")


def _drain(builder: _Builder, counter: list[int]) -> Iterator[ServiceRecord | SkippedRow]:
    while builder.finished:
        agency = builder.finished.pop(0)
        builder.agencies += 1
        yield from _agency(agency, counter)
        if builder.root is not None:
            builder.root.remove(agency)  # done with it: keep memory flat on large exports


# --------------------------------------------------------------------------------------------
# Agency / Site / SiteService


def _text(element: ET.Element | None, path: str = "") -> str:
    if element is None:
        return ""
    found = element.find(path) if path else element
    return (found.text or "").strip() if found is not None else ""


def _texts(element: ET.Element | None, path: str) -> list[str]:
    if element is None:
        return []
    return [(e.text or "").strip() for e in element.findall(path) if (e.text or "").strip()]


def _agency(agency: ET.Element, counter: list[int]) -> Iterator[ServiceRecord | SkippedRow]:
    for site in [*agency.findall("AgencyLocation"), *agency.findall("Site")]:
        for service in site.findall("SiteService"):
            counter[0] += 1
            yield _service(agency, site, service, counter[0])
    for child in agency.findall("Agency"):  # child agencies nest
        yield from _agency(child, counter)


def _flag(element: ET.Element | None, name: str) -> bool | None:
    if element is None or element.get(name) is None:
        return None
    return element.get(name, "").strip().lower() in ("true", "1", "yes")


def _service(agency: ET.Element, site: ET.Element, service: ET.Element,
             row: int) -> ServiceRecord | SkippedRow:
    name = _text(service, "Name") or _text(site, "Name") or _text(agency, "Name")
    levels = (service, site, agency)
    info = next((e.find("ResourceInfo") for e in levels if e.find("ResourceInfo") is not None), None)
    for element in levels:
        if _flag(element, "ExcludeFromDirectory"):
            return SkippedRow(row=row, field="ExcludeFromDirectory",
                              reason=f"'{name}': the source excludes it from directories")
    if _flag(info, "AvailableForDirectory") is False:
        return SkippedRow(row=row, field="AvailableForDirectory",
                          reason=f"'{name}': the source marks it not available for directories")

    address = site.find("PhysicalAddress")
    confidential = _flag(address, "Confidential") is True or site.find("NoPhysicalAddress") is not None
    state = areas.state_code(_text(address, "State"))
    lat = lon = None
    spatial = site.find("SpatialLocation")
    if spatial is not None and not confidential:
        lat, lon = _float(_text(spatial, "Latitude")), _float(_text(spatial, "Longitude"))

    phone, hotline, phones_raw = _phones(levels)
    builder = _hours(service, site)

    language_names = [*_texts(service, "Languages/Name"), *_texts(site, "Languages/Name")]
    codes = [c for t in service.findall("Taxonomy") for c in _texts(t, "Code")]
    cls = taxonomy.classify_codes(codes)
    description = (_text(service, "Description") or _text(site, "SiteDescription")
                   or _text(agency, "AgencyDescription"))
    cls.add(taxonomy.keyword_needs(name))
    if not cls.needs:
        cls.add(taxonomy.keyword_needs(description))
    area_text, tokens = _areas(service.findall("GeographicAreaServed"))
    # iCarol's local codes name their category ({what:'EMPLOYMENT SEARCH ASSISTANCE'}).
    categories = [w for c in codes for w in taxonomy.parse_pseudo_code(c).get("what", [])]

    status_text = next((e.get("Status", "") for e in levels if e.get("Status")), "").strip().lower()
    status = "inactive" if status_text in _INACTIVE else \
        "temporarily-closed" if "temporar" in status_text else "active"
    street = "" if confidential else ", ".join(x for x in (_text(address, "Line1"), _text(address, "Line2")) if x)
    site_key, service_key = _text(site, "Key"), _text(service, "Key")
    return ServiceRecord(
        name=name,
        kind=taxonomy.kind_for(cls.needs, mutual_help=any(c.startswith("PN") for c in cls.codes)),
        source=SOURCE,
        source_key=f"{site_key}/{service_key}" if service_key else None,
        row=row,
        organization=_text(agency, "Name"),
        site_name=_site_name(site, name, agency),
        description=description,
        phone=phone,
        hotline_phone=hotline if hotline != phone else "",
        website=next((u for e in levels for u in _texts(e, "URL/Address")), ""),
        email=next((u for e in levels for u in _texts(e, "Email/Address")), ""),
        street=street,
        city=_text(address, "City"),
        state=state,
        zip=_text(address, "ZipCode") if state in areas.US_STATES else "",
        county=_text(address, "County"),
        latitude=lat,
        longitude=lon,
        service_area=area_text,
        service_area_list=tokens,
        hours=builder.hours(),
        hours_text=builder.text(),
        status=status,
        languages=languages.codes_from(language_names),
        needs=cls.needs,
        populations=cls.populations,
        source_codes=cls.codes,
        concepts=concepts.coded_by_source(airs_codes=cls.codes, category_names=categories),
        category_names=categories,
        unmapped_codes=cls.unmapped,
        last_verified=(info.get("DateLastVerified") or None) if info is not None else None,
        raw=_raw(agency, site, service, info, phones_raw, language_names, confidential),
    )


def _hours(service: ET.Element, site: ET.Element) -> schedules.HoursBuilder:
    """The service's TimeOpen blocks, else the site's (iCarol writes empty <TimeOpen /> placeholders),
    with their notes and the service's seasonal periods as text."""
    builder = schedules.HoursBuilder()
    for element in (service, site):
        blocks = element.findall("TimeOpen")
        if any(len(b) for b in blocks):
            for block in blocks:
                schedules.from_day_blocks(_day_blocks(block), builder)
                builder.note(_text(block, "Notes"))
            break
    for seasonal in service.findall("Seasonal"):
        when = " to ".join(x for x in (_text(seasonal, "StartDate"), _text(seasonal, "EndDate")) if x)
        what = _text(seasonal, "Description")
        if what or when:
            builder.note(f"Seasonal: {what}{' (' + when + ')' if when else ''}".replace(": (", ": "))
    return builder


def _site_name(site: ET.Element, name: str, agency: ET.Element) -> str:
    site_name = _text(site, "Name")
    return "" if site_name in (name, _text(agency, "Name")) else site_name


def _phones(levels: tuple[ET.Element, ...]) -> tuple[str, str, list[dict[str, str]]]:
    """The first callable number, the level's hotline if any, and every numbered phone. iCarol
    writes empty placeholder phones (<PhoneNumber /> typed 'After Hours', 'Hotline'): ignored."""
    phone = hotline = ""
    raw: list[dict[str, str]] = []
    for element in levels:
        for p in element.findall("Phone"):
            number = _text(p, "PhoneNumber")
            kind = _text(p, "Type")
            if not number:
                continue
            ext = _text(p, "Extension")
            full = f"{number} x{ext}" if ext.isdigit() else number
            raw.append({k: v for k, v in (("number", full), ("type", kind),
                                          ("description", _text(p, "Description"))) if v})
            if kind.lower() in _NO_CALL_TYPES:
                continue
            if not hotline and any(w in f"{kind} {_text(p, 'Description')}".lower() for w in ("hotline", "crisis")):
                hotline = full
            elif not phone:
                phone = full
        if phone:
            break  # a more specific level's numbers win
    return phone or hotline, hotline, raw


def _day_blocks(block: ET.Element) -> Iterator[tuple[str, str, str]]:
    for day in block:
        if day.tag in _DAYS:
            yield day.tag, _text(day, "From"), _text(day, "To")


def _areas(served: list[ET.Element]) -> tuple[str, list[str]]:
    """'Langley, BC, Canada' style text, and tokens only for what is unambiguous: ZIP codes,
    counties with their state, a whole state or the whole US when nothing narrower is given."""
    texts: list[str] = []
    tokens: list[str] = []

    def add(token: str) -> None:
        if token not in tokens:
            tokens.append(token)
    for area in served:
        zips, cities = _texts(area, "ZipCode"), _texts(area, "City")
        counties, states = _texts(area, "County"), _texts(area, "State")
        countries, description = _texts(area, "Country"), _text(area, "Description")
        codes = [areas.state_code(s) for s in states]
        text = ", ".join([*cities, *(f"{c} County" if "county" not in c.lower() else c for c in counties),
                          *states, *countries, *zips])
        texts += [t for t in (text, description) if t and t not in texts]
        for z in zips:
            if z[:5].isdigit():
                add(f"zip:{z[:5]}")
        for county in counties:
            for code in codes[:1] if len(codes) == 1 else []:
                add(f"county:{code}:{county.removesuffix(' County')}")
        if not (zips or cities or counties):
            for code in codes:
                if code:
                    add(code)
            if not states and any(areas.fold_country(c) == "US" for c in countries):
                add("US")
    return "; ".join(texts), tokens


def _float(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _raw(agency: ET.Element, site: ET.Element, service: ET.Element, info: ET.Element | None,
         phones: list[dict[str, str]], language_names: list[str], confidential: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "agency": {"key": _text(agency, "Key"), "name": _text(agency, "Name")},
        "site": {"key": _text(site, "Key"), "name": _text(site, "Name")},
        "service": {"key": _text(service, "Key"), "name": _text(service, "Name")},
        "aka": _texts(service, "AKA/Name") or _texts(agency, "AKA/Name"),
        "phones": phones,
        "languages": language_names,
        "resource_info": dict(info.attrib) if info is not None else {},
        "fee_structure": _text(service, "FeeStructure"),
        "eligibility": _texts(service, "GeneralEligibility") + _texts(service, "OtherRequirements"),
        "application_process": _texts(service, "ApplicationProcess/Description"),
    }
    if confidential:
        out["address_confidential"] = True
    return {k: v for k, v in out.items() if v not in ("", [], {}, None)}


# --------------------------------------------------------------------------------------------
# Auto-detection


def sniff(sample: Sample) -> bool:
    """A local file that starts as XML with a <Source> root holding Agency elements, or declaring
    an AIRS schema. URLs are not fetched: False."""
    return sample.url is None and sniff_text(sample.text)


def sniff_text(text: str) -> bool:
    t = text.lstrip("\ufeff \t\r\n")
    if not t.startswith("<"):
        return False
    return "<Source" in t and ("<Agency" in t or "AIRS" in t or "SchemaVersion=" in t)


FORMAT = SourceFormat(SOURCE, read=read, sniff=sniff, read_url=read_url)
