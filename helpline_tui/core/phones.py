"""Which of a service's numbers a handler reads out first, and the order of the rest: one rule for
the TUI (result row, service page), the CLI table, `search --json` (`phones`) and the slip.
No Textual here."""

from __future__ import annotations

from typing import Any

# Intake first: it is the line the source gives for someone asking to start (SAMHSA's intake1 and
# intake2, an HSDS or AIRS intake phone), and that is what this caller is doing; the main number is
# often a switchboard or another programme's extension (Dimock Acute Treatment Services, Roxbury:
# main 617-442-8800 x1320, intake 774-478-0670). The main number next, for when intake does not
# answer; the hotline last: it answers crises, not admissions.
ORDER = (("intake_phone", "intake"), ("phone", "main"), ("hotline_phone", "hotline"))


def ordered(rec: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, number) in the order a handler reads them out: intake, main, hotline; a number listed
    twice (the same digits) comes once, under its first kind."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for field_name, kind in ORDER:
        number = (rec.get(field_name) or "").strip()
        digits = "".join(ch for ch in number if ch.isdigit())
        if number and digits not in seen:
            seen.add(digits)
            out.append((kind, number))
    return out


def first(rec: dict[str, Any]) -> str:
    """The number read out first, or ""."""
    numbers = ordered(rec)
    return numbers[0][1] if numbers else ""
