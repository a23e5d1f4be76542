"""`helpline coverage` as lines for a person, CSV rows and a self-contained HTML page (a chart per
recovery-capital domain). The CLI prints these through its one display rule."""

from __future__ import annotations

from collections import Counter

from helpline_tui.core import html_charts, vocabulary
from helpline_tui.core.coverage import Coverage, Topic, UnitCoverage

CSV_COLUMNS = ("need", "kind", "state", "county", "zips_total", "zips_covered", "services_nearby",
               "services_area_wide", "gap", "unmet_calls")

_WORDS = {
    "title": ("Where no service is within {r} mi of where people live",
              "Dónde no hay ningún servicio a {r} mi de donde vive la gente"),
    "chart": ("{unit} with no service within {r} mi (of {n})", "{unit} sin ningún servicio a {r} mi (de {n})"),
    "counties": ("Counties", "Condados"),
    "states": ("States", "Estados"),
    "concepts": ("Service concepts", "Conceptos de servicio"),
    "how": ("How services were counted", "Cómo se contaron los servicios"),
    "gaps": ("Gaps", "Sin cobertura"),
    "none": ("no active service in the directory offers it: every place is a gap",
             "ningún servicio activo del directorio lo ofrece: ningún lugar tiene cobertura"),
}


def _w(key: str, lang: str) -> str:
    return _WORDS[key][1 if lang == "es" else 0]


def _place(row: UnitCoverage) -> str:
    return f"{row.county}, {row.state}" if row.county else row.state


def counted_sentence(cov: Coverage) -> str:
    c = cov.counted
    a = c["areas"]
    return (f"{c['services']:,} active services in the directory offer these needs (in any state: a service "
            f"across a state line counts): {c['by_position']:,} counted by position "
            f"(within {cov.radius_miles:g} mi of a ZIP centroid); {c['area_wide']:,} with a service area "
            f"(national {a['national']:,}, statewide {a['statewide']:,}, county {a['county']:,}, ZIP {a['zip']:,}) "
            f"also counted apart as area-wide where they are farther, never as covering a place; "
            f"{c['neither']:,} with neither a position nor a service area, not counted")


def text_lines(cov: Coverage, lang: str = "en") -> list[str]:
    units = len({(r.state, r.county) for r in cov.rows}) if cov.topics else 0
    unit_word = "counties" if cov.by == "county" else "states"
    counted_units = f"{units:,} {unit_word}" if units != 1 else ("1 county" if cov.by == "county" else "1 state")
    where = f" in {', '.join(cov.states)}" if cov.states else ""
    lines = [f"Coverage within {cov.radius_miles:g} mi of where people live (ZIP centroids): "
             f"{counted_units}{where}",
             f"  {counted_sentence(cov)}"]
    if cov.counted.get("zips_without_county"):
        lines.append(f"  {cov.counted['zips_without_county']:,} ZIP codes the ZIP table gives no county are left out "
                     f"(--by state counts them)")
    if cov.tally is not None:
        t = cov.tally
        lines.append(f"  tallies: {t['calls']} calls; unmet needs (nothing suitable) in the places measured "
                     f"{t['unmet_in_measured_places']}, elsewhere or with no place read {t['unmet_elsewhere_or_unplaced']}")
    by_topic: dict[str, list[UnitCoverage]] = {}
    for row in cov.rows:
        by_topic.setdefault(row.need, []).append(row)
    for topic in cov.topics:
        rows = by_topic.get(topic.id, [])
        gaps = [r for r in rows if r.gap]
        name = f"{topic.label(lang)} ({topic.id})"
        if topic.id in cov.not_offered:
            lines.append(f"{name}: no active service in the directory offers it; all {len(rows):,} {unit_word} are gaps")
            continue
        lines.append(f"{name}: {len(rows) - len(gaps):,} of {len(rows):,} {unit_word} have a service within "
                     f"{cov.radius_miles:g} mi; {len(gaps):,} have none" + (":" if gaps else ""))
        for r in gaps:
            extra = f"; reached only by area-wide services: {r.services_area_wide:,}" if r.services_area_wide else ""
            calls = f"; unmet calls: {r.unmet_calls}" if r.unmet_calls not in (None, 0) else ""
            zips = "its ZIP code" if r.zips_total == 1 else f"its {r.zips_total:,} ZIP codes"
            lines.append(f"  {_place(r)}: none within {cov.radius_miles:g} mi of {zips}{extra}{calls}")
    return lines


def csv_rows(cov: Coverage) -> list[list[object]]:
    out: list[list[object]] = [list(CSV_COLUMNS)]
    for r in cov.rows:
        out.append([r.need, r.kind, r.state, r.county, r.zips_total, r.zips_covered, r.services_nearby,
                    r.services_area_wide, "yes" if r.gap else "no", "" if r.unmet_calls is None else r.unmet_calls])
    return out


def html_page(cov: Coverage, lang: str = "en") -> str:
    """A chart per recovery-capital domain (its needs, the places with no service), then concepts,
    then the gaps by need and how services were counted."""
    r = f"{cov.radius_miles:g}"
    units_word = _w("counties" if cov.by == "county" else "states", lang)
    total = len({(row.state, row.county) for row in cov.rows})
    gaps = Counter(row.need for row in cov.rows if row.gap)
    groups: list[tuple[str, list[Topic]]] = []
    for domain in vocabulary.load().domains:
        members = [t for t in cov.topics if t.kind == "need" and t.domain == domain.id]
        if members:
            groups.append((domain.label(lang), members))
    concepts = [t for t in cov.topics if t.kind == "concept"]
    if concepts:
        groups.append((_w("concepts", lang), concepts))
    sections = []
    for heading, members in groups:
        chart = html_charts.bar_chart(_w("chart", lang).format(unit=units_word, r=r, n=f"{total:,}"),
                                      [(t.label(lang), gaps.get(t.id, 0)) for t in members], lang=lang)
        sections.append((heading, chart + _gap_list(cov, members, lang)))
    sections.append((_w("how", lang), f"<p>{html_charts.escape(counted_sentence(cov))}</p>"))
    return html_charts.page(_w("title", lang).format(r=r), sections, lang=lang)


def _gap_list(cov: Coverage, members: list[Topic], lang: str) -> str:
    """Each need's gaps, as a line of places (with the unmet calls tallied there, if any)."""
    wanted = {t.id for t in members}
    places: dict[str, list[str]] = {}
    for row in cov.rows:
        if row.gap and row.need in wanted:
            calls = f" ({row.unmet_calls})" if row.unmet_calls not in (None, 0) else ""
            places.setdefault(row.need, []).append(_place(row) + calls)
    items = []
    for t in members:
        if t.id in cov.not_offered:
            items.append(f"<li><strong>{html_charts.escape(t.label(lang))}</strong>: {html_charts.escape(_w('none', lang))}</li>")
        elif t.id in places:
            shown = places[t.id]
            text = "; ".join(shown[:200]) + (f"; … +{len(shown) - 200:,}" if len(shown) > 200 else "")
            items.append(f"<li><strong>{html_charts.escape(t.label(lang))}</strong>: {html_charts.escape(text)}</li>")
    return f"\n<h3>{html_charts.escape(_w('gaps', lang))}</h3>\n<ul>\n" + "\n".join(items) + "\n</ul>" if items else ""
