"""The call tally in `helpline --plain`, as a real process on a pseudo-terminal: `--tally PATH` turns it
on, "nothing suitable" marks the search's needs, "end call" writes the call; nothing typed is kept."""

from __future__ import annotations

import sqlite3

from tests.test_plain import PlainProcess


def test_plain_mode_tallies_a_call_at_end_call(sample_db, tmp_path):
    settings = tmp_path / "config.toml"
    settings.write_text(f'[referral]\nfolder = "{tmp_path / "slips"}"\n[tally]\nzone = "America/New_York"\n',
                        encoding="utf-8")
    path = tmp_path / "tally" / "tally.sqlite"
    plain = PlainProcess(sample_db, settings, "--plain", "--tally", str(path))
    try:
        assert any(line.startswith("Call tally on:") for line in plain.greeting), plain.greeting
        plain.say("housing chelsea")
        assert plain.say("nothing suitable") == ["Nothing suitable found: Housing / sober living. "
                                                 "Counted when the call ends."]
        plain.say("metadona yonkers")
        plain.say("add 1")
        plain.say("note call back at 914 555 0177")
        assert plain.say("end call")[0].startswith("End the call?")
        assert plain.say("yes") == ["Call ended: search, filters, referral list and note cleared."]
        plain.end(b"quit\n")
    finally:
        plain.close()
    conn = sqlite3.connect(path)
    calls = conn.execute("SELECT ui_language, state, county FROM calls").fetchall()
    needs = sorted(conn.execute("SELECT need, outcome FROM call_needs").fetchall())
    referrals = conn.execute("SELECT count(*) FROM call_referrals").fetchone()[0]
    conn.close()
    # The last place searched is the caller's; both needs asked are the call's.
    assert calls == [("en", "NY", "Westchester County")]
    assert needs == [("housing", "nothing-suitable"), ("methadone", "referred")]
    assert referrals == 1
    kept = b"".join(p.read_bytes() for p in path.parent.iterdir()).lower()
    for typed in (b"chelsea", b"yonkers", b"metadona", b"call back", b"0177", b"10701"):
        assert typed not in kept
