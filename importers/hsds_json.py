"""HSDS 3.0 JSON into the tables of the CSV form (importers.hsds_tables): one `service` object, a
`Page` of them (following further pages when the source is a URL), an array, ndjson,
service_at_location and organization objects, the `tabular.json` form, and the API root.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from helpline_tui.core import limits
from helpline_tui.core.records import SourceError
from importers import json_text
from importers.hsds_tables import TABLE_FILES, Package, Table, decode_text, repair_text

def parse_json_document(data: bytes, origin: str) -> Any:
    """A JSON document, or a list of the objects of an ndjson stream."""
    json_text.refuse_too_many_values(data, origin)  # before decoding: no second copy of a bomb
    text = decode_text(data, origin).strip()
    if not text:
        raise SourceError(origin, "is empty")
    try:
        return json_text.loads(text, origin)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data" or not text.startswith("{"):
            raise SourceError(origin, f"is not valid JSON ({exc.msg})", row=exc.lineno) from None
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json_text.loads(line, origin))
        except json.JSONDecodeError as exc:
            raise SourceError(origin, f"line {number} is not valid JSON ({exc.msg}); "
                                      "expected one object per line (ndjson)", row=number) from None
    return items


def json_shape(doc: Any) -> str:
    """'page', 'items', 'service', 'service_at_location', 'organization', 'tabular', 'root',
    'descriptor' or '' (not HSDS)."""
    if isinstance(doc, list):
        return "items" if all(isinstance(x, dict) for x in doc) else ""
    if not isinstance(doc, dict):
        return ""
    if isinstance(doc.get("contents"), list):
        return "page"
    if isinstance(doc.get("resources"), list):
        return "descriptor"
    if doc and all(str(k).endswith(".csv") for k in doc):
        return "tabular"
    if "openapi_url" in doc or ("version" in doc and "profile" in doc and "id" not in doc):
        return "root"
    return _item_kind(doc)


_LOCATION_KEYS = ("location_type", "latitude", "longitude", "addresses", "accessibility")
_ORGANIZATION_KEYS = ("website", "tax_status", "tax_id", "legal_status", "year_incorporated", "logo",
                      "parent_organization_id", "organization_identifiers")


def _item_kind(item: dict[str, Any]) -> str:
    """What one JSON object is. Locations and organisations also have id + name, so a service
    is what has neither's own fields."""
    if isinstance(item.get("service"), dict):
        return "service_at_location"
    if "name" not in item or "id" not in item:
        return ""
    if isinstance(item.get("services"), list) or any(k in item for k in _ORGANIZATION_KEYS):
        return "organization"
    if any(k in item for k in _LOCATION_KEYS):
        return "location"
    return "service"


