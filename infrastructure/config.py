"""Configuration: every setting has a safe local default and a TONGBAN_* environment override, typed and
checked by pydantic-settings; a value that does not parse is INVALID_SETTING, naming the variable.
The README's settings table lists them (a test keeps it true)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.errors import DomainError

PREFIX = "TONGBAN_"
DEMO_PASSPHRASE = "tongban-demo-only"  # noqa: S105 - a local demo default, documented as such


def data_dir() -> Path:
    """The data directory alone: readable even when another setting is not."""
    return Path(os.environ.get(PREFIX + "DATA_DIR", "data"))


def _or_env(field_name: str, variable: str) -> AliasChoices:
    """Given in code by its field name, or in the environment as TONGBAN_<variable>."""
    return AliasChoices(field_name, PREFIX + variable)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, case_sensitive=True, frozen=True, extra="forbid", populate_by_name=True)

    data_dir: Path = Field(default=Path("data"), validation_alias=_or_env("data_dir", "DATA_DIR"))
    db_url: str = Field(default="", validation_alias=_or_env("db_url", "DB"))
    # A PostgreSQL hot standby of db_url that `tongban serve` answers reads from (读库); commands still go to db_url.
    read_db_url: str = Field(default="", validation_alias=_or_env("read_db_url", "READ_DB"))
    keystore_dir: Path = Field(default=Path(), validation_alias=_or_env("keystore_dir", "KEYSTORE"))
    key_passphrase: str = Field(default=DEMO_PASSPHRASE, repr=False, validation_alias=_or_env("key_passphrase", "KEY_PASSPHRASE"))
    policy: str = Field(default="baotou", validation_alias=_or_env("policy", "POLICY"))
    # How often `tongban serve` signs a checkpoint of the global log, when it has grown (seconds).
    checkpoint_seconds: float = Field(
        default=300.0, gt=0, allow_inf_nan=False, validation_alias=_or_env("checkpoint_seconds", "CHECKPOINT_SECONDS")
    )
    # The bureau's working-day overrides (years the calendar library does not know yet).
    calendar_file: str = Field(default="", validation_alias=_or_env("calendar_file", "CALENDAR"))

    def __init__(self, **values: Any) -> None:
        """Settings given in code override the environment; one given as "" or None is not given."""
        try:
            super().__init__(**{k: v for k, v in values.items() if v not in ("", None)})
        except ValidationError as error:
            raise DomainError("INVALID_SETTING", _why(error)) from None

    @model_validator(mode="after")
    def _beside_the_data(self) -> Settings:
        """The database, keystore and calendar live in the data directory unless set apart."""
        defaults = {
            "db_url": f"sqlite:///{self.data_dir / 'tongban.sqlite3'}",
            "keystore_dir": self.data_dir / "keys",
            "calendar_file": str(self.data_dir / "calendar-overrides.json"),
        }
        self.__dict__.update({name: value for name, value in defaults.items() if name not in self.model_fields_set})  # still frozen after
        if self.read_db_url and not (self.db_url.startswith("postgres") and self.read_db_url.startswith("postgres")):
            raise ValueError(
                "读库须为 PostgreSQL 主库的流复制备库 (TONGBAN_READ_DB must be a PostgreSQL streaming replica of a PostgreSQL TONGBAN_DB)"
            )
        return self

    @property
    def keys(self) -> Path:
        return self.keystore_dir


def _why(error: ValidationError) -> str:
    """Each setting that does not parse, named as its environment variable."""
    parts = []
    for problem in error.errors():
        if not problem["loc"]:  # a rule across settings (_beside_the_data): its message names them
            parts.append(str(problem["msg"]).removeprefix("Value error, "))
            continue
        name = str(problem["loc"][0])
        given = f"{name if name.startswith(PREFIX) else PREFIX + name.upper()}={problem.get('input')!r}"
        parts.append(f"设置 {given} 无效 ({given} is not valid: {problem['msg']})")
    return "; ".join(parts) + "."
