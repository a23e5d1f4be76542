"""samhsa-json: a FindTreatment.gov locator API response saved to a file, or the API itself by URL.

Response shape (the locator API's listing): {page, totalPages, recordCount, rows: [...]}. Each row
has the facility fields as strings (latitude/longitude too), the facility type as `type_facility` or
`typeFacility` (the key drifted), and `services: [{f1: category name, f2: category code, f3: "label;
label"}]` with human-readable labels, not codes; we map labels back to codes through the code
table and keep labels it does not know as "label:<text>" in the record's unmapped codes.

By URL every page is fetched (`page=N`, up to `totalPages`, within importers.http.PageBounds). The API answers a malformed query with a
bare text string and HTTP 200, so the body must be JSON of the expected shape before we trust it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError, is_url
from importers import bounded, json_text, samhsa_codes
from importers.detect import Sample
from importers.samhsa_common import FACILITY_FIELDS, facility_record
from importers.source_format import SourceFormat

if TYPE_CHECKING:
    from importers.http import Response

SOURCE = "samhsa-json"
PAGE_SIZE = 2000  # the API's maximum; its default (30) would mean ~800 requests for the country


# The query parameters that choose which facilities an API URL lists (guide Appendix A); paging,
# sorting and anything else (a key) are left out of its name.
_SELECTING = ("sType", "sCodes", "stateCode", "limitType", "limitValue", "sAddr", "cut")


def feed_name(source: str) -> str | None:
    """An API URL's identity for its default source name: host, path and the parameters that choose
    the facilities ("findtreatment.gov/locator/exportsAsJson/v2?sType=SA&limitType=0&limitValue=5"),
    so that an SA and an MH query are two sources. None for a saved file."""
    if not is_url(source):
        return None
    from importers import url_feed_name

    chosen = sorted((k, v) for k, v in parse_qsl(urlsplit(source).query) if k in _SELECTING)
    return url_feed_name(source) + (f"?{urlencode(chosen)}" if chosen else "")


def read(source: str) -> Iterator[ServiceRecord | SkippedRow]:
    rows = _rows_from_url(source, None) if is_url(source) else _rows_from_file(Path(source))
    yield from _records(rows, source)


def read_url(url: str, download: Response | None = None) -> Iterator[ServiceRecord | SkippedRow]:
    """Every page of the API address. `download` (the address as `auto` fetched it) serves only
    an address that already asks for the first page as read here: pages are asked for with page
    parameters."""
    yield from _records(_rows_from_url(url, download), url)


def _records(rows: Iterator[Any], source: str) -> Iterator[ServiceRecord | SkippedRow]:
    number = 0
    for number, row in enumerate(rows, start=1):
        yield _record(row, number)
    if number == 0:
        raise SourceError(source, "holds no facility rows")


def _record(row: Any, number: int) -> ServiceRecord | SkippedRow:
    if not isinstance(row, dict):
        return SkippedRow(row=number, reason=f"is {type(row).__name__}, not a facility object")
    fields = {k: _text(row.get(k)) for k in FACILITY_FIELDS}
    fields["type_facility"] = fields["type_facility"] or _text(row.get("typeFacility"))
    codes, unknown, by_category = _services(row.get("services"))
    raw_extra: dict[str, Any] = {"services": by_category} if by_category else {}
    if row.get("frid"):
        raw_extra["frid"] = str(row["frid"])  # the 2019 key; not stable, so not our id
    return facility_record(fields, codes, row=number, source=SOURCE, raw_extra=raw_extra,
                           extra_unmapped=[f"label:{label}" for label in unknown])


def _text(value: Any) -> str:
    # The API mixes null and "" for missing values; numbers arrive as numbers now and then.
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value)


def _services(services: Any) -> tuple[list[str], list[str], dict[str, str]]:
    """(codes, labels with no code, {category code: labels}) from a row's `services` list."""
    if not isinstance(services, list):  # null on OTP/HRSA rows
        return [], [], {}
    table = samhsa_codes.table()
    codes: dict[str, None] = {}
    unknown: dict[str, None] = {}
    by_category: dict[str, str] = {}
    for item in services:
        if not isinstance(item, dict):
            continue
        category = _text(item.get("f2")).strip()
        labels = _text(item.get("f3"))
        if category:
            by_category[category] = labels
        for label in labels.split(";"):
            label = " ".join(label.split())
            if not label:
                continue
            code = table.code_for_label(label, category)
            if code:
                codes.setdefault(code, None)
            else:
                unknown.setdefault(label, None)
    return list(codes), list(unknown), by_category


