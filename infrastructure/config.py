"""Configuration: every setting has a safe local default and a TONGBAN_* environment override."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from domain.errors import DomainError

PREFIX = "TONGBAN_"
DEMO_PASSPHRASE = "tongban-demo-only"  # noqa: S105 - a local demo default, documented as such


def _env(name: str, default: str) -> str:
    return os.environ.get(PREFIX + name, default)


def data_dir() -> Path:
    """The data directory alone: readable even when another setting is not."""
    return Path(_env("DATA_DIR", "data"))


def _positive_seconds(name: str, default: str) -> float:
    text = _env(name, default)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise DomainError(
            "INVALID_SETTING", f"环境变量 {PREFIX}{name}={text!r} 应为正的秒数 ({PREFIX}{name} must be a positive number of seconds)."
        )
    return value


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=data_dir)
    db_url: str = ""
    keystore_dir: Path | None = None
    key_passphrase: str = field(default_factory=lambda: _env("KEY_PASSPHRASE", DEMO_PASSPHRASE))
    policy: str = field(default_factory=lambda: _env("POLICY", "baotou"))
    # How often `tongban serve` signs a checkpoint of the global log, when it has grown (seconds).
    checkpoint_seconds: float = field(default_factory=lambda: _positive_seconds("CHECKPOINT_SECONDS", "300"))
    calendar_file: str = ""  # the bureau's working-day overrides (years the library does not know yet)

    def __post_init__(self) -> None:
        if not self.db_url:
            default = f"sqlite:///{self.data_dir / 'tongban.sqlite3'}"
            object.__setattr__(self, "db_url", _env("DB", default))
        if not self.calendar_file:
            object.__setattr__(self, "calendar_file", _env("CALENDAR", str(self.data_dir / "calendar-overrides.json")))
        if self.keystore_dir is None:
            object.__setattr__(self, "keystore_dir", Path(_env("KEYSTORE", str(self.data_dir / "keys"))))

    @property
    def keys(self) -> Path:
        assert self.keystore_dir is not None
        return self.keystore_dir
