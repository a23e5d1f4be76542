"""Settings file and folders: platformdirs by default, HELPLINE_CONFIG to override, every key
optional, errors as one sentence."""

from __future__ import annotations

from pathlib import Path

from helpline_tui import config, paths


def test_config_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HELPLINE_CONFIG", str(tmp_path / "x.toml"))
    assert paths.config_file() == tmp_path / "x.toml"
    monkeypatch.delenv("HELPLINE_CONFIG")
    assert paths.config_file().name == "config.toml" and "helpline" in str(paths.config_file())


def test_missing_file_gives_defaults(tmp_path):
    loaded = config.load(tmp_path / "absent.toml")
    assert loaded.error is None and loaded.keys == {} and loaded.ui_language is None


def test_every_setting(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[ui]\nlanguage = "es"\nslip_language = "en"\ntheme = "high-contrast"\n'
                    '[referral]\nfolder = "~/Slips"\n[keys]\nend_call = "f12"\n', encoding="utf-8")
    loaded = config.load(path)
    assert (loaded.ui_language, loaded.slip_language, loaded.theme) == ("es", "en", "high-contrast")
    assert loaded.referral_folder == Path("~/Slips").expanduser() and loaded.keys == {"end_call": "f12"}


def test_bad_values_are_one_sentence(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[ui]\nlanguage = "fr"\n', encoding="utf-8")
    assert config.load(path).error == f"{path}: 'language' must be \"en\" or \"es\""
    path.write_text('[keys]\nend_call = 12\n', encoding="utf-8")
    assert "key binding 'end_call'" in config.load(path).error


def test_a_writable_folder_is_found(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    assert paths.writable_folder([blocked / "sub", tmp_path / "ok"]) == tmp_path / "ok"


def test_settings_file_language_is_used_when_the_command_line_gives_none(tmp_path):
    from helpline_tui.ui.app import HelplineApp
    from tests.ui.conftest import build_directory

    db = build_directory(tmp_path / "services.sqlite")
    app = HelplineApp(db, lang=None, config=config.Config(ui_language="es", theme="light"))
    assert app.ui_lang == "es" and app.theme == "textual-light"
    app = HelplineApp(db, lang="en", config=config.Config(ui_language="es"))
    assert app.ui_lang == "en"
