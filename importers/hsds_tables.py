"""Loading an Open Referral HSDS source into plain tables, whatever its shape.

Every shape becomes a `Package`: a dict of table name -> rows, each row a dict of lower-cased
column -> text with the row number it came from, so one mapper (importers.hsds) serves all versions:
- a tabular data package (HSDS 1.1, 2.0/2.0.1 or 3.0): a folder, a .zip, or a URL of a zip or of a
  `datapackage.json` whose CSV resources are fetched next to it;
- HSDS 3.0 JSON: one `service` object (`/services/{id}`), a `Page` of them (`{"contents": [...]}`,
  following further pages when the source is a URL), an array, ndjson (`format=ndjson`),
  service_at_location and organization objects, the `tabular.json` form, and the API root
  (`GET /` -> the `/services?full=true` list).
Nested JSON is flattened into the same tables the CSV form has (services, service_at_location,
locations, addresses, phones, schedules, languages, service_areas, attributes, taxonomy_terms), by
importers.hsds_json.

Table files are found by name anywhere in the package (Miami's descriptor lists paths without the
`data/` folder its CSVs sit in, and 9 of its 22 declared files are absent), so only `services.csv`
is required; a declared but absent optional table is simply empty.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from helpline_tui.core import limits
from helpline_tui.core.limits import allow_long_csv_cells
from helpline_tui.core.records import SourceError
from importers import bounded, csv_text, json_text

# Tables the mapper reads, by every name the versions give them -> one canonical name.
TABLE_FILES: dict[str, tuple[str, ...]] = {
    "services": ("services.csv",),
    "service_at_location": ("service_at_location.csv", "services_at_location.csv"),
    "locations": ("locations.csv",),
    "organizations": ("organizations.csv",),
    "addresses": ("addresses.csv",),  # 3.0
    "physical_addresses": ("physical_addresses.csv",),  # 1.1 / 2.0
    "postal_addresses": ("postal_addresses.csv",),
    "phones": ("phones.csv",),
    "languages": ("languages.csv",),
    "regular_schedules": ("regular_schedules.csv",),  # 1.1
    "schedules": ("schedules.csv",),  # 2.0 / 3.0
    "service_areas": ("service_areas.csv",),
    "services_taxonomy": ("services_taxonomy.csv", "service_taxonomy.csv"),  # 1.1
    "taxonomy": ("taxonomy.csv",),  # 1.1
    "service_attributes": ("service_attributes.csv",),  # 2.0
    "attributes": ("attributes.csv",),  # 3.0
    "taxonomy_terms": ("taxonomy_terms.csv",),  # 2.0 / 3.0
    "eligibility": ("eligibility.csv",),
    "payments_accepted": ("payments_accepted.csv",),
}
REQUIRED_COLUMNS = {"services": ("id", "name"), "service_at_location": ("service_id",), "locations": ("id",)}
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    name: str  # the file as the user knows it: "services.csv"
    origin: str  # where it was read, for messages: a path, "pkg.zip/data/services.csv" or a URL
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


@dataclass
class Package:
    origin: str
    version: str  # "1.1", "2.0", "3.0" or "3.0-json"
    tables: dict[str, Table] = field(default_factory=dict)
    rows_held: int = 0  # in every table: bounded by limits.MAX_HSDS_ROWS

    def add_row(self, table: Table, row: tuple[int, dict[str, str]]) -> None:
        self.rows_held += 1
        if self.rows_held > limits.MAX_HSDS_ROWS:
            raise SourceError(table.origin, f"brings the package past {limits.MAX_HSDS_ROWS:,} rows, the limit "
                                            "of rows held at once for one HSDS import (MAX_HSDS_ROWS)", row=row[0])
        table.rows.append(row)

    def rows(self, name: str) -> list[tuple[int, dict[str, str]]]:
        table = self.tables.get(name)
        return table.rows if table else []

    def file(self, name: str) -> str:
        table = self.tables.get(name)
        return table.name if table else TABLE_FILES.get(name, (name,))[0]


# --------------------------------------------------------------------------------------------
# Text

# Miami's CSVs hold UTF-8 punctuation read once as code page 437 and saved again ("GÇÖ" for "'"):
# the three bytes E2 80 xx of "'", "–", "“" ... are recoverable from the last character.
_MOJIBAKE = re.compile("GÇ([\u0080-\u00ff£¥ª])")


def _unmangle(match: re.Match[str]) -> str:
    try:
        return (b"\xe2\x80" + match.group(1).encode("cp437")).decode("utf-8")
    except (UnicodeError, ValueError):
        return match.group(0)


def repair_text(value: str) -> str:
    return _MOJIBAKE.sub(_unmangle, value) if "GÇ" in value else value


def decode_text(data: bytes, origin: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, as Excel writes, or UTF-16 with its
    byte-order mark (Excel's "Unicode text"); binary is refused."""
    if csv_text.is_utf16(data):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SourceError(origin, "is not valid UTF-16 text, though it begins like it") from None
    if b"\x00" in data[:65536]:
        raise SourceError(origin, "is binary data, not a CSV text file")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def parse_csv(data: bytes, name: str, origin: str, canonical: str, package: Package) -> Table:
    allow_long_csv_cells()
    text = decode_text(data, origin)
    table = Table(name=name, origin=origin)
    # strict: an unterminated quote is an error, not a field that swallows the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True,
                        delimiter=csv_text.delimiter(text[: text.find("\n") if "\n" in text else 65536]))
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise SourceError(origin, "is empty; expected a header row")
        columns = [h.strip().lower().lstrip("\ufeff") for h in header]
        for column in REQUIRED_COLUMNS.get(canonical, ()):
            if column not in columns:
                raise SourceError(origin, f"the column is missing (the header has {', '.join(columns[:12])})",
                                  field=column)
        while True:
            start = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                break
            if not any(c.strip() for c in cells):
                continue
            row = {col: repair_text(cells[i]) if i < len(cells) else "" for i, col in enumerate(columns)}
            package.add_row(table, (start, row))
    except csv.Error as exc:
        raise SourceError(origin, f"is not a well-formed CSV file ({exc})", row=reader.line_num) from None
    return table


