"""One catalogue, two languages: every entry complete, same placeholders, and every key the code
asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from helpline_tui import i18n
from helpline_tui.ui import commands

ROOT = Path(__file__).resolve().parents[1]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_entry_has_english_and_spanish_with_the_same_placeholders():
    for key, (en, es) in i18n.CATALOGUE.items():
        assert en.strip() and es.strip(), key
        assert _fields(en) == _fields(es), key


def test_spanish_is_really_translated():
    same = [k for k, (en, es) in i18n.CATALOGUE.items() if en == es]
    # Only names, numbers and symbols may read the same in both languages.
    allowed = {"app.title", "chip.more", "filter.value", "miles", "row.inactive", "hours.closed_day",
               "palette.filter", "dayshort.mon"}
    assert set(same) <= allowed | {k for k in same if not re.search(r"[A-Za-z]{3,}", i18n.CATALOGUE[k][0])}


def test_every_key_used_in_the_code_exists():
    pattern = re.compile(r"""\bt\(\s*(?:f?)["']([a-z_.\-{}]+)["']""")
    missing, found = set(), 0
    for path in list((ROOT / "helpline_tui").rglob("*.py")):
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if "{" in key:
                continue  # built keys are checked below
            found += 1
            if key not in i18n.CATALOGUE:
                missing.add(f"{path.name}: {key}")
    assert not missing
    assert found > 100  # the pattern really sees the calls


def test_built_keys_exist():
    from helpline_tui.core.records import KINDS, STATUSES, WEEKDAYS
    from helpline_tui.ui.state import FACETS

    keys = [f"kind.{k}" for k in KINDS] + [f"status.{s}" for s in STATUSES]
    keys += [f"day.{d}" for d in WEEKDAYS] + [f"dayshort.{d}" for d in WEEKDAYS]
    keys += [f"chip.{f}" for f in FACETS] + ["lang.en", "lang.es"]
    keys += [f"help.scope.{s}" for s in commands.SCOPES]
    for command in commands.REGISTRY:
        keys += [f"cmd.{command.id}.label", f"cmd.{command.id}.help"]
        if command.palette_anywhere:
            keys.append(f"cmd.{command.id}.palette")
    assert [k for k in keys if k not in i18n.CATALOGUE] == []


def test_lookup_formatting_and_fallbacks():
    assert i18n.t("status.count", "es", shown="100", total="1741") == "100 de 1741"
    assert i18n.t("status.count", "fr", shown="1", total="2") == "1 of 2"  # unknown language: English
    assert i18n.t("no.such.key") == "no.such.key"
    assert i18n.tn("header.services", 1, "en") == "1 service"
    assert i18n.tn("header.services", 20003, "en") == "20,003 services"
    assert i18n.tn("header.services", 20003, "es") == "20\u202f003 servicios"
    assert i18n.number(1741, "es") == "1741"
    assert i18n.miles(2.5, "es") == "2,5 mi" and i18n.miles(25.0, "en") == "25 mi"
