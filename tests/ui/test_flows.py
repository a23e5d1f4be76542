"""The call, flow by flow, with the keyboard alone (and a few clicks), in an 80x24 terminal."""

from __future__ import annotations

import os

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Static

from helpline_tui.config import Config
from helpline_tui.core import vocabulary
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.ui.screens.detail import DetailScreen
from helpline_tui.ui.screens.end_call import ConfirmEndCall
from helpline_tui.ui.screens.help import HelpScreen
from helpline_tui.ui.screens.place import PlacePicker
from helpline_tui.ui.screens.picker import OptionPicker
from helpline_tui.ui.screens.referral import ReferralScreen
from helpline_tui.ui.screens.search import SearchScreen
from helpline_tui.ui.state import FilterState
from helpline_tui.ui.widgets.results_list import ResultsList
from tests.ui.conftest import EVIL_NAME, build_directory, open_service, reloaded, settle, tui_records, type_text

SIZE = (80, 24)


def names(app) -> list[str]:
    results = app.screen.query_one("#results", ResultsList)
    return [h.record["name"] for h in results.hits]


def debug(app) -> str:
    s = app.screen
    return (f"latest={getattr(s, 'latest_seq', None)} painted={getattr(s, 'painted_seq', None)} "
            f"status={status(app)!r} query={s.query_one('#query', Input).value!r} filters={s.filters}")


def plain(widget: Static) -> str:
    return str(widget.render())


def status(app) -> str:
    return plain(app.screen.query_one("#status", Static))


# ---- opening ------------------------------------------------------------------------------------

