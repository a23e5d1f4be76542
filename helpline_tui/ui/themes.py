"""Themes: dark, light and a high-contrast theme of our own (Textual ships none).

`--theme` and the settings file accept the short names below or any registered Textual theme
(`ansi-dark` and `ansi-light` keep the terminal's own palette). Meaning is never carried by colour
alone anywhere in the app, so a theme only changes how it looks.
"""

from __future__ import annotations

from textual.theme import BUILTIN_THEMES, Theme

HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFFF00",
    error="#FF5555",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#FFFFFF",
    dark=True,
    variables={
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#FFFF00",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": "#FFFFFF",
        "block-cursor-blurred-background": "#0000AA",
        "block-cursor-blurred-text-style": "bold",
        "border": "#FFFF00",
        "border-blurred": "#FFFFFF",
        "footer-key-foreground": "#FFFF00",
        "footer-background": "#000000",
        "footer-foreground": "#FFFFFF",
        "footer-description-foreground": "#FFFFFF",
        "input-cursor-background": "#FFFFFF",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#FFFF00 50%",
        "text-muted": "#FFFFFF",
        "text-disabled": "#D0D0D0",
        "scrollbar": "#FFFFFF",
        "scrollbar-background": "#000000",
    },
)

ALIASES = {"dark": "textual-dark", "light": "textual-light", "high-contrast": "high-contrast"}
CYCLE = ("textual-dark", "textual-light", "high-contrast")
DEFAULT = "textual-dark"


def resolve(name: str | None) -> str | None:
    """The registered theme name for a user's theme name; None when it is unknown."""
    if not name:
        return DEFAULT
    name = name.strip().lower()
    if name in ALIASES:
        return ALIASES[name]
    if name in BUILTIN_THEMES or name == HIGH_CONTRAST.name:
        return name
    return None


def next_theme(current: str) -> str:
    try:
        return CYCLE[(CYCLE.index(current) + 1) % len(CYCLE)]
    except ValueError:
        return CYCLE[0]
