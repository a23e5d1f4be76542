"""`helpline --plain`, the line-by-line interface for screen readers, driven as a handler with a
screen reader would: a real process on a pseudo-terminal, one line typed at a time, and what it
printed read back line by line (the terminal's own echo of the typed line, then the answer, then the
prompt)."""

from __future__ import annotations

import os
import re
import select
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from tests.conftest import ROOT

PROMPT = "> "
DEADLINE = 60.0  # seconds for one answer: a bound against a hung test, not a speed check


class PlainProcess:
    """`helpline --plain` on a pty. `say(line)` types a line and returns the lines printed in answer."""

    def __init__(self, db: Path, config: Path, *args: str):
        self.master, slave = os.openpty()
        # A UTF-8 terminal, as a handler's is (under the C locale Python would pass any byte through).
        env = dict(os.environ, HELPLINE_CONFIG=str(config), TERM="xterm-256color", LC_ALL="C.UTF-8")
        env.pop("NO_COLOR", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "helpline_tui", "--db", str(db), *args],
                                     stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                                     start_new_session=True)
        os.close(slave)
        self.transcript, self.raw = "", b""
        try:
            self.greeting = self._read_to_prompt()
        except BaseException:
            self.close()
            raise

    def _read(self, deadline: float | None = None) -> str:
        wait = DEADLINE if deadline is None else deadline - time.monotonic()
        ready, _, _ = select.select([self.master], [], [], max(wait, 0))
        if not ready:
            raise AssertionError(f"no answer within {DEADLINE} s; printed so far:\n{self.transcript}")
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the process closed the terminal
            data = b""
        self.raw += data
        text = data.decode("utf-8", errors="replace")  # the echo of bytes typed in another encoding
        self.transcript += text
        return text

    def _read_to_prompt(self) -> list[str]:
        out, deadline = "", time.monotonic() + DEADLINE  # a full-screen program would never show the prompt
        while not (out == PROMPT or out.endswith("\n" + PROMPT)):
            chunk = self._read(deadline)
            if not chunk:
                raise AssertionError(f"the process ended; printed:\n{self.transcript}")
            out += chunk
        return out.replace("\r\n", "\n").split("\n")[:-1]

    def say(self, line: str) -> list[str]:
        os.write(self.master, (line + "\n").encode("utf-8"))
        lines = self._read_to_prompt()
        assert lines[0] == line, lines  # the terminal's echo of what was typed
        return lines[1:]

    def end(self, keys: bytes) -> list[str]:
        """Type `keys` (a command and Enter, or Ctrl-D) and read to the end of the process."""
        os.write(self.master, keys)
        while self._read():
            pass
        assert self.proc.wait(timeout=DEADLINE) == 0
        return self.transcript.replace("\r\n", "\n").split("\n")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        try:
            os.close(self.master)
        except OSError:
            pass


@pytest.fixture
def slips(tmp_path) -> Path:
    return tmp_path / "slips"


@pytest.fixture
def settings(tmp_path, slips) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[referral]\nfolder = "{slips}"\n', encoding="utf-8")
    return path


@pytest.fixture
def plain(sample_db, settings):
    started = []

    def start(*args: str, db: Path | None = None) -> PlainProcess:
        process = PlainProcess(db or sample_db, settings, "--plain", *args)
        started.append(process)
        return process

    yield start
    for process in started:
        process.close()


def _no_terminal_control(text: str) -> None:
    """No colour, no cursor movement, no title or clipboard writes: no escape sequence at all."""
    assert "\x1b" not in text and "\x9b" not in text


