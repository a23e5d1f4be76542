"""`helpline search`: one query, or a batch of them, as a table or JSON."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from helpline_tui.cli.output import open_directory, say
from helpline_tui.core.display import json_line
from helpline_tui.errors import Failure, UsageError


def search_command(args: argparse.Namespace, db_path: Path) -> int:
    from helpline_tui.core.search import Filters, search

    conn = open_directory(db_path)
    if args.batch is not None:
        if args.query:
            raise UsageError("give either a QUERY or --batch FILE, not both")
        return _search_batch(conn, args.batch, args.json)
    if args.query is None:
        args.query = ""
    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    filters = Filters(near=args.near, radius=args.radius, state=args.state, lang=args.search_lang,
                      needs=tuple(args.need), kind=args.kind, include_inactive=args.include_inactive)
    page = search(conn, args.query, filters, limit=args.limit, sort=args.sort, now=args.now, reach_outside=True,
                  read_as=args.read_as)
    if args.json:
        print(json_line(page.as_json()))
    else:
        _print_table(page)
    return 0


# What a `search --batch` line may hold (docs/cli-contract.md); any other key is an error on that line.
BATCH_KEYS = ("query", "near", "radius", "state", "lang", "needs", "kind", "limit", "sort")


def _search_batch(conn, path: Path, as_json: bool) -> int:
    from helpline_tui.core.search import Filters, FilterError, search

    try:
        handle = open(path, encoding="utf-8")
    except OSError as exc:
        raise Failure(f"{path}: cannot read the batch file ({exc.strerror})") from None
    failed = 0
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = _batch_line(line)
                if not isinstance(item, dict):
                    raise ValueError("the line is not a JSON object")
                unknown = [key for key in item if key not in BATCH_KEYS]
                if unknown:  # a misspelt filter ("need", "nearr") would otherwise search without it
                    raise ValueError(f"unknown key {', '.join(repr(k) for k in unknown)}; "
                                     f"the keys are {', '.join(BATCH_KEYS)}")
                _check_batch_types(item)
                needs = item.get("needs") or []
                if isinstance(needs, str):
                    needs = [needs]
                filters = Filters(near=item.get("near"), radius=item.get("radius"), state=item.get("state"),
                                  lang=item.get("lang"), needs=tuple(needs), kind=item.get("kind"))
                page = search(conn, item.get("query") or "", filters, limit=_batch_limit(item.get("limit", 20)),
                              sort=item.get("sort") or "relevance", reach_outside=True)
                out = page.as_json()
            except (ValueError, TypeError, FilterError) as exc:
                failed += 1
                out = {"error": f"{path}, line {number}: {exc}"}
            if as_json:
                print(json_line(out))
            else:
                say(f"# line {number}: {out.get('query', '')!r}: {out.get('total', out.get('error'))}")
    if failed:
        say(f"helpline: {path}: {failed} line(s) could not be searched; see the error objects", file=sys.stderr)
        return 1
    return 0


def _batch_line(line: str) -> Any:
    try:
        return json.loads(line)
    except RecursionError:  # arrays or objects nested thousands deep
        raise ValueError("the line is nested too deeply to be a query") from None


# The JSON type each key of a batch line takes; null means "not given", as an absent key.
_BATCH_TYPES: dict[str, type | tuple[type, ...]] = {
    "query": str, "near": str, "radius": (int, float), "state": str, "lang": str, "needs": (str, list),
    "kind": str, "sort": str}


def _check_batch_types(item: dict[str, Any]) -> None:
    for key, kind in _BATCH_TYPES.items():
        value = item.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, kind) or \
                (key == "needs" and isinstance(value, list) and not all(isinstance(v, str) for v in value)):
            wanted = {str: "a string", (int, float): "a number", (str, list): "a string or a list of strings"}[kind]
            raise ValueError(f"\"{key}\" must be {wanted}, not {json.dumps(value)[:40]}")
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and not _is_utf8(text):  # "\ud800": no character, and unprintable
                raise ValueError(f"\"{key}\" holds an escape that is no character ({json.dumps(text)[:40]})")


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _batch_limit(value: Any) -> int:
    """A count of results: a whole number 0 or more (1e400 reads as infinity, 2.5 is no count)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"\"limit\" must be a whole number 0 or more, not {json.dumps(value)[:40]}")
    return value


