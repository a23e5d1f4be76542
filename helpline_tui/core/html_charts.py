"""Self-contained HTML pages with bar charts as inline SVG: no script, no network, for funders and
boards. (Provisional copy for `helpline coverage`; h19-tally's module with the same API replaces it.)

`bar_chart(title, bars)` is one <svg>; `page(title, sections)` the whole document, each section a
heading and an already-safe HTML fragment. Every text given is escaped here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

_BAR_HEIGHT = 22
_LABEL_WIDTH = 260
_BAR_WIDTH = 360
_VALUE_WIDTH = 70


def bar_chart(title: str, bars: Sequence[tuple[str, int | str]], *, lang: str = "en") -> str:
    """A horizontal bar chart: one bar per (label, value); a value that is not a number (a
    suppressed "<5") is written with no bar."""
    numbers = [v for _, v in bars if isinstance(v, int) and not isinstance(v, bool)]
    top = max(numbers, default=0) or 1
    height = 30 + _BAR_HEIGHT * len(bars)
    width = _LABEL_WIDTH + _BAR_WIDTH + _VALUE_WIDTH
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" lang="{html.escape(lang)}">',
           f"<title>{html.escape(title)}</title>",
           f'<text x="0" y="16" font-size="14" font-weight="bold">{html.escape(title)}</text>']
    for k, (label, value) in enumerate(bars):
        y = 30 + k * _BAR_HEIGHT
        out.append(f'<text x="{_LABEL_WIDTH - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
                   f"{html.escape(str(label))}</text>")
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            w = max(1, round(_BAR_WIDTH * value / top))
            out.append(f'<rect x="{_LABEL_WIDTH}" y="{y + 3}" width="{w}" height="{_BAR_HEIGHT - 6}" fill="#3465a4"/>')
            text_x = _LABEL_WIDTH + w + 6
        else:
            text_x = _LABEL_WIDTH + 6
        out.append(f'<text x="{text_x}" y="{y + 15}" font-size="12">{html.escape(str(value))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def page(title: str, sections: Sequence[tuple[str, str]], *, lang: str = "en") -> str:
    """A whole HTML document: the title, then each (heading, fragment) section."""
    body = "\n".join(f"<section>\n<h2>{html.escape(heading)}</h2>\n{fragment}\n</section>" for heading, fragment in sections)
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n"
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#111}"
            "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left}</style>\n"
            f"</head>\n<body>\n<h1>{html.escape(title)}</h1>\n{body}\n</body>\n</html>\n")