def test_a_call_in_english_find_open_add_slip_and_end(plain, slips):
    helpline = plain()
    assert helpline.greeting == ["helpline, plain mode. 6 services. Type what the caller needs, or help."]
    help_line, = helpline.say("help")
    assert help_line.startswith("Commands: type words to search; more; open N; add N;")

    # Anything that is not a command is a search; the count first, then one line per result.
    assert helpline.say("methadone yonkers") == [
        "1 result near Yonkers, NY.",
        "1 of 1: Yonkers Comprehensive Treatment Center, Yonkers, NY, 1.3 miles, "
        "phone 9 1 4, 5 5 5, 0 1 0 3, extension 4, Spanish, English",
    ]
    page = helpline.say("open 1")
    assert page[0] == "Service 1 of 1: Yonkers Comprehensive Treatment Center"
    assert "Intake: 9 1 4, 5 5 5, 0 1 0 3, extension 4" in page
    assert "Main: 9 1 4, 5 5 5, 0 1 0 2" in page
    assert page.index("Intake: 9 1 4, 5 5 5, 0 1 0 3, extension 4") < page.index("Main: 9 1 4, 5 5 5, 0 1 0 2")
    assert "Address: 1200 Main Street, Yonkers, NY 10701" in page
    assert "Languages: Spanish, English" in page
    assert "Needs: Methadone, Buprenorphine (Suboxone), Outpatient" in page
    assert page[-1] == "Not on the list: add 1 adds it."

    assert helpline.say("add") == ["Added to the referral list: Yonkers Comprehensive Treatment Center"]
    assert helpline.say("add 1") == ["Already on the referral list: Yonkers Comprehensive Treatment Center"]
    assert helpline.say("note calls back after 5") == ["Note saved for the slip."]
    assert helpline.say("list") == [
        "Referral list, 1 service:",
        "1: Yonkers Comprehensive Treatment Center, phone 9 1 4, 5 5 5, 0 1 0 3, extension 4",
        "Note: calls back after 5",
    ]

    slip = helpline.say("slip")
    assert slip[:3] == ["Slip in English.", f"Slip, {len(slip) - 4} lines:", "Services recommended for you"]
    assert slip[-2] == "End of slip."
    saved = re.fullmatch(r"Saved: (.+)", slip[-1])
    assert saved, slip[-1]
    path = Path(saved.group(1))
    assert path.parent == slips and path.name.endswith("-en.txt")
    assert path.read_text(encoding="utf-8").rstrip("\n").split("\n") == slip[2:-2]  # what was read out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Note: calls back after 5" in slip
    assert any(line.strip().startswith("Has what you asked for: Methadone") for line in slip), slip

    # End of the call: asked first (the list and note would go), then everything is cleared.
    assert helpline.say("end call") == [
        "End the call? This clears the search, filters, referral list (1) and note. "
        "Type yes to end, anything else to keep working."]
    assert helpline.say("yes") == ["Call ended: search, filters, referral list and note cleared."]
    assert helpline.say("list") == ["The referral list is empty. Add a service with add and its number."]
    assert helpline.say("more") == ["Search first: type what the caller needs."]
    assert helpline.end(b"quit\n")[-2:] == ["Goodbye.", ""]
    _no_terminal_control(helpline.transcript)


def test_a_call_in_spanish(plain, slips):
    helpline = plain("--lang", "es")
    assert helpline.greeting == ["helpline, modo texto. 6 servicios. Escriba lo que necesita la persona, o ayuda."]
    assert helpline.say("ayuda")[0].startswith("Órdenes: escriba palabras para buscar; más; abrir N;")
    assert helpline.say("metadona yonkers") == [
        "1 resultado cerca de Yonkers, NY.",
        "1 de 1: Yonkers Comprehensive Treatment Center, Yonkers, NY, 1,3 millas, "
        "teléfono 9 1 4, 5 5 5, 0 1 0 3, extensión 4, Español, Inglés",
    ]
    page = helpline.say("abrir 1")
    assert page[0] == "Servicio 1 de 1: Yonkers Comprehensive Treatment Center"
    assert "Admisión: 9 1 4, 5 5 5, 0 1 0 3, extensión 4" in page
    assert "Dirección: 1200 Main Street, Yonkers, NY 10701" in page
    assert "Idiomas: Español, Inglés" in page
    assert page[-1] == "No está en la lista: añadir 1 lo añade."
    assert helpline.say("añadir 1") == ["Añadido a la lista de derivación: Yonkers Comprehensive Treatment Center"]

    slip = helpline.say("hoja")
    assert slip[:3] == ["Hoja en español.", f"Hoja, {len(slip) - 4} líneas:", "Servicios recomendados para usted"]
    path = Path(re.fullmatch(r"Guardado: (.+)", slip[-1]).group(1))
    assert path.name.endswith("-es.txt")
    assert path.read_text(encoding="utf-8").rstrip("\n").split("\n") == slip[2:-2]

    assert helpline.say("terminar llamada")[0].startswith("¿Terminar la llamada?")
    assert helpline.say("sí") == ["Llamada terminada: búsqueda, filtros, lista y nota borradas."]
    assert helpline.say("lista") == ["La lista de derivación está vacía. Añada un servicio con añadir y su número."]
    assert helpline.end(b"salir\n")[-2:] == ["Adiós.", ""]
    _no_terminal_control(helpline.transcript)


