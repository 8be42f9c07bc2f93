"""One small error hierarchy. Each error says what failed, where, and what to do next.

Only the CLI and the web layer turn these into exit codes or HTTP answers.
"""

from __future__ import annotations


class MarketscoutError(Exception):
    """Base class: `what` failed, `where` (file, row, column, URL), and `fix` (what to do)."""

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.what]
        if self.where:
            parts.append(f"Where: {self.where}")
        if self.fix:
            parts.append(f"What to do: {self.fix}")
        return "\n".join(parts)


class InputError(MarketscoutError):
    """A file or table given by the user or a publisher is malformed."""


class UnknownCountryError(InputError):
    """A country name or code could not be mapped to ISO3."""


class StoreError(MarketscoutError):
    """The database could not be opened, read or written."""


class DataNotAvailableError(MarketscoutError):
    """The store holds no data for what was asked."""


class DownloadError(MarketscoutError):
    """A download failed, was truncated, or did not match its checksum."""


class FrameworkError(InputError):
    """An index framework (indicator metadata, recipe, weights) is inconsistent."""
