"""Messages screens post up to the App, which owns the call (referral list, note) and navigation."""

from __future__ import annotations

from textual.message import Message

from helpline_tui.core.search import Hit


class OpenService(Message):
    """Show a service's page."""

    def __init__(self, hit: Hit) -> None:
        super().__init__()
        self.hit = hit


class ToggleReferral(Message):
    """Add the service to the call's referral list, or take it out."""

    def __init__(self, record_id: str, name: str) -> None:
        super().__init__()
        self.record_id = record_id
        self.name = name