def test_español_and_english_switch_the_interface_and_the_slip(plain):
    helpline = plain()
    assert helpline.say("español") == ["Interfaz en español."]
    assert helpline.say("metadona yonkers")[0] == "1 resultado cerca de Yonkers, NY."
    helpline.say("a 1")
    assert helpline.say("hoja")[0] == "Hoja en español."
    assert helpline.say("english") == ["Interface in English."]
    slip = helpline.say("slip")
    assert (slip[0], slip[2]) == ("Slip in English.", "Services recommended for you")
    assert helpline.say("slip es")[2] == "Servicios recomendados para usted"  # one slip in the caller's language


def test_a_call_that_is_kept_when_the_end_is_not_confirmed(plain):
    helpline = plain()
    helpline.say("methadone yonkers")
    helpline.say("add 1")
    assert helpline.say("end call")[0].startswith("End the call?")
    # Anything but yes keeps the call, and a search typed there is still a search.
    assert helpline.say("hope house")[:2] == ["Call kept.", "1 result."]
    helpline.say("add 1")
    assert helpline.say("list")[:3] == [
        "Referral list, 2 services:",
        "1: Yonkers Comprehensive Treatment Center, phone 9 1 4, 5 5 5, 0 1 0 3, extension 4",
        "2: Hope House Sober Living, phone 9 1 4, 5 5 5, 0 1 0 4"]
    assert helpline.say("remove 1") == ["Removed from the referral list: Yonkers Comprehensive Treatment Center"]
    assert helpline.say("remove 2") == ["There is no item 2 on the referral list; it holds 1."]
    assert helpline.say("list") == ["Referral list, 1 service:", "1: Hope House Sober Living, phone 9 1 4, 5 5 5, 0 1 0 4"]


