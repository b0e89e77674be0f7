"""Refusals: every refused command raises a DomainError with a stable code and a plain message."""

from __future__ import annotations


class DomainError(Exception):
    """A command the rules refuse. ``code`` is stable and machine-readable; ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