async def test_opens_with_the_cursor_in_the_search_box_and_the_national_lines_in_view(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.focused is app.screen.query_one("#query", Input)
        assert "8 services" in plain(app.screen.query_one("#directory-info", Static))
        assert "1-800-662-4357" in plain(app.screen.query_one("#national-lines", Static))
        assert "988" in plain(app.screen.query_one("#national-lines", Static))
        assert not app.screen.query_one("#demo-badge").display
        assert status(app).startswith("8 of 8")


async def test_demo_directory_shows_a_demo_banner(make_app, tmp_path):
    demo = build_directory(tmp_path / "demo.sqlite", demo=True)
    app = make_app(db=demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        badge = app.screen.query_one("#demo-badge", Static)
        assert badge.display and "DEMO" in plain(badge)


# ---- searching ----------------------------------------------------------------------------------

async def test_results_update_on_every_keystroke(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = []
        for ch in "yonk":
            await pilot.press(ch)
            await settle(pilot)
            seen.append(len(names(app)))
        assert seen[-1] < 8
        assert "Yonkers Comprehensive Treatment Center" in names(app)
        assert status(app).startswith(f"{seen[-1]} of {seen[-1]}")
        screen = app.screen
        assert screen.painted_seq == screen.latest_seq


async def test_at_most_100_rows_are_drawn(make_app, tmp_path):
    many = [ServiceRecord(name=f"Recovery Center {i:03d}", source="test", source_key=str(i), city="Yonkers",
                          state="NY", zip="10701", languages=["en"], needs=["outpatient"]) for i in range(130)]
    db = build_directory(tmp_path / "many.sqlite", many)
    app = make_app(db=db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#results", ResultsList).option_count == 100
        assert status(app).startswith("100 of 130")


async def test_stale_results_never_replace_newer_ones(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await type_text(pilot, "casa")
        await settle(pilot)
        painted = names(app)
        # An answer for an older request arrives late: it is ignored.
        from helpline_tui.core.search import search
        from helpline_tui.ui.screens.search import SearchRequest

        old = SearchRequest(1, "", FilterState())
        with app.directory.lock:
            page = search(app.directory.conn, "", FilterState().to_core(), limit=100)
        screen.post_message(SearchScreen.ResultsReady(old, page, app.directory.generation))
        await settle(pilot)
        assert names(app) == painted == ["Casa Nueva Vida"]


async def test_down_enters_the_list_up_returns_enter_opens_and_escape_keeps_the_highlight(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "yonkers")
        await settle(pilot)
        results = app.screen.query_one("#results", ResultsList)
        query = app.screen.query_one("#query", Input)
        await pilot.press("down")
        assert app.focused is results and results.highlighted == 0
        await pilot.press("up")
        assert app.focused is query
        # Back in the box, typing goes on from the end of the query; it never replaces it
        await pilot.press("s", "backspace")
        assert query.value == "yonkers"
        # Enter in the search box opens the top result
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.record_id == results.hits[0].record["id"]
        await pilot.press("escape")
        await settle(pilot)
        # open the second row, come back: same row highlighted, focus in the list
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        second = app.screen.record_id
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert results.highlighted == 1 and results.highlighted_id == second
        assert app.focused is results


async def test_escape_clears_the_search_box(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "hope")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#query", Input).value == ""
        assert len(names(app)) == 8


# ---- filters ------------------------------------------------------------------------------------

async def test_language_need_and_place_filters_from_the_keyboard(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, OptionPicker)
        await type_text(pilot, "span")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.filters.language == "es"
        assert "Language: Spanish" in plain(screen.query_one("#chip-language", Static))
        assert all("es" in h.record["languages"] for h in screen.query_one("#results").hits)

        await pilot.press("f4")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, OptionPicker)
        prompts = [str(o.prompt) for o in picker.query_one("#choices", OptionList).options]
        assert "Physical and mental health" in prompts  # grouped by domain
        assert any(p.strip().startswith("Methadone") and "(2)" in p for p in prompts)  # with counts
        await type_text(pilot, "metha")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.filters.needs == ("methadone",)
        assert names(app) == ["Clínica de Metadona San Juan", "Yonkers Comprehensive Treatment Center"]

        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, PlacePicker)
        await type_text(pilot, "yonk")
        await settle(pilot)
        suggestions = app.screen.query_one("#place-suggestions", OptionList)
        assert str(suggestions.get_option_at_index(0).prompt) == "Yonkers, NY"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.filters.place == "Yonkers, NY"
        assert names(app) == ["Yonkers Comprehensive Treatment Center"], debug(app)
        assert "near Yonkers, NY" in status(app)
        assert screen.query_one("#chip-radius").display

        await pilot.press("f8")  # reset
        await settle(pilot)
        assert screen.filters.is_empty and len(names(app)) == 8


@pytest.mark.parametrize(("ui_lang", "sign", "spanish"), [("en", "American Sign Language (ASL)", "Spanish (ES)"),
                                                          ("es", "Lengua de señas americana (ASL)", "Español (ES)")])
async def test_the_language_picker_names_each_code_once(make_app, ui_lang, sign, spanish):
    # The sign-language entry once read "Sign language (ASL) (ASL)": its name already holds the code.
    app = make_app(lang=ui_lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("f3")
        await settle(pilot)
        # each prompt: the label, then two spaces and the count of matching services
        prompts = [str(o.prompt).strip().split("  ")[0] for o in app.screen.query_one("#choices", OptionList).options]
        assert sign in prompts and spanish in prompts, prompts
        await type_text(pilot, "asl" if ui_lang == "en" else "americana")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.filters.language == "asl"
        assert plain(screen.query_one("#chip-language", Static)).count("(ASL)") == 1
        assert names(app) == ["Centro de Salud Mental Latino"]


async def test_more_filters_kind_population_payment_and_radius(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, OptionPicker)
        await pilot.press("down", "enter")  # Kind
        await settle(pilot)
        assert isinstance(app.screen, OptionPicker)
        await pilot.press("down", "down", "down", "enter")  # any, treatment, support-group, community
        await settle(pilot)
        assert screen.filters.kind == "community"
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # For (population)
        await settle(pilot)
        await type_text(pilot, "veter")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.filters.population == "veterans"
        assert names(app) == []  # no community service for veterans
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("down", "down", "down", "enter")  # Payment
        await settle(pilot)
        await type_text(pilot, "medicaid")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.filters.payment == "medicaid"
        assert names(app) == ["Clínica de Metadona San Juan"]
        # radius: letters work once the focus is out of the search box
        screen.filters = FilterState(place="10701", place_label="10701 (Yonkers, NY)")
        await settle(pilot)
        await pilot.press("down")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, OptionPicker)
        await pilot.press("down", "enter")  # starts on the current 25 -> 50
        await settle(pilot)
        assert screen.filters.radius == 50.0
        # at 80 columns a place and its radius make the chips show values alone ("Radius: " goes)
        assert plain(screen.query_one("#chip-radius", Static)) == "50 mi"


async def test_every_filter_chip_stays_in_view_at_80_columns(make_app):
    # With a place, a language, needs, kind, population and payment set, the labelled chips are
    # 100+ columns: at 80 the last ones were scrolled out of sight, unknown to the handler.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.filters = FilterState(place="Yonkers, NY", place_label="Yonkers, NY", language="es",
                                     needs=("methadone", "housing"), kind="treatment", population="veterans",
                                     payment="medicaid")
        await settle(pilot)
        chips = [chip for chip in screen.query(".chip") if chip.display]
        assert [plain(chip) for chip in chips] == ["Yonkers, NY", "25 mi", "Spanish", "Methadone +1", "Treatment",
                                                   "Veterans", "Medicaid"]
        assert all(chip.region.right <= SIZE[0] for chip in chips), [chip.region for chip in chips]
        await pilot.resize_terminal(140, 40)  # room again: each value with its filter's name
        await settle(pilot)
        assert plain(screen.query_one("#chip-place", Static)) == "Place: Yonkers, NY"
        assert plain(screen.query_one("#chip-payment", Static)) == "Payment: Medicaid"


async def test_chips_are_reachable_with_tab_and_clear_with_delete(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.filters = FilterState(language="es")
        await settle(pilot)
        await pilot.press("tab")  # search box -> first chip (Place)
        assert app.focused.id == "chip-place"
        await pilot.press("tab")  # radius chip is hidden without a place -> Language
        assert app.focused.id == "chip-language"
        await pilot.press("delete")
        await settle(pilot)
        assert screen.filters.language is None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OptionPicker)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen) and screen.filters.is_empty


async def test_the_mouse_works_too(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#chip-need")
        await settle(pilot)
        assert isinstance(app.screen, OptionPicker)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#results", offset=(5, 0))
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)


async def test_a_filter_error_is_a_message_not_a_crash(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.filters = FilterState(place="Nowhere, ZZ")
        await settle(pilot)
        assert "Filter problem:" in status(app) and "Nowhere" in status(app)
        assert app.screen.query_one("#results", ResultsList).option_count == 0
        app.screen.filters = FilterState()
        await settle(pilot)
        assert len(names(app)) == 8


async def test_enter_in_the_place_picker_takes_the_suggestion_shown_for_a_partial_name(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, "Yonk")
        await settle(pilot)
        suggestions = app.screen.query_one("#place-suggestions", OptionList)
        assert [str(suggestions.get_option_at_index(i).prompt) for i in range(suggestions.option_count)] \
            == ["Yonkers, NY"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.filters.place == "Yonkers, NY"
        assert "near Yonkers, NY" in status(app)


async def test_a_meetings_time_reads_in_spanish_on_its_spanish_page(make_app, tmp_path):
    meeting = ServiceRecord(name="Grupo Domingo", kind="support-group", source="test", source_key="m1", row=1,
                            city="Chelsea", state="MA", zip="02150", needs=["support-group"],
                            hours={"sun": [["19:30", "20:30"]]}, hours_text="Sunday 7:30pm–8:30pm\nBring a friend")
    app = make_app(db=build_directory(tmp_path / "meetings.sqlite", [meeting]), lang="es")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "domingo")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        page = plain(app.screen.query_one("#detail-body", Static))
        assert "dom 19:30–20:30" in page
        assert "Sunday" not in page
        assert "Bring a friend" in page  # the source's own words stay as written


async def test_an_unknown_place_is_refused_in_the_place_picker(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, "Qwxz, ZZ")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlacePicker)
        assert "not a known ZIP code or US city" in plain(app.screen.query_one("#place-error", Static))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.filters.place is None


async def test_an_empty_result_says_which_filter_excludes_what_and_one_key_widens(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.filters = FilterState(place="Yonkers, NY", place_label="Yonkers, NY", language="es")
        await type_text(pilot, "clinica")  # the only clínica is in San Juan, far beyond any radius
        await settle(pilot)
        assert names(app) == [] and screen.query_one("#empty").display
        text = plain(screen.query_one("#empty", Static))
        assert "No services match “clinica” with these filters." in text
        assert "Within" not in text  # no radius finds it
        assert "Without Place: Yonkers, NY (25 mi): 1" in text
        assert "Without Language: Spanish: 0" in text
        assert "Press F9 to remove the filter Place: Yonkers, NY (25 mi)." in text
        await pilot.press("f9")
        await settle(pilot)
        assert screen.filters.place is None and screen.filters.language == "es"
        assert names(app) == ["Clínica de Metadona San Juan"]


async def test_widen_grows_the_radius_step_by_step_before_the_place_goes(make_app, tmp_path):
    # A caller near Yonkers: one service about 40 miles away, one about 75, Casa Nueva Vida ~180.
    far = [ServiceRecord(name=f"Ridge Recovery {n}", source="test", source_key=f"ridge-{n}", row=20 + n,
                         city="Somewhere", state="NY", latitude=40.939 + miles / 69.0, longitude=-73.899,
                         phone="845-555-0100", languages=["en"], needs=["outpatient"])
           for n, miles in ((1, 40), (2, 75))]
    app = make_app(db=build_directory(tmp_path / "wide.sqlite", tui_records() + far))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.filters = FilterState(place="10701", place_label="10701", radius=5.0)
        await type_text(pilot, "ridge")
        await settle(pilot)
        assert names(app) == [] and "Within 50 mi: 1" in plain(screen.query_one("#empty", Static))
        await pilot.press("f9")  # 5 -> 50: the nearest radius that finds something, not "no place"
        await settle(pilot)
        assert screen.filters.place == "10701" and screen.filters.radius == 50.0
        assert names(app) == ["Ridge Recovery 1"]

        screen.filters = FilterState(place="10701", place_label="10701")
        screen.query_one("#query", Input).value = ""
        await type_text(pilot, "casa nueva")  # in Chelsea, MA: about 180 miles away
        await settle(pilot)
        text = plain(screen.query_one("#empty", Static))
        assert "Within 250 mi: 1" in text and "Press F9 to widen the radius to 250 mi." in text, text
        await pilot.press("f9")
        await settle(pilot)
        assert screen.filters.place == "10701" and screen.filters.radius == 250.0
        assert names(app) == ["Casa Nueva Vida"]


async def test_widen_prefers_a_wider_radius(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        # Hope House is about 1 mile from ZIP 10701's centre; a 0.5-mile radius excludes it.
        screen.filters = FilterState(place="10701", place_label="10701", radius=0.5)
        await type_text(pilot, "hope house")
        await settle(pilot)
        assert names(app) == []
        assert "Within 5 mi: 1" in plain(screen.query_one("#empty", Static))
        await pilot.press("f9")
        await settle(pilot)
        assert screen.filters.radius == 5.0 and names(app) == ["Hope House Sober Living"]


# ---- the service page ---------------------------------------------------------------------------

async def test_detail_shows_every_field_with_phones_first(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_service(pilot, "centro de salud")
        text = plain(screen.query_one("#detail-body", Static))
        assert text.index("Phones") < text.index("Address") < text.index("Hours")
        assert text.index("Intake") < text.index("Main")
        assert "914-555-0111" in text and "77 Warburton Ave, Yonkers, NY 10701" in text
        assert "Today (Tuesday): 09:00–21:00 · OPEN NOW at 19:30 local time" in text
        assert "Mon–Fri 09:00–21:00" in text
        vocab = vocabulary.load()
        label = lambda term_id: vocab.term(term_id).label("en")  # noqa: E731
        assert "American Sign Language (ASL), English, Spanish (ASL EN ES)" in text
        assert f"Physical and mental health: {label('co-occurring')}, {label('mental-health')}" in text
        assert f"Family, social supports and leisure: {label('family-support')}" in text
        assert f"Payment: {label('sliding-fee')}" in text
        assert "Last verified 2026-10-01" in text
        assert "Imported" in text and "2026-11-20" in text
        assert "Servicios Comunitarios" in text and "https://example.org/centro" in text


async def test_detail_flags_and_unknowns(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_service(pilot, "hope house")
        text = plain(screen.query_one("#detail-body", Static))
        assert "Approximate position" in text and "Hours not known: call to check" in text
        assert "not verified by the source" in text
        await pilot.press("escape")
        await settle(pilot)
        app.screen.filters = FilterState(place="Yonkers, NY", place_label="Yonkers, NY")
        await pilot.press("escape")  # clear the words
        await type_text(pilot, "hopeline")
        await settle(pilot)
        row = str(app.screen.query_one("#results", ResultsList).row_content(0))
        assert "area-wide" in row
        await pilot.press("enter")
        await settle(pilot)
        text = plain(app.screen.query_one("#detail-body", Static))
        assert "Area-wide: listed because its service area covers the place" in text


async def test_meetings_show_open_now_from_their_hours(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_service(pilot, "grupo esperanza")
        text = plain(screen.query_one("#detail-body", Static))
        assert "Today (Tuesday): 19:00–20:00 · OPEN NOW" in text


async def test_markup_in_directory_data_is_shown_literally(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "evil")
        await settle(pilot)
        row = str(app.screen.query_one("#results", ResultsList).row_content(0))
        assert EVIL_NAME in row
        svg = app.export_screenshot()
        assert "[bold\xa0red]Evil[/]\xa0[link=x]" in svg.replace("&#160;", "\xa0")
        await pilot.press("enter")
        await settle(pilot)
        text = plain(app.screen.query_one("#detail-body", Static))
        assert EVIL_NAME in text and "[i]not italic[/i] and [@click=app.quit]not a link[/]" in text
        assert app.is_running


# ---- referral list and slip ---------------------------------------------------------------------

async def test_add_copy_and_save_a_spanish_slip(make_app, slip_folder):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "yonkers comp")
        await settle(pilot)
        await pilot.press("down", "a")  # add from the results
        await settle(pilot)
        assert [r["name"] for r in app.referrals] == ["Yonkers Comprehensive Treatment Center"]
        row = str(app.screen.query_one("#results", ResultsList).row_content(0))
        assert row.startswith("✓ ")
        await pilot.press("up", "escape")
        await type_text(pilot, "centro de salud")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a")  # add from the service page
        await settle(pilot)
        assert len(app.referrals) == 2
        assert "In this call's referral list" in plain(app.screen.query_one("#detail-body", Static))

        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        await pilot.press("f3")  # slip in Spanish, interface still English
        await settle(pilot)
        assert app.slip_lang == "es" and app.ui_lang == "en"
        await pilot.press("n")
        await type_text(pilot, "Pregunte por Ana")
        await pilot.press("enter")
        await settle(pilot)
        slip = plain(app.screen.query_one("#slip-text", Static))
        assert "Servicios recomendados para usted" in slip and "Nota: Pregunte por Ana" in slip

        await pilot.press("f2")  # copy (OSC 52); the text stays on screen
        await settle(pilot)
        assert app.clipboard.startswith("Servicios recomendados para usted")
        assert "1. Yonkers Comprehensive Treatment Center" in app.clipboard
        assert "2. Centro de Salud Mental Latino" in app.clipboard
        assert "Teléfono de admisión: 914-555-0111" in app.clipboard

        await pilot.press("f4", "f5")  # save .txt and .html
        await settle(pilot)
        txt = list(slip_folder.glob("referral-*-es.txt"))
        page = list(slip_folder.glob("referral-*-es.html"))
        assert len(txt) == 1 and len(page) == 1
        assert txt[0].read_text(encoding="utf-8") == app.clipboard
        assert "Servicios recomendados para usted" in page[0].read_text(encoding="utf-8")
        # The last file saved, named in full (its folder shortened to fit the line)
        assert plain(app.screen.query_one("#referral-status", Static)).endswith("/" + page[0].name)

        # remove one from the list
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused.id == "referral-items"
        await pilot.press("delete")
        await settle(pilot)
        assert [r["name"] for r in app.referrals] == ["Centro de Salud Mental Latino"]
        await pilot.press("escape")  # back where the list was opened from: the service page
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)


async def test_typing_on_the_referral_list_writes_the_note(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "yonkers comp")
        await settle(pilot)
        await pilot.press("down", "a", "f6")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert app.focused is app.screen.query_one("#referral-items")
        await type_text(pilot, "Call back Monday")  # the 'n' in it is the note key: it must not be lost
        await settle(pilot)
        assert app.note == "Call back Monday" and len(app.referrals) == 1
        assert "Call back Monday" in plain(app.screen.query_one("#slip-text", Static))


async def test_empty_referral_list_explains_how_to_add(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        assert "press a to add one" in plain(app.screen.query_one("#slip-text", Static))


# ---- Spanish interface --------------------------------------------------------------------------

async def test_spanish_interface_and_the_toggle(make_app):
    app = make_app(lang="es")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#query", Input).placeholder.startswith("Buscar:")
        assert plain(screen.query_one("#chip-language", Static)) == "Idioma"
        assert "8 de 8" in status(app)
        footer = {b.binding.description for b in screen.active_bindings.values() if b.binding.show}
        assert {"Ayuda", "Lugar", "Necesidad", "English", "Fin"} <= footer
        assert "Línea Nacional de SAMHSA" in plain(screen.query_one("#national-lines", Static))
        detail = await open_service(pilot, "centro de salud")
        text = plain(detail.query_one("#detail-body", Static))
        assert "Teléfonos" in text and "Hoy (martes)" in text and "ABIERTO AHORA" in text
        await pilot.press("f7")  # to English, on the open page
        await settle(pilot)
        assert app.ui_lang == "en"
        assert "Phones" in plain(detail.query_one("#detail-body", Static))
        await pilot.press("escape")
        await settle(pilot)
        assert screen.query_one("#query", Input).placeholder.startswith("Search:")
        assert plain(screen.query_one("#chip-language", Static)) == "Language"
        footer = {b.binding.description for b in screen.active_bindings.values() if b.binding.show}
        assert {"Help", "Place", "Need", "Español", "End call"} <= footer


async def test_the_slip_language_follows_the_interface_language_when_it_is_switched(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")  # Spanish interface
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert "Hoja en español" in plain(app.screen.query_one("#referral-title", Static))
        await pilot.press("f7")  # and back
        await settle(pilot)
        assert "Slip in English" in plain(app.screen.query_one("#referral-title", Static))


async def test_a_slip_language_from_the_settings_file_stays_when_the_interface_switches(make_app):
    app = make_app(config=Config(slip_language="en"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert app.ui_lang == "es" and app.slip_lang == "en"


async def test_spanish_slip_from_an_english_interface_and_back(make_app):
    app = make_app(lang="es", config=Config(slip_language="en"))
    async with app.run_test(size=SIZE):
        assert app.slip_lang == "en" and app.ui_lang == "es"


# ---- end of call --------------------------------------------------------------------------------

async def test_end_call_clears_query_filters_referrals_and_note(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.filters = FilterState(language="es")
        await type_text(pilot, "centro de salud")
        await settle(pilot)
        await pilot.press("down", "a")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        app.note = "caller's first name"
        await pilot.press("f3")
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmEndCall)
        await pilot.press("escape")  # changed my mind
        await settle(pilot)
        assert len(app.referrals) == 1
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#query", Input).value == ""
        assert screen.filters.is_empty
        assert app.referrals == () and app.note == "" and app.slip_lang == "en"
        assert app.focused is screen.query_one("#query", Input)
        assert len(names(app)) == 8


async def test_end_call_without_a_referral_list_needs_no_confirmation(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "hope")
        await settle(pilot)
        await pilot.press("ctrl+n")  # the second key, for terminals that keep F10 for their menu
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#query", Input).value == ""


# ---- keys, help, palette, themes ----------------------------------------------------------------

async def test_question_mark_types_in_the_search_box_and_helps_elsewhere(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "what?")
        await settle(pilot)
        assert app.screen.query_one("#query", Input).value == "what?"
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("escape")  # clear the words
        await settle(pilot)
        await pilot.press("down", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = plain(app.screen.query_one("#help-text", Static))
        assert "F10" in text and "End call" in text and "[end_call]" in text


async def test_keymap_overrides_from_the_settings_file(make_app, tmp_path, monkeypatch):
    settings = tmp_path / "config.toml"
    settings.write_text('[keys]\nend_call = "f12"\nhelp = "f11"\n', encoding="utf-8")
    monkeypatch.setenv("HELPLINE_CONFIG", str(settings))
    from helpline_tui import config

    loaded = config.load()
    assert loaded.keys == {"end_call": "f12", "help": "f11"} and loaded.error is None
    app = make_app(config=loaded)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "hope")
        await settle(pilot)
        await pilot.press("f10")  # no longer bound
        await settle(pilot)
        assert app.screen.query_one("#query", Input).value == "hope"
        await pilot.press("f12")
        await settle(pilot)
        assert app.screen.query_one("#query", Input).value == ""
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "F12" in plain(app.screen.query_one("#help-text", Static))


async def test_a_broken_settings_file_is_reported_not_fatal(make_app, tmp_path):
    settings = tmp_path / "config.toml"
    settings.write_text("[keys\n", encoding="utf-8")
    from helpline_tui import config

    loaded = config.load(settings)
    assert loaded.error and str(settings) in loaded.error and loaded.keys == {}
    app = make_app(config=loaded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("Settings file ignored" in n.message for n in app._notifications)


async def test_command_palette_runs_commands_and_sets_filters(make_app):
    app = make_app(lang="es")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        assert app.screen.query_one(Input).placeholder == "Buscar órdenes, filtros y temas…"
        await type_text(pilot, "metadona")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.filters.needs == ("methadone",)


@pytest.mark.parametrize("requested, expected", [
    ("high-contrast", "high-contrast"), ("dark", "textual-dark"), ("light", "textual-light"),
    ("ansi-dark", "ansi-dark"), (None, "textual-dark"),
])
async def test_themes(make_app, requested, expected):
    app = make_app(theme=requested)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == expected


async def test_unknown_theme_falls_back_with_a_notice(make_app):
    app = make_app(theme="purple-rain")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert any("purple-rain" in n.message for n in app._notifications)


async def test_no_color_is_respected(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(theme="high-contrast")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.no_color
        assert any(type(f).__name__ in ("Monochrome", "NoColor") for f in app._filters)
    assert os.environ.get("NO_COLOR") == "1"  # read, not consumed


# ---- live directory -----------------------------------------------------------------------------

async def test_an_import_while_open_is_picked_up_and_the_call_is_kept(make_app, tmp_path):
    db = build_directory(tmp_path / "live.sqlite")
    app = make_app(db=db, poll_seconds=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.filters = FilterState(language="es")
        await type_text(pilot, "nueva")
        await settle(pilot)
        assert names(app) == ["Casa Nueva Vida"]
        await pilot.press("down", "a")
        await settle(pilot)
        generation = app.directory.generation
        added = ServiceRecord(name="Nueva Esperanza Recovery", source="test", source_key="99", row=99,
                              city="Chelsea", state="MA", zip="02150", phone="617-555-0199",
                              languages=["es"], needs=["outpatient"])
        run_import(db, [*tui_records(), added], source="test", format="test", origin="tests")
        assert await reloaded(pilot, app, generation)
        assert sorted(names(app)) == ["Casa Nueva Vida", "Nueva Esperanza Recovery"]
        assert screen.query_one("#query", Input).value == "nueva"
        assert screen.filters.language == "es"
        assert [r["name"] for r in app.referrals] == ["Casa Nueva Vida"]
        assert "9 services" in plain(screen.query_one("#directory-info", Static))
        assert any("Directory updated" in n.message for n in app._notifications)


async def test_a_failing_search_is_reported_and_the_app_keeps_going(make_app, monkeypatch):
    import helpline_tui.ui.screens.search as search_screen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def broken(*args, **kwargs):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(search_screen, "search", broken)
        await type_text(pilot, "x")
        await settle(pilot)
        assert "The search failed: RuntimeError: disk on fire" in status(app)
        monkeypatch.undo()
        await pilot.press("backspace")
        await settle(pilot)
        assert status(app).startswith("8 of 8")


async def test_help_closes_with_f1_and_ctrl_c_says_how_to_quit_in_spanish(make_app):
    app = make_app(lang="es")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "Teclas y ayuda" in str(app.screen.query(Static).first().render())
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("down")  # out of the search box (where ctrl+c copies)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert any("Pulse ^q para salir" in n.message for n in app._notifications)


async def test_enter_before_the_results_arrive_opens_the_top_result_of_the_last_words(make_app, monkeypatch):
    import time as time_mod

    import helpline_tui.ui.screens.search as search_screen

    real = search_screen.search

    def slow(*args, **kwargs):
        time_mod.sleep(0.2)
        return real(*args, **kwargs)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(search_screen, "search", slow)
        await type_text(pilot, "casa")
        await pilot.press("enter")  # Enter waits for the results of "casa", then opens the top one
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.hit.record["name"] == "Casa Nueva Vida"


async def test_nearest_first_orders_results_by_distance_from_the_keyboard(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.filters = FilterState(place="10701", place_label="10701", radius=100)
        await settle(pilot)
        await pilot.press("down")  # into the list: letters are commands there
        await pilot.press("o")
        await settle(pilot)
        assert screen.filters.nearest_first
        hits = screen.query_one("#results", ResultsList).hits
        distances = [h.distance_miles for h in hits if h.distance_miles is not None]
        assert len(distances) >= 2 and distances == sorted(distances)
        await pilot.press("o")
        await settle(pilot)
        assert not screen.filters.nearest_first


async def test_a_search_still_running_for_older_words_is_interrupted_by_the_next_key(make_app, monkeypatch):
    import sqlite3
    import threading

    import helpline_tui.ui.screens.search as search_screen

    real = search_screen.search
    started, failures = threading.Event(), []

    def slow_for_the_first_words(conn, text, *args, **kwargs):
        if text == "casa":  # a query that would keep SQLite busy for many seconds
            started.set()
            try:
                conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 80000000) "
                             "SELECT count(*) FROM n").fetchone()
            except sqlite3.OperationalError as exc:
                failures.append(exc)
                raise
        return real(conn, text, *args, **kwargs)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(search_screen, "search", slow_for_the_first_words)
        screen = app.screen
        screen.query_one("#query", Input).value = "casa"
        for _ in range(200):
            if started.is_set():
                break
            await pilot.pause(0.01)
        assert started.is_set()
        await pilot.press("space", "n")
        await settle(pilot)
        assert [str(exc) for exc in failures] == ["interrupted"]
        assert screen.painted_seq == screen.latest_seq
        assert names(app) == ["Casa Nueva Vida"]
        assert not status(app).startswith("!")  # the interrupted search is not reported as a failure