def _say_nearest_outside(page) -> None:
    """Nothing within the radius: how far the nearest is and the radius that reaches it, as F9
    widens the radius in the interface."""
    from helpline_tui.core.search import MAX_RADIUS_MILES, area_only

    radius = f"in {page.place.label}" if area_only(page.place, page.filters.radius) else \
        f"within {page.filters.radius:g} mi"
    hit = page.nearest_outside
    if hit is None:
        say(f"  nothing {radius}, nor anywhere else: try fewer or other words, or fewer filters")
        return
    r = hit.record
    where = ", ".join(x for x in (r["city"], r["state"]) if x) or "no address"
    if hit.distance_miles is None:
        say(f"  nothing {radius}; the only match has no position: {r['name']} ({where})")
        return
    reach = math.ceil(hit.distance_miles)
    widen = f"--radius {reach} reaches it" if reach <= MAX_RADIUS_MILES else \
        f"beyond the widest radius ({MAX_RADIUS_MILES:,} mi): put the place in the query for the nearest, however far"
    say(f"  nothing {radius}; the nearest is {'~' if hit.approximate_position else ''}"
        f"{hit.distance_miles:.1f} mi away: {r['name']} ({where}); {widen}")


def _print_table(page) -> None:
    from helpline_tui.core import days, phones, referral

    shown = len(page.hits)
    read_from = f" (from '{page.place_read_from}')" if page.place_read_from else ""
    where = f" near {page.place.label}{read_from}" if page.place else ""
    if page.nearest_to is not None and page.place is None:
        where = f" nearest to {page.nearest_to.label}{read_from}, however far"
        if page.nearest_miles is not None:
            where += f": the closest is {page.nearest_miles:.1f} mi"
    when = "".join(f", {days.label_where(d, page.today)}" for d in page.days)
    say(f"{shown} of {page.total} services{where}{when} ({page.elapsed_ms:.1f} ms)")
    if page.fellowship_missing:
        say(f"  no {page.fellowship_missing} groups in this directory: other mutual-help groups shown"
            + (f" ({', '.join(page.fellowships_offered)})" if page.fellowships_offered else ""))
    if page.concepts_read:
        say(f"  read as: {', '.join(c.en for c in page.concepts_read)}")
    if page.words_not_found:
        say(f"  not found: {', '.join(page.words_not_found)} (no service has every word)")
    elif not page.every_word:
        say("  no service has every word")
    if page.other_reading:
        say(f"  '{page.other_reading_words}' may also be a {page.other_reading}: --read-as {page.other_reading}")
    if page.needs_a_place:
        say("  in name order, anywhere: add the caller's city or ZIP code to the query, or --near, for the nearest")
    if page.place is not None and page.total == 0:
        _say_nearest_outside(page)
    for n, hit in enumerate(page.hits, start=1):
        r = hit.record
        dist = ""
        if hit.distance_miles is not None:
            dist = f"{'~' if hit.approximate_position else ''}{hit.distance_miles:.1f} mi"
        elif hit.area_wide:
            dist = "serves area"
        place = ", ".join(x for x in (r["city"], r["state"]) if x) or "—"
        phone = phones.first(r)
        phone = referral.phone_text(phone, "en") if phone else "no phone"  # a dial-in: number, then keys
        langs = " ".join(r["languages"]).upper() or "lang ?"
        # Programmes of one organisation at one address differ only by site name ("Region Ten ...").
        site = f" — {r['site_name']}" if r["site_name"] and r["site_name"] != r["name"] else ""
        say(f"{n:>3}. {r['name']}{site}")
        merged = " · sources " + ", ".join(r["sources"]) if len(r.get("sources") or ()) > 1 else ""
        when = referral.meeting_when(r, "en")
        say(f"     {place}{' · ' + when if when else ''} · {phone} · {langs}{' · ' + dist if dist else ''}{merged}")