# --------------------------------------------------------------------------------------------
# Tabular packages: folder, zip, URL

def _detect_version(names: Iterable[str], descriptor: dict[str, Any] | None) -> str:
    """File names first, the descriptor second (a descriptor may be a copied template)."""
    names = {n.lower() for n in names}
    if {"service_at_location.csv", "addresses.csv", "attributes.csv"} & names:
        return "3.0"
    if {"service_attributes.csv", "other_attributes.csv", "taxonomy_terms.csv"} & names or (
            "schedules.csv" in names and "regular_schedules.csv" not in names):
        return "2.0"
    if {"regular_schedules.csv", "services_taxonomy.csv", "taxonomy.csv", "physical_addresses.csv"} & names:
        return "1.1"
    if descriptor:
        text = f"{descriptor.get('version', '')} {descriptor.get('title', '')}"
        for version in ("3.0", "2.0", "1.1"):
            if version in text:
                return version
    return "1.1"


def _parse_descriptor(data: bytes, origin: str) -> dict[str, Any]:
    try:
        descriptor = json_text.loads(decode_text(data, origin), origin)
    except json.JSONDecodeError as exc:
        raise SourceError(origin, f"is not valid JSON ({exc.msg})", row=exc.lineno) from None
    if not isinstance(descriptor, dict):
        raise SourceError(origin, "is not a data package descriptor (expected a JSON object)")
    return descriptor


def _declared_paths(descriptor: dict[str, Any] | None) -> list[str]:
    out = []
    for resource in (descriptor or {}).get("resources") or []:
        if isinstance(resource, dict) and isinstance(resource.get("path"), str):
            out.append(resource["path"])
    return out


def _pick(candidates: dict[str, list[str]], wanted: str, declared: list[str]) -> str | None:
    """The member/path for a file name: a declared path wins, else the shallowest."""
    found = candidates.get(wanted.lower()) or []
    if not found:
        return None
    for path in declared:
        for f in found:
            if f.endswith(path.lstrip("./")):
                return f
    return min(found, key=lambda p: (p.count("/"), p))


def _need_services(origin: str, names: Iterable[str]) -> None:
    names = sorted(set(names))
    more = "…" if len(names) > 8 else ""
    listing = f" (it holds {', '.join(names[:8])}{more})" if names else " (it holds no CSV files)"
    raise SourceError(origin, f"has no services.csv, so it is not an HSDS data package{listing}")


def load_folder(path: Path) -> Package:
    candidates = _folder_candidates(path)
    return _assemble(str(path), candidates, lambda rel: bounded.read_file(folder_file(path, rel)),
                     lambda rel: str(path / rel))


def _folder_candidates(path: Path) -> dict[str, list[str]]:
    candidates: dict[str, list[str]] = {}
    for child in sorted(path.rglob("*")):
        rel = child.relative_to(path).as_posix()
        if child.is_file() and rel.count("/") <= 3 and not rel.startswith(("__MACOSX", ".")):
            candidates.setdefault(child.name.lower(), []).append(rel)
    return candidates


def folder_file(folder: Path, rel: str) -> Path:
    """A file of the package folder, refused when it is a link leading out of the folder (a
    services.csv linked to /etc/passwd would be read, and quoted in an error)."""
    path = folder / rel
    if not path.resolve().is_relative_to(folder.resolve()):
        raise SourceError(str(path), "is a symbolic link to a file outside the folder; an HSDS package's "
                                     "files must be inside it (copy the file in instead)")
    return path