def test_a_slip_that_cannot_be_saved_is_still_read_out(sample_db, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    settings = tmp_path / "blocked.toml"
    settings.write_text(f'[referral]\nfolder = "{blocked}"\n', encoding="utf-8")
    helpline = PlainProcess(sample_db, settings, "--plain")
    try:
        helpline.say("methadone yonkers")
        helpline.say("add 1")
        slip = helpline.say("slip")
        assert slip[2] == "Services recommended for you" and slip[-2] == "End of slip."
        assert slip[-1].startswith("Could not save the slip: ")
        assert helpline.say("list")[0] == "Referral list, 1 service:"
    finally:
        helpline.close()


def test_an_install_that_keeps_no_notes_saves_the_slip_without_the_note(sample_db, tmp_path):
    slips = tmp_path / "slips"
    settings = tmp_path / "no-notes.toml"
    settings.write_text(f'[referral]\nfolder = "{slips}"\nkeep_notes = false\n', encoding="utf-8")
    helpline = PlainProcess(sample_db, settings, "--plain")
    try:
        helpline.say("methadone yonkers")
        helpline.say("add 1")
        helpline.say("note calls back after 5")
        slip = helpline.say("slip")
        assert "Note: calls back after 5" in slip  # read out to the caller
        saved = Path(re.fullmatch(r"Saved: (.+)", slip[-1]).group(1)).read_text(encoding="utf-8")
        assert "calls back" not in saved and "Yonkers Comprehensive Treatment Center" in saved
    finally:
        helpline.close()


def test_filters_by_words(plain):
    helpline = plain()
    assert helpline.say("place 10701")[:2] == ["Place: 10701 (Yonkers, NY), within 25 miles.", "3 results near 10701 (Yonkers, NY)."]
    assert helpline.say("language spanish")[:2] == ["Language: Spanish.", "2 results near 10701 (Yonkers, NY)."]
    assert helpline.say("need methadone")[:2] == ["Needs: Methadone.", "1 result near 10701 (Yonkers, NY)."]
    assert helpline.say("filters") == ["Place: 10701 (Yonkers, NY), 25 miles; Language: Spanish; Need: Methadone."]
    assert helpline.say("need lunar landing") == ["lunar landing is not a need helpline knows; helpline needs lists them."]
    problem, = helpline.say("place Atlantis, ZZ")
    assert problem.startswith("Filter problem: ") and "Atlantis" in problem  # one sentence; the call goes on
    assert helpline.say("clear filters")[0] == "Filters cleared."
    assert helpline.say("filters") == ["No filters."]


def test_nearest_first_and_the_day_a_search_names(plain):
    helpline = plain()
    assert helpline.say("nearest") == ["Nearest first needs a place: place ZIP, or a city in the search."]
    helpline.say("place 10701")
    nearest = helpline.say("nearest")
    assert nearest[:2] == ["Nearest first.", "3 results near 10701 (Yonkers, NY)."]
    assert nearest[2].startswith("1 of 3: Hope House Sober Living, Yonkers, NY, about 1 mile,")  # ~1 before 1.7
    assert helpline.say("nearest")[0] == "Best match first."
    helpline.say("clear filters")
    assert helpline.say("grupo tuesday")[:3] == [
        "1 result.", "For Tuesday.",
        "1 of 1: Grupo Esperanza de Alcohólicos Anónimos, Chelsea, MA, Tue 19:00 to 20:00, no phone listed, Spanish"]


def test_more_reads_the_next_ten(plain, tmp_path):
    db = tmp_path / "many.sqlite"
    records = [ServiceRecord(name=f"Recovery Center {n:02d}", source="test", source_key=str(n), row=n,
                             city="Yonkers", state="NY", zip="10701", phone=f"914-555-{n:04d}", needs=["outpatient"])
               for n in range(1, 26)]
    run_import(db, records, source="test", format="test", origin="tests")
    helpline = plain(db=db)
    first = helpline.say("recovery center")
    assert first[0] == "25 results."
    assert [line.split(":")[0] for line in first[1:11]] == [f"{n} of 25" for n in range(1, 11)]
    assert first[11:] == ["Type more for results 11 to 20."]
    second = helpline.say("more")
    assert [line.split(":")[0] for line in second[:10]] == [f"{n} of 25" for n in range(11, 21)]
    assert second[10:] == ["Type more for results 21 to 25."]
    third = helpline.say("m")
    assert [line.split(":")[0] for line in third] == [f"{n} of 25" for n in range(21, 26)]
    assert helpline.say("more") == ["No more results."]
    assert helpline.say("open 23")[0].startswith("Service 23 of 25: Recovery Center")
    assert helpline.say("open 26") == ["There is no result 26; the results go from 1 to 25."]


def test_words_that_begin_like_a_command_are_a_search(plain):
    helpline = plain()
    assert helpline.say("open 1") == ["Search first: type what the caller needs."]
    assert helpline.say("open ²")[0] == "No results."  # a digit to Python, not a number: searched, no traceback
    assert helpline.say("hope house")[0] == "1 result."
    # "open" and "add" take a number: followed by words, they are words of a name to find.
    assert helpline.say("open hope house")[0] in ("1 result.", "No results.")
    assert helpline.say("more than words")[0] != "No more results."


def test_names_from_the_directory_cannot_drive_the_terminal(plain, tmp_path):
    db = tmp_path / "hostile.sqlite"
    run_import(db, [ServiceRecord(name="Safe Haven \x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J", source="test",
                                  source_key="1", row=1, city="Yonkers", state="NY", zip="10701",
                                  phone="914-555-0199", needs=["outpatient"])],
               source="test", format="test", origin="tests")
    helpline = plain(db=db)
    helpline.say("safe haven")
    helpline.say("open 1")
    helpline.say("add 1")
    helpline.say("slip")
    _no_terminal_control(helpline.transcript)


def test_an_import_during_the_call_is_searched_and_the_call_kept(plain, sample_db):
    helpline = plain()
    helpline.say("methadone yonkers")
    helpline.say("add 1")
    extra = ServiceRecord(name="Riverdale Opioid Program", source="other", source_key="1", row=1, city="Yonkers",
                          state="NY", zip="10701", phone="914-555-0111", needs=["methadone"])
    run_import(sample_db, [extra], source="other", format="test", origin="tests")  # swapped in whole
    answer = helpline.say("methadone yonkers")
    assert answer[:2] == ["Directory updated: 7 services.", "2 results near Yonkers, NY."]
    assert helpline.say("list")[0] == "Referral list, 1 service:"


def test_plain_true_in_the_settings_opens_it_and_ctrl_d_quits(sample_db, tmp_path):
    settings = tmp_path / "config.toml"
    settings.write_text("[ui]\nplain = true\nlanguage = \"es\"\n", encoding="utf-8")
    helpline = PlainProcess(sample_db, settings)  # no --plain
    try:
        assert helpline.greeting[0].startswith("helpline, modo texto.")
        assert helpline.end(b"\x04")[-2:] == ["Adiós.", ""]
    finally:
        helpline.close()


def test_ctrl_c_and_bytes_in_another_encoding_keep_the_call(plain):
    helpline = plain()
    helpline.say("methadone yonkers")
    helpline.say("add 1")
    helpline.proc.send_signal(signal.SIGINT)  # Ctrl-C at the prompt (the pty is not its controlling terminal)
    assert helpline._read_to_prompt() == [""]  # a new line and the prompt, nothing else
    start = len(helpline.raw)
    os.write(helpline.master, b"caf\xe9 yonkers\n")  # Latin-1 from a misconfigured terminal
    assert helpline._read_to_prompt()[1:]
    echo, answer = helpline.raw[start:].split(b"\r\n", 1)
    assert answer.decode("utf-8")  # what helpline said is UTF-8 a screen reader can read: no stray byte
    assert helpline.say("list")[0] == "Referral list, 1 service:"


def test_a_missing_directory_is_one_sentence(tmp_path, settings):
    out = subprocess.run([sys.executable, "-m", "helpline_tui", "--db", str(tmp_path / "none.sqlite"), "--plain"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60,
                         env=dict(os.environ, HELPLINE_CONFIG=str(settings)))
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "none.sqlite does not exist" in out.stderr


def test_every_sentence_has_both_languages_and_the_same_placeholders():
    from helpline_tui.plain.words import WORDS

    for key, (en, es) in WORDS.items():
        assert en and es, key
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", es)), key


@pytest.mark.parametrize(("number", "said"), [
    ("(914) 555-0102", "9 1 4, 5 5 5, 0 1 0 2"),
    ("1-800-662-4357", "8 0 0, 6 6 2, 4 3 5 7"),
    ("914.555.0103 ext 4", "9 1 4, 5 5 5, 0 1 0 3, extension 4"),
    ("988", "9 8 8"),
    ("301-715-8592,,83153365392#,,#,,19135459#",
     "3 0 1, 7 1 5, 8 5 9 2, then: meeting ID 831 5336 5392 #, #, passcode 19135459 #"),
])
def test_phones_are_read_digit_by_digit_in_their_groups(number, said):
    from helpline_tui.plain.speech import spoken_phone

    assert spoken_phone(number, "en") == said


def test_the_plain_interface_loads_no_textual():
    code = ("import sys, helpline_tui.plain.session\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith('helpline_tui.ui')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
