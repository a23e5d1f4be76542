"""Open Referral HSDS (1.1, 2.0/2.0.1, 3.0 CSV, 3.0 JSON) -> one record per service at a location.

`read(source)`: a datapackage folder, a .zip, a JSON/ndjson file, or an http(s) URL of any of
these (see importers.hsds_tables for the shapes). What each record holds:
- name: the service; organization: its organisation; site_name: the location's name when it adds
  something; address, position and phones from the location (phones of the service at that
  location first, then the service's, the location's, the organisation's);
- languages: language rows of the service, its location and its phones, normalised to codes
  (importers.languages); no rows means unknown, never "English";
- hours: schedules of the service at the location, else of the service, else of the location
  (importers.schedules); service areas as text plus search tokens (importers.areas);
- needs / populations / kind: AIRS taxonomy codes by prefix, term names and keywords otherwise
  (importers.taxonomy); 1.1 eligibility values; 1.1/2.0 payments accepted;
- last_verified: `assured_date`, else `last_modified` (3.0); never the import time;
- source_key: the service_at_location id, else "service_id@location_id", else "service:ID" for a
  service with no location (kept with its service area, without an address).
Row numbers are lines of the CSV a record's service comes from (JSON: the item's position).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError, is_url
from helpline_tui.core import concepts, settings
from importers import areas, bounded, languages, schedules, taxonomy
from importers.hsds_json import from_json, json_shape, parse_json_document
from importers.hsds_tables import ZIP_MAGIC, Package, load_descriptor_url, load_folder, load_zip
from importers.source_format import SourceFormat

if TYPE_CHECKING:
    from importers.detect import Sample
    from importers.http import Response

SOURCE = "hsds"
Row = dict[str, str]

_STATUS = {"active": "active", "inactive": "inactive", "defunct": "inactive",
           "temporarily closed": "temporarily-closed", "temporarily-closed": "temporarily-closed",
           "temporarily_closed": "temporarily-closed"}
# HSDS 1.1 eligibility enum -> population ids ("adult" and "family" say nothing more).
_ELIGIBILITY = {"child": "adolescents", "teen": "adolescents", "female": "women", "male": "men",
                "transgender": "lgbtq", "transgender - m to f": "lgbtq", "transgender - f to m": "lgbtq"}
_PAYMENTS = (
    ("medicaid", "medicaid"), ("medicare", "medicare"), ("sliding", "sliding-fee"),
    ("tricare", "military-insurance"), ("private insurance", "private-insurance"),
    ("insurance", "private-insurance"), ("self pay", "self-pay"), ("self-pay", "self-pay"),
    ("cash", "self-pay"), ("free", "free"), ("no fee", "free"), ("no charge", "free"),
)
_NO_PHONE_TYPES = {"fax", "pager", "textphone", "tty", "tdd", "video"}
_MARKERS = re.compile(r"\s*###[A-Z]{2,6}###")  # Miami's region tags inside descriptions
_OTHER_ENTITIES = {"organization", "program", "location", "service_at_location", "phone", "contact",
                   "address", "schedule", "language", "accessibility", "funding", "cost_option"}


# --------------------------------------------------------------------------------------------
# Entry points


def read(source: str) -> Iterator[ServiceRecord | SkippedRow]:
    yield from _read_loaded(*load(source))


def read_url(url: str, download: Response | None = None) -> Iterator[ServiceRecord | SkippedRow]:
    """An HSDS package, API or JSON at `url`; `download` is its body when `auto` fetched it."""
    yield from _read_loaded(*_load_url(url, download))


def _read_loaded(package: Package, skipped: Iterable[tuple[int, str]]) -> Iterator[ServiceRecord | SkippedRow]:
    for row, reason in skipped:
        yield SkippedRow(row=row, reason=reason)
    yield from records(package)


def load(source: str) -> tuple[Package, Iterable[tuple[int, str]]]:
    """The source as tables, plus items that were not HSDS objects (JSON lists)."""
    if is_url(source):
        return _load_url(source)
    path = Path(source)
    if path.is_dir():
        return load_folder(path), []
    if not path.is_file():
        raise SourceError(source, "no such file or folder")
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith(ZIP_MAGIC):
        return load_zip(path, str(path)), []
    if path.name.lower() == "datapackage.json":
        return load_folder(path.parent), []
    if path.suffix.lower() == ".csv":
        raise SourceError(source, "is one CSV file; an HSDS import needs the whole data package "
                                  "(the folder or zip with services.csv, locations.csv, ...)")
    return from_json(parse_json_document(bounded.read_file(path), str(path)), str(path), None)


def _load_url(url: str, fetched: Response | None = None) -> tuple[Package, Iterable[tuple[int, str]]]:
    from importers.http import Downloader, body_snippet

    with Downloader(fetched=(url, fetched) if fetched else None) as downloader:
        response = downloader.get(url)

        def fetch(u: str) -> bytes:
            _refuse_other_host(u, response.url)
            return downloader.get(u).content

        data = response.content
        if data.startswith(ZIP_MAGIC):
            return load_zip(data, url), []
        if data.lstrip()[:1] == b"<":
            raise SourceError(url, f"the server sent a web page or XML, not HSDS data: {body_snippet(data)!r}")
        doc = parse_json_document(data, url)
        if json_shape(doc) == "descriptor":
            return load_descriptor_url(doc, response.url, fetch), []
        return from_json(doc, url, (downloader, response.url))


def _refuse_other_host(resource_url: str, package_url: str) -> None:
    """A remote datapackage.json may name its tables on any host; they are fetched from the
    package's own host only, or from the hosts the admin lists in HELPLINE_HSDS_RESOURCE_HOSTS
    (comma-separated, "*" for any), so a package cannot point the import at other servers."""
    host = (urlsplit(resource_url).hostname or "").lower()
    if host == (urlsplit(package_url).hostname or "").lower():
        return
    allowed = settings.HSDS_RESOURCE_HOSTS.read()
    if host in allowed or "*" in allowed:
        return
    name = urlsplit(resource_url).path.rsplit("/", 1)[-1]
    raise SourceError(package_url, f"names its table {name} on another host, {host or 'none'}, which is not "
                                   f"fetched; to allow it, set {settings.HSDS_RESOURCE_HOSTS.name}={host}")


# --------------------------------------------------------------------------------------------
# Tables -> records


class _Index:
    """The package's link tables grouped by the ids records look them up with."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.organizations = _by(pkg.rows("organizations"), "id")
        self.locations = _by(pkg.rows("locations"), "id")
        self.addresses = _group(pkg.rows("addresses") or pkg.rows("physical_addresses"), "location_id")
        self.postal = _group(pkg.rows("postal_addresses"), "location_id")
        self.phones = {key: _group(pkg.rows("phones"), key) for key in
                       ("service_at_location_id", "service_id", "location_id", "organization_id")}
        self.languages = {key: _group(pkg.rows("languages"), key) for key in
                          ("service_at_location_id", "service_id", "location_id")}
        schedule_rows = pkg.rows("regular_schedules") + pkg.rows("schedules")
        self.schedules = {key: _group(schedule_rows, key) for key in
                          ("service_at_location_id", "service_id", "location_id")}
        self.areas = {key: _group(pkg.rows("service_areas"), key) for key in ("service_id", "service_at_location_id")}
        self.eligibility = _group(pkg.rows("eligibility"), "service_id")
        self.payments = _group(pkg.rows("payments_accepted"), "service_id")
        self.category_names: dict[str, list[str]] = defaultdict(list)  # service id -> every term's own name
        self.codes, self.term_texts = self._taxonomy()

    def _taxonomy(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """service id -> AIRS-style codes, and -> names of terms that are not AIRS codes."""
        codes: dict[str, list[str]] = defaultdict(list)
        texts: dict[str, list[str]] = defaultdict(list)
        names = self.category_names
        taxonomy_11 = _by(self.pkg.rows("taxonomy"), "id")
        terms = _by(self.pkg.rows("taxonomy_terms"), "id")

        def add(service_id: str, term_id: str, term: Row | None) -> None:
            code = (term or {}).get("code", "").strip() or term_id.strip()
            name = ((term or {}).get("name") or (term or {}).get("term") or "").strip()
            if name and name not in names[service_id]:
                names[service_id].append(name)
            if taxonomy.is_airs_code(code) or code.startswith("{"):
                codes[service_id].append(code)
            elif term:
                texts[service_id].append(term.get("name") or term.get("term") or "")
                codes[service_id].append(code)
        for _, row in self.pkg.rows("services_taxonomy"):
            add(row.get("service_id", ""), row.get("taxonomy_id", ""), taxonomy_11.get(row.get("taxonomy_id", "")))
        for _, row in self.pkg.rows("service_attributes"):
            term_id = row.get("taxonomy_term_id", "")
            add(row.get("service_id", ""), term_id, terms.get(term_id))
        for _, row in self.pkg.rows("attributes"):
            # 3.0 attributes link to any table; those naming another table are not the service's.
            if row.get("link_entity", "").strip().lower() not in _OTHER_ENTITIES:
                term_id = row.get("taxonomy_term_id", "")
                add(row.get("link_id", ""), term_id, terms.get(term_id))
        for _, row in self.pkg.rows("services"):
            for code in re.split(r"[,;]", row.get("taxonomy_ids", "")):  # 1.1 services.taxonomy_ids
                if code.strip() and code.strip() not in codes[row.get("id", "")]:
                    codes[row.get("id", "")].append(code.strip())
        return codes, texts


def _by(rows: list[tuple[int, Row]], key: str) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for _, row in rows:
        value = row.get(key, "").strip()
        if value and value not in out:
            out[value] = row
    return out


def _group(rows: list[tuple[int, Row]], key: str) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for _, row in rows:
        value = row.get(key, "").strip()
        if value:
            out[value].append(row)
    return out


def records(pkg: Package) -> Iterator[ServiceRecord | SkippedRow]:
    index = _Index(pkg)
    services: dict[str, tuple[int, Row]] = {}
    services_file = pkg.file("services")
    for row_number, service in pkg.rows("services"):
        sid = service.get("id", "").strip()
        if not sid:
            yield SkippedRow(row=row_number, field="id", reason=f"{services_file}: the service has no id")
        elif sid in services:
            yield SkippedRow(row=row_number, field="id",
                             reason=f"{services_file}: service id '{sid}' repeats row {services[sid][0]}")
        else:
            services[sid] = (row_number, service)
    located: set[str] = set()
    sal_file = pkg.file("service_at_location")
    for row_number, sal in pkg.rows("service_at_location"):
        sid = sal.get("service_id", "").strip()
        if sid not in services:
            yield SkippedRow(row=row_number, field="service_id",
                             reason=f"{sal_file}: service_id '{sid}' is not in {services_file}")
            continue
        located.add(sid)
        lid = sal.get("location_id", "").strip()
        yield _record(index, *services[sid], sal=sal, location=index.locations.get(lid), location_id=lid)
    for sid, (row_number, service) in services.items():
        if sid not in located:
            yield _record(index, row_number, service, sal=None, location=None, location_id="")


def _record(ix: _Index, row: int, service: Row, *, sal: Row | None, location: Row | None,
            location_id: str) -> ServiceRecord:
    sid = service["id"].strip()
    sal_id = (sal or {}).get("id", "").strip()
    org = ix.organizations.get(service.get("organization_id", "").strip()) or {}
    name = service.get("name", "").strip() or service.get("alternate_name", "").strip()
    address = _address(ix, location_id)
    state = areas.state_code(address.get("state_province"))
    phones = _phones(ix, sal_id, sid, location_id, org.get("id", ""))
    phone, hotline = _phone_numbers(phones)
    language_texts = _language_texts(ix, sal_id, sid, location_id, phones)
    hours = _hours(ix, sal_id, sid, location_id)
    area_texts, tokens = _service_areas(ix, sal_id, sid, state)
    text = service.get("description", "").strip() or (sal or {}).get("description", "")
    description = _MARKERS.sub("", text).replace("\\n", "\n").strip()
    cls = _classify(ix, sid, name, description)
    site_name = (location or {}).get("name", "").strip()
    if site_name in (name, org.get("name", "").strip()):
        site_name = ""
    lines = (address.get(k, "").strip() for k in ("address_1", "address_2", "address_3", "address_4"))
    return ServiceRecord(
        name=name,
        kind=taxonomy.kind_for(cls.needs, mutual_help=any(c.upper().startswith("PN") for c in cls.codes)),
        source=SOURCE,
        source_key=sal_id or (f"{sid}@{location_id}" if location_id else f"service:{sid}"),
        row=row,
        organization=org.get("name", ""),
        site_name=site_name,
        description=description,
        phone=phone,
        hotline_phone=hotline,
        website=service.get("url") or org.get("url") or org.get("website") or "",
        email=service.get("email") or org.get("email") or "",
        street=", ".join(line for line in lines if line),
        city=address.get("city", ""),
        state=state,
        # A Canadian or other postcode is not a ZIP code; without a state it is passed on as is.
        zip=address.get("postal_code", "") if state in areas.US_STATES or not state else "",
        county=address.get("region", ""),
        latitude=_float((location or {}).get("latitude")),
        longitude=_float((location or {}).get("longitude")),
        service_area="; ".join(area_texts),
        service_area_list=tokens,
        hours=hours.hours(),
        hours_text=hours.text(),
        status=_STATUS.get(service.get("status", "").strip().lower(), "active"),
        languages=languages.codes_from(language_texts),
        needs=cls.needs,
        populations=cls.populations,
        payment=_payment(ix, sid),
        source_codes=cls.codes,
        # An AIRS code says what it means; a category name is read only for terms without one.
        concepts=concepts.coded_by_source(airs_codes=cls.codes, category_names=ix.term_texts.get(sid, [])),
        category_names=ix.category_names.get(sid, []),
        unmapped_codes=cls.unmapped,
        last_verified=(service.get("assured_date") or service.get("last_modified") or "")[:10] or None,
        raw=_raw(ix.pkg, service, sal, location, address, language_texts, phones),
    )


def _phones(ix: _Index, sal_id: str, sid: str, location_id: str, org_id: str) -> list[Row]:
    """Phones of the service at the location first, then the service's, the location's, the
    organisation's. The same phone may hang off several of them (3.0 JSON): listed once."""
    phones: list[Row] = []
    seen: set[str] = set()
    for key, value in (("service_at_location_id", sal_id), ("service_id", sid),
                       ("location_id", location_id), ("organization_id", org_id)):
        for p in ix.phones[key].get(value, []) if value else []:
            ident = p.get("id") or f"{p.get('number')}|{p.get('extension')}"
            if ident not in seen:
                seen.add(ident)
                phones.append(p)
    return phones


def _phone_numbers(phones: list[Row]) -> tuple[str, str]:
    """(the number to call, a hotline if another number says it is one). Fax, pager and TTY
    numbers are not numbers to read out to a caller."""
    callable_phones = [p for p in phones if p.get("number", "").strip()
                       and p.get("type", "").strip().lower() not in _NO_PHONE_TYPES]
    if not callable_phones:
        return "", ""
    phone = _number(callable_phones[0])
    hotline = next((_number(p) for p in callable_phones[1:] if re.search(
        r"hotline|crisis|24", f"{p.get('type', '')} {p.get('description', '')}", re.I)), "")
    return phone, hotline if hotline != phone else ""


def _language_texts(ix: _Index, sal_id: str, sid: str, location_id: str, phones: list[Row]) -> list[str]:
    """Language rows of the service (at this location), of its location and of its phones."""
    rows = [*ix.languages["service_id"].get(sid, []),
            *(ix.languages["service_at_location_id"].get(sal_id, []) if sal_id else []),
            *(ix.languages["location_id"].get(location_id, []) if location_id else [])]
    texts = [lang.get("code") or lang.get("language") or lang.get("name") or "" for lang in rows
             # a location's row that names another service at the same place is not this one's
             if not lang.get("service_id") or lang["service_id"] == sid]
    texts += [p.get("language", "") for p in phones]
    return list(dict.fromkeys(t for t in texts if t.strip()))


def _hours(ix: _Index, sal_id: str, sid: str, location_id: str) -> schedules.HoursBuilder:
    """The most specific schedules that exist: of the service at the location, of the service,
    of the location. 1.1 weekday rows and 2.0/3.0 RRULE rows alike."""
    rows = (ix.schedules["service_at_location_id"].get(sal_id) if sal_id else None) or \
        ix.schedules["service_id"].get(sid) or \
        (ix.schedules["location_id"].get(location_id) if location_id else None) or []
    return schedules.from_rrule_rows(r for r in rows if not r.get("service_id") or r["service_id"] == sid)


def _service_areas(ix: _Index, sal_id: str, sid: str, state: str) -> tuple[list[str], list[str]]:
    rows = (ix.areas["service_at_location_id"].get(sal_id, []) if sal_id else []) + \
        ix.areas["service_id"].get(sid, [])
    texts: list[str] = []
    for a in rows:
        text = (a.get("service_area") or a.get("name") or a.get("description") or "").strip()
        if text and text not in texts:
            texts.append(text)
    tokens: list[str] = []
    for text in texts:
        tokens += [t for t in areas.area_tokens(text, state) if t not in tokens]
    return texts, tokens


def _classify(ix: _Index, sid: str, name: str, description: str) -> taxonomy.Classification:
    """Taxonomy codes and term names; keywords of the name always, of the description only when
    nothing else gave a need; 1.1 eligibility values as populations."""
    cls = taxonomy.classify_codes(ix.codes.get(sid, []), ix.term_texts.get(sid, []))
    cls.add(taxonomy.keyword_needs(name))
    if not cls.needs:
        cls.add(taxonomy.keyword_needs(description))
    for e in ix.eligibility.get(sid, []):
        pop = _ELIGIBILITY.get(e.get("eligibility", "").strip().lower())
        if pop:
            cls.add(populations=[pop])
    return cls


def _payment(ix: _Index, sid: str) -> list[str]:
    out: list[str] = []
    for p in ix.payments.get(sid, []):
        text = p.get("payment", "").lower()
        first = next((pid for word, pid in _PAYMENTS if word in text), None)  # "Medicaid HMO" once
        if first and first not in out:
            out.append(first)
    return out


def _address(ix: _Index, location_id: str) -> Row:
    """The location's physical address (3.0 `address_type`), else its postal one."""
    if not location_id:
        return {}
    rows = ix.addresses.get(location_id, [])
    physical = [a for a in rows if a.get("address_type", "physical").strip().lower() in ("", "physical")]
    return (physical or rows or ix.postal.get(location_id) or [{}])[0]


def _number(phone: Row) -> str:
    number = phone.get("number", "").strip().strip('"').strip()
    ext = phone.get("extension", "").strip()
    return f"{number} x{ext}" if ext and ext.isdigit() else number


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _raw(pkg: Package, service: Row, sal: Row | None, location: Row | None, address: Row,
         language_texts: list[str], phones: list[Row]) -> dict[str, Any]:
    """What the source said, for the detail view: non-empty fields, long texts not repeated."""
    def compact(row: Row | None, drop: tuple[str, ...] = ()) -> dict[str, str]:
        return {k: v for k, v in (row or {}).items() if v and v.strip() and k not in drop}
    out: dict[str, Any] = {"hsds_version": pkg.version, "service": compact(service, ("description",))}
    if sal:
        out["service_at_location"] = compact(sal)
    if location:
        out["location"] = compact(location, ("description",))
    if address:
        out["address"] = compact(address)
    if language_texts:
        out["languages"] = [t for t in language_texts if t]
    if phones:
        out["phones"] = [compact(p) for p in phones[:6]]
    return out


# --------------------------------------------------------------------------------------------
# Auto-detection


def sniff(sample: Sample) -> bool:
    """Cheap content check for `helpline import auto`: a folder or zip holding services.csv,
    a datapackage.json, or a JSON/ndjson file shaped like HSDS 3.0. URLs are not fetched: False."""
    path = sample.path
    if path is None:
        return False
    if path.is_dir():
        return any(p.name.lower() == "services.csv" for p in path.glob("*.csv")) or \
            any(p.name.lower() == "services.csv" for p in path.glob("*/*.csv"))
    if sample.head.startswith(ZIP_MAGIC):
        import zipfile
        try:
            with zipfile.ZipFile(path) as archive:
                return any(n.rsplit("/", 1)[-1].lower() == "services.csv" for n in archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return False
    return sniff_text(sample.head.decode("utf-8", "replace"))  # UTF-8 only: as the reader reads JSON


def sniff_text(text: str) -> bool:
    """The same check on the first 64 KB of a JSON source (for a detect.py Sample): a data
    package descriptor or tabular.json naming services.csv, or JSON holding HSDS services."""
    t = text.lstrip("\ufeff \t\r\n")
    if not t.startswith(("{", "[")):
        return False
    if '"services.csv"' in t or '"service_at_location.csv"' in t:
        return True
    service_keys = ('"service_at_locations"', '"interpretation_services"', '"application_process"',
                    '"assured_date"', '"eligibility_description"')
    if any(k in t for k in service_keys):
        return True
    # A Page of service_at_location objects, or of services in their short form.
    return '"contents"' in t and '"total_pages"' in t and ('"service"' in t or '"status"' in t)


FORMAT = SourceFormat(SOURCE, read=read, sniff=sniff, read_url=read_url)