def used_files(folder: Path) -> list[Path]:
    """The files an import of the folder reads (the descriptor and the tables it maps), in a
    fixed order: what its checksum covers, so that a large unrelated file is not read."""
    candidates = _folder_candidates(folder)
    desc_rel = _pick(candidates, "datapackage.json", [])
    descriptor = _parse_descriptor(bounded.read_file(folder_file(folder, desc_rel)), str(folder / desc_rel)) \
        if desc_rel else None
    rels = [rel for _, _, rel in _tables_to_read(candidates, _declared_paths(descriptor))]
    return [folder_file(folder, rel) for rel in ([desc_rel] if desc_rel else []) + rels]


def _tables_to_read(candidates: dict[str, list[str]], declared: list[str]) -> Iterator[tuple[str, str, str]]:
    """(canonical table, file name, member or path) of each table the package has."""
    for canonical, files in TABLE_FILES.items():
        for name in files:
            rel = _pick(candidates, name, declared)
            if rel:
                yield canonical, name, rel
                break


def _assemble(origin: str, candidates: dict[str, list[str]], read: Callable[[str], bytes],
              where: Callable[[str], str]) -> Package:
    """A package from its files, wherever they live (folder or zip): descriptor, version, tables."""
    descriptor = None
    desc_rel = _pick(candidates, "datapackage.json", [])
    if desc_rel:
        descriptor = _parse_descriptor(read(desc_rel), where(desc_rel))
    csv_names = [n for n in candidates if n.endswith(".csv")]
    if not candidates.get("services.csv"):
        _need_services(origin, csv_names)
    package = Package(origin=origin, version=_detect_version(csv_names, descriptor))
    for canonical, name, rel in _tables_to_read(candidates, _declared_paths(descriptor)):
        package.tables[canonical] = parse_csv(read(rel), name, where(rel), canonical, package)
    return package


def load_zip(data_or_path: bytes | Path, origin: str) -> Package:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data_or_path) if isinstance(data_or_path, bytes) else data_or_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(origin, f"is not a readable zip file ({exc})") from None
    with archive:
        candidates: dict[str, list[str]] = {}
        infos = {}
        for info in archive.infolist():
            name = info.filename
            if info.is_dir() or name.startswith("__MACOSX") or "/." in f"/{name}":
                continue
            base = name.rsplit("/", 1)[-1].lower()
            candidates.setdefault(base, []).append(name)
            infos[name] = info
        return _assemble(origin, candidates, lambda member: _member(archive, infos[member], origin),
                         lambda member: f"{origin}/{member}")


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, origin: str) -> bytes:
    """One member's bytes. Its declared size and ratio are checked before it is inflated, and
    the bytes are counted as they come (zipfile stops at the declared size, and a member that
    lies about it fails its CRC check), so a zip bomb is refused, not inflated."""
    where = f"{origin}/{info.filename}"
    if info.file_size > limits.MAX_FILE_BYTES:
        raise bounded.too_big(where, info.file_size)
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > limits.ZIP_RATIO_FREE_BYTES and ratio > limits.MAX_ZIP_RATIO:
        raise SourceError(where, f"inflates {ratio:,.0f} times ({info.compress_size:,} bytes to {info.file_size:,}), "
                                 f"over the limit of {limits.MAX_ZIP_RATIO} times for a zip member (MAX_ZIP_RATIO); "
                                 "it looks like a zip bomb")
    try:
        with archive.open(info) as member:
            return bounded.read_stream(member, where)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        raise SourceError(where, f"cannot be read from the zip file ({exc})") from None


def load_descriptor_url(descriptor: dict[str, Any], url: str, fetch) -> Package:
    """A datapackage.json on a web server: fetch the declared CSVs the mapper reads."""
    declared = _declared_paths(descriptor)
    by_name: dict[str, list[str]] = {}
    for path in declared:
        by_name.setdefault(path.rsplit("/", 1)[-1].lower(), []).append(path)
    if "services.csv" not in by_name:
        raise SourceError(url, "declares no services.csv resource, so it is not an HSDS data package")
    package = Package(origin=url, version=_detect_version(by_name, descriptor))
    for canonical, files in TABLE_FILES.items():
        for name in files:
            if name not in by_name:
                continue
            member_url = urljoin(url, by_name[name][0])
            try:
                data = bounded.check_size(fetch(member_url), member_url)
            except SourceError as exc:
                # A declared optional table that is not on the server is empty (Miami declares
                # 22 tables and ships 13); a missing services.csv is not optional.
                if canonical == "services" or "404" not in exc.detail:
                    raise
                break
            package.tables[canonical] = parse_csv(data, name, member_url, canonical, package)
            break
    return package
