"""What a volunteer reads on a service's page and on the referral screen at 80x24: plain words in the
interface language, never an internal value or a protocol name."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.ui.conftest import open_service, settle, type_text

SIZE = (80, 24)


def plain(widget: Static) -> str:
    return str(widget.render())


@pytest.mark.parametrize(("lang", "position"), [
    ("es", "Posición      ~ aproximada (centro del código postal)"),
    ("en", "Position      ~ approximate (centre of the ZIP code)"),
])
async def test_a_position_from_a_zip_code_is_said_in_words(make_app, lang, position):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_service(pilot, "hope house")  # placed at its ZIP code's centre
        text = plain(screen.query_one("#detail-body", Static))
        assert position in text
        assert "zip-centroid" not in text


@pytest.mark.parametrize(("lang", "copied", "allows"), [
    ("es", "Hoja copiada, si el terminal lo permite. Si no se pega, guárdela con F4.", "si el terminal lo permite"),
    ("en", "Slip copied, if the terminal allows it. If it won't paste, save it with F4.", "when the terminal allows it"),
])
async def test_copying_the_slip_is_confirmed_without_protocol_names(make_app, lang, copied, allows):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "yonkers comp")
        await settle(pilot)
        await pilot.press("down", "a", "f6")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.clipboard.startswith(("Servicios recomendados", "Services recommended"))
        status = plain(app.screen.query_one("#referral-status", Static))
        assert status == copied  # whole, on one line at 80 columns
        assert "OSC" not in status
        await pilot.press("f1")
        await settle(pilot)
        help_text = plain(app.screen.query_one("#help-text", Static))
        assert allows in help_text and "set -g set-clipboard on" in help_text
        assert "OSC" not in help_text


ROW_LABELS = ("phone.intake", "phone.main", "phone.hotline", "phone.dial_in", "detail.join_online", "detail.county", "detail.service_area",
              "detail.distance", "detail.week", "detail.website", "detail.email", "detail.source",
              "detail.imported", "detail.verified", "detail.position", "detail.status", "detail.id")


def test_every_label_of_a_page_row_fits_its_column_in_both_languages():
    from helpline_tui.i18n import t
    from helpline_tui.ui.render import ROW_LABEL_WIDTH

    too_long = [(key, lang, t(key, lang)) for key in ROW_LABELS for lang in ("en", "es")
                if len(t(key, lang)) >= ROW_LABEL_WIDTH]
    assert too_long == []


async def test_spanish_page_rows_read_as_label_then_value(make_app):
    app = make_app(lang="es")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_service(pilot, "hopeline")  # a service area, not verified, no map position
        text = plain(screen.query_one("#detail-body", Static))
        # The value starts in the same column on every row, apart from its label.
        assert "  Área atendida Statewide (New York)\n" in text
        assert "  Verificado    la fuente no indica verificación\n" in text
        assert "  Posición      sin posición en el mapa\n" in text
        assert "  Identificador " in text