def with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    query.append(("page", str(page)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return ""
    return repair_text(str(value))


class SkippedItems:
    """Top-level JSON items that are not HSDS objects, as (row, reason): the first
    limits.MAX_ROWS_LISTED with their reason, the rest as bare row numbers (8 bytes each, where a
    tuple took 90), since the import lists only the first ones anyway."""

    def __init__(self) -> None:
        self.listed: list[tuple[int, str]] = []
        self.unlisted = array("q")

    def add(self, row: int, reason: str) -> None:
        if len(self.listed) < limits.MAX_ROWS_LISTED:
            self.listed.append((row, reason))
        else:
            self.unlisted.append(row)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        yield from self.listed
        for row in self.unlisted:
            yield row, "is not an HSDS object"

    def __len__(self) -> int:
        return len(self.listed) + len(self.unlisted)


class JsonFlattener:
    """Nested HSDS 3.0 objects -> the CSV form's tables, each row keeping the number of the
    top-level item it came from (its position in the list, or its ndjson line)."""

    def __init__(self, origin: str) -> None:
        self.package = Package(origin=origin, version="3.0-json")
        self.skipped = SkippedItems()

    def _add(self, table: str, item: dict[str, Any], row: int, **links: str) -> dict[str, str]:
        values = {str(k).lower(): _text(v) for k, v in item.items()}
        for key, value in links.items():
            if value and not values.get(key):
                values[key] = value
        if table not in self.package.tables:
            self.package.tables[table] = Table(name=f"{table} objects", origin=self.package.origin)
        self.package.add_row(self.package.tables[table], (row, values))
        return values

    def add_tabular(self, doc: dict[str, Any]) -> None:
        by_file = {name: canonical for canonical, names in TABLE_FILES.items() for name in names}
        for name, rows in doc.items():
            canonical = by_file.get(str(name).lower())
            if not canonical or not isinstance(rows, list):
                continue
            table = Table(name=str(name), origin=f"{self.package.origin} ({name})")
            for number, row in enumerate(rows, start=1):
                if isinstance(row, dict):
                    self.package.add_row(table, (number, {str(k).lower(): _text(v) for k, v in row.items()}))
            self.package.tables[canonical] = table

    def add_items(self, items: Iterable[Any], first_row: int = 1) -> int:
        n = first_row - 1
        for n, item in enumerate(items, start=first_row):
            kind = _item_kind(item) if isinstance(item, dict) else ""
            if kind == "service":
                self.service(item, n)
            elif kind == "service_at_location":
                self.service_at_location(item, n)
            elif kind == "organization":
                self.organization(item, n)
            elif kind == "location":
                self.skipped.add(n, "is a location with no service; HSDS records are services")
            else:
                self.skipped.add(n, "is not an HSDS service, service_at_location or organization object")
        return n

    def organization(self, org: dict[str, Any], row: int) -> None:
        self._add("organizations", org, row)
        for service in org.get("services") or []:
            if isinstance(service, dict):
                self.service(service, row, organization_id=_text(org.get("id")))

    def service(self, s: dict[str, Any], row: int, organization_id: str = "") -> str:
        sid = _text(s.get("id"))
        org = s.get("organization") if isinstance(s.get("organization"), dict) else None
        if org:
            self._add("organizations", org, row)
            organization_id = organization_id or _text(org.get("id"))
        self._add("services", s, row, organization_id=organization_id)
        self._children(s, row, service_id=sid)
        for attribute in _dicts(s.get("attributes")):
            self._attribute(attribute, row, sid)
        for sal in _dicts(s.get("service_at_locations")):
            self._sal(sal, row, sid)
        return sid

    def service_at_location(self, sal: dict[str, Any], row: int) -> None:
        service = dict(sal["service"])
        service.pop("service_at_locations", None)  # the outer object is the link
        sid = self.service(service, row)
        self._sal(sal, row, sid)

    def _sal(self, sal: dict[str, Any], row: int, sid: str) -> None:
        location = sal.get("location") if isinstance(sal.get("location"), dict) else None
        lid = _text(location.get("id")) if location else _text(sal.get("location_id"))
        sal_id = _text(sal.get("id"))
        self._add("service_at_location", sal, row, service_id=sid, location_id=lid)
        for phone in _dicts(sal.get("phones")):
            self._phone(phone, row, service_at_location_id=sal_id)
        for schedule in _dicts(sal.get("schedules")):
            self._add("schedules", schedule, row, service_at_location_id=sal_id)
        for area in _dicts(sal.get("service_areas")):  # HSDS 3.1
            self._add("service_areas", area, row, service_at_location_id=sal_id)
        if location:
            self._add("locations", location, row)
            for address in _dicts(location.get("addresses")):
                self._add("addresses", address, row, location_id=lid)
            self._children(location, row, location_id=lid)

    def _children(self, parent: dict[str, Any], row: int, **link: str) -> None:
        for phone in _dicts(parent.get("phones")):
            self._phone(phone, row, **link)
        for schedule in _dicts(parent.get("schedules")):
            self._add("schedules", schedule, row, **link)
        for language in _dicts(parent.get("languages")):
            self._add("languages", language, row, **link)
        if "service_id" in link:
            for area in _dicts(parent.get("service_areas")):
                self._add("service_areas", area, row, **link)

    def _phone(self, phone: dict[str, Any], row: int, **link: str) -> None:
        values = self._add("phones", phone, row, **link)
        # Languages spoken on a phone line (3.0) count for the service it belongs to.
        for language in _dicts(phone.get("languages")):
            self._add("languages", language, row, phone_id=values.get("id", ""), **link)

    def _attribute(self, attribute: dict[str, Any], row: int, sid: str) -> None:
        term = attribute.get("taxonomy_term") if isinstance(attribute.get("taxonomy_term"), dict) else None
        term_id = _text(term.get("id")) if term else _text(attribute.get("taxonomy_term_id"))
        self._add("attributes", attribute, row, link_id=sid, link_entity="service", taxonomy_term_id=term_id)
        if term:
            self._add("taxonomy_terms", term, row)


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        yield from (v for v in value if isinstance(v, dict))
    elif isinstance(value, dict):
        yield value


def from_json(doc: Any, origin: str, web) -> tuple[Package, Iterable[tuple[int, str]]]:
    """Flatten any HSDS JSON shape; with `web` (downloader, url), follow pages and the API root."""
    shape = json_shape(doc)
    flat = JsonFlattener(origin)
    if shape == "tabular":
        flat.add_tabular(doc)
    elif shape == "root":
        if web is None:
            raise SourceError(origin, "is the HSDS API root (GET /); import its /services?full=true list instead")
        downloader, url = web
        services_url = url.rstrip("/") + "/services?full=true"
        first = parse_json_document(downloader.get(services_url).content, services_url)
        return from_json(first, services_url, (downloader, services_url))
    elif shape == "page":
        row = flat.add_items(doc["contents"])
        if web is not None:
            _follow_pages(flat, doc, row, *web)
    elif shape == "items":
        flat.add_items(doc)
    elif shape in ("service", "service_at_location", "organization", "location"):
        flat.add_items([doc])
    elif shape == "descriptor":
        raise SourceError(origin, "is a data package descriptor; import the folder or zip it belongs to")
    else:
        raise SourceError(origin, "is JSON but not HSDS: expected a service, a page of services "
                                  "({\"contents\": [...]}), a list, or ndjson")
    if "services" not in flat.package.tables:
        raise SourceError(origin, "holds no HSDS services")
    return flat.package, flat.skipped


def _follow_pages(flat: JsonFlattener, page: dict[str, Any], row: int, downloader, url: str) -> None:
    from importers.http import PageBounds

    number = _int(page.get("page_number")) or 1
    total = _int(page.get("total_pages")) or number
    bounds = PageBounds()
    bounds.declared(total, url)
    bounds.page(number, page["contents"], url)
    while number < total and page.get("last_page") is not True:
        number += 1
        next_url = with_page(url, number)
        downloader.status(f"page {number} of {total}")
        page = parse_json_document(downloader.get(next_url).content, next_url)
        if json_shape(page) != "page":
            raise SourceError(next_url, "is not a page of HSDS results ({\"contents\": [...]})")
        if not page["contents"]:
            break
        bounds.page(number, page["contents"], next_url)
        row = flat.add_items(page["contents"], first_row=row + 1)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