# ------------------------------------------------------------------------------------------ files

def _rows_from_file(path: Path) -> Iterator[Any]:
    origin = str(path)
    if path.is_dir():
        raise SourceError(origin, "is a folder, not a saved JSON response")
    try:
        content = bounded.read_file(path)
    except OSError as exc:
        raise SourceError(origin, f"cannot be read ({exc.strerror or exc})") from None
    yield from _page_rows(_parse(content, origin), origin)


def _parse(content: bytes, origin: str) -> Any:
    if not content.strip():
        raise SourceError(origin, "is empty")
    json_text.refuse_too_many_values(content, origin)  # before decoding: no second copy of a bomb
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(origin, "is not UTF-8 text, so it is not a JSON API response") from None
    try:
        return json_text.loads(text, origin)
    except json.JSONDecodeError as exc:
        problem = exc
    if problem.pos <= len(text) - len(text.lstrip()):  # not JSON from the first character
        from importers.http import body_snippet  # httpx is imported only when something is fetched

        snippet = body_snippet(content)
        if snippet.lower().startswith(("<!doctype", "<html")):
            raise SourceError(origin, "is a web page, not a JSON API response")
        raise SourceError(origin, f"is not JSON; it says: {snippet!r}")
    if problem.pos >= len(text.rstrip()) or problem.msg.startswith("Unterminated string"):
        raise SourceError(origin, f"is JSON that stops part-way (after {len(text):,} characters); "
                                  "the download looks truncated")
    raise SourceError(origin, f"is not valid JSON ({problem.msg} at line {problem.lineno}, "
                              f"column {problem.colno})")


def _page_rows(data: Any, origin: str) -> list[Any]:
    """The facility rows of one response; an error answer or an unknown shape is a SourceError."""
    if isinstance(data, list):
        if data and all(isinstance(x, dict) and "rows" in x for x in data):  # several saved pages
            return [row for page in data for row in _page_rows(page, origin)]
        return data
    if isinstance(data, str):
        raise SourceError(origin, f"the API answered with a message instead of data: {data[:200]!r}")
    if not isinstance(data, dict):
        raise SourceError(origin, "is JSON but not a locator response (no 'rows')")
    rows = data.get("rows")
    if rows is None:
        message = next((data[k] for k in ("error", "message", "errorMessage", "detail") if data.get(k)), None)
        if message:
            raise SourceError(origin, f"the API answered with an error: {str(message)[:200]!r}")
        raise SourceError(origin, "is JSON but not a locator response (no 'rows')")
    if not isinstance(rows, list):
        raise SourceError(origin, "is a locator response whose 'rows' is not a list")
    return rows


# ------------------------------------------------------------------------------------------ URLs

def _page_url(url: str, page: int) -> str:
    import httpx

    u = httpx.URL(url)
    params = u.params.set("page", str(page))
    if "pageSize" not in params:
        params = params.set("pageSize", str(PAGE_SIZE))
    return str(u.copy_with(params=params))


def _rows_from_url(url: str, fetched: Response | None) -> Iterator[Any]:
    from importers.http import JSON_TYPES, Downloader, PageBounds

    with Downloader(fetched=(url, fetched) if fetched else None) as download:
        page, total = 1, 1
        bounds = PageBounds()
        while page <= total:
            page_url = _page_url(url, page)
            download.status(f"page {page} of {total if page > 1 else '?'}")
            response = download.get(page_url, expect=JSON_TYPES)
            data = _parse(response.content, page_url)
            rows = _page_rows(data, page_url)
            if page == 1 and isinstance(data, dict):
                total = _int(data.get("totalPages"), 1)
                bounds.declared(total, page_url)
            bounds.page(page, rows, page_url)
            yield from rows
            if not rows:
                break  # a page past the end: stop rather than walk an inflated totalPages
            page += 1


def _int(value: Any, default: int) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return default


_SAMHSA_HOSTS = ("findtreatment.gov", "findtreatment.samhsa.gov")


def sniff(sample: Sample) -> bool:
    """The locator API by its host, or a saved response: rows of facilities named by name1."""
    if sample.url:
        host = (urlsplit(sample.url).hostname or "").lower()
        return any(host == h or host.endswith("." + h) for h in _SAMHSA_HOSTS)
    text = sample.text
    if text.startswith("{"):
        return '"rows"' in text and ('"totalPages"' in text or '"name1"' in text)
    return text.startswith("[") and '"name1"' in text


FORMAT = SourceFormat(SOURCE, read=read, sniff=sniff, read_url=read_url, feed_name=feed_name)
