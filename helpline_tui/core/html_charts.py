"""Self-contained HTML pages with bar charts, for reports given to funders and boards
(`helpline report --html`, `helpline coverage --html`): inline SVG and inline CSS, no script, no
font, nothing fetched from the network, so the page opens the same from a USB stick.

Every text shown (titles, labels, counts) passes the one display rule (core/display.py) and is then
HTML-escaped, so a service's name from an import can neither drive a terminal nor inject markup. A
count suppressed for privacy ("<5") is drawn as an empty, hatched bar labelled "<5": no length
suggests how small it is.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from helpline_tui.core.display import display_text

BAR_COLOUR = "#1f6fb2"  # tests count this colour's pixels in a screenshot
LABEL_WIDTH = 300
BAR_AREA = 420
ROW_HEIGHT = 22
VALUE_WIDTH = 70


def escape(text: object) -> str:
    """Shown text as HTML: the display rule, then HTML escaping (quotes included)."""
    return html.escape(display_text(text), quote=True)


def _cut(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def bar_chart(title: str, bars: Sequence[tuple[str, int | str]], *, lang: str = "en") -> str:
    """An <svg> of horizontal bars, one per (label, value), longest value = full width. A value that
    is a string (a suppressed "<5") is drawn as a hatched outline with that label."""
    numbers = [v for _, v in bars if isinstance(v, int) and not isinstance(v, bool)]
    top = max(numbers, default=0) or 1
    height = 30 + ROW_HEIGHT * max(len(bars), 1) + 8
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" lang="{escape(lang)}" aria-label="{escape(title)}">',
           f'<title>{escape(title)}</title>',
           '<defs><pattern id="suppressed" width="6" height="6" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#888" stroke-width="2"/>'
           '</pattern></defs>',
           f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(_cut(title, 90))}</text>']
    if not bars:
        none = "nada que mostrar" if lang == "es" else "nothing to show"
        out.append(f'<text x="0" y="44" font-size="13" fill="#555">{escape(none)}</text>')
    for i, (label, value) in enumerate(bars):
        y = 30 + i * ROW_HEIGHT
        out.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" font-size="13" text-anchor="end">'
                   f'<title>{escape(label)}</title>{escape(_cut(str(label)))}</text>')
        if isinstance(value, int) and not isinstance(value, bool):
            length = max(1, round(BAR_AREA * value / top)) if value else 0
            out.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length}" height="{ROW_HEIGHT - 6}" '
                       f'fill="{BAR_COLOUR}"/>')
            shown = f"{value:,}"
            end = LABEL_WIDTH + length
        else:  # suppressed: no length that hints at the count
            out.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="40" height="{ROW_HEIGHT - 6}" '
                       f'fill="url(#suppressed)" stroke="#888"/>')
            shown = str(value)
            end = LABEL_WIDTH + 40
        out.append(f'<text x="{end + 6}" y="{y + 15}" font-size="13">{escape(shown)}</text>')
    out.append("</svg>")
    return "".join(out)


def table(headings: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain HTML table of already-suppressed values, every cell escaped."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td{_numeric(c)}>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _numeric(value: object) -> str:
    """Counts (and suppressed "<5") right-aligned; names left."""
    is_count = (isinstance(value, int) and not isinstance(value, bool)) or \
        (isinstance(value, str) and value.startswith("<") and value[1:].isdigit())
    return ' class="n"' if is_count else ""


_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #111; background: #fff; max-width: 60em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .5em 0; } td, th { border: 1px solid #bbb; padding: 2px 8px; }
th { background: #eee; text-align: left; } td.n { text-align: right; }
svg { display: block; margin: .5em 0; max-width: 100%; height: auto; }
"""


def page(title: str, sections: Sequence[tuple[str, str]], *, lang: str = "en") -> str:
    """A complete HTML document: `title`, then each (heading text, already-safe HTML fragment)."""
    parts = [f"<!DOCTYPE html>\n<html lang=\"{escape(lang)}\"><head><meta charset=\"utf-8\">",
             # nothing may be fetched: no script, no image, no font from anywhere
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
             f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
             f"<h1>{escape(title)}</h1>"]
    for heading, fragment in sections:
        parts.append(f"<section><h2>{escape(heading)}</h2>{fragment}</section>")
    parts.append("</body></html>\n")
    return "".join(parts)
