"""The plain interface (`helpline --plain`, or `plain = true` in the settings): a line-oriented
way through a call for handlers who use a screen reader. A prompt, one typed line, short lines in
answer: no colour, no cursor movement, no redraws. The same search, referral list and slip as the
TUI, through the same core functions; no Textual here."""
