"""Settings: defaults beside the data directory, the environment over the defaults, code over the
environment, and a value that does not parse refused with the variable named."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import DomainError
from infrastructure.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
VARIABLES = {
    "data_dir": "TONGBAN_DATA_DIR",
    "db_url": "TONGBAN_DB",
    "read_db_url": "TONGBAN_READ_DB",
    "keystore_dir": "TONGBAN_KEYSTORE",
    "key_passphrase": "TONGBAN_KEY_PASSPHRASE",
    "policy": "TONGBAN_POLICY",
    "checkpoint_seconds": "TONGBAN_CHECKPOINT_SECONDS",
    "calendar_file": "TONGBAN_CALENDAR",
}


@pytest.fixture(autouse=True)
def no_settings_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)


def test_every_setting_is_in_the_readme_table_by_its_variable() -> None:
    assert set(Settings.model_fields) == set(VARIABLES)
    table = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `TONGBAN_")]
    assert sorted(line.split("`")[1] for line in table) == sorted(VARIABLES.values())


def test_the_database_keys_and_calendar_live_in_the_data_directory_unless_set_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONGBAN_DATA_DIR", "/srv/tongban")

    settings = Settings()

    assert (settings.db_url, settings.keys, settings.calendar_file) == (
        "sqlite:////srv/tongban/tongban.sqlite3",
        Path("/srv/tongban/keys"),
        "/srv/tongban/calendar-overrides.json",
    )
    assert (settings.policy, settings.checkpoint_seconds, settings.key_passphrase) == ("baotou", 300.0, "tongban-demo-only")


def test_the_environment_overrides_a_default_and_code_overrides_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONGBAN_DB", "postgresql://db.example/ledger")
    monkeypatch.setenv("TONGBAN_CHECKPOINT_SECONDS", "12.5")

    assert (Settings().db_url, Settings().checkpoint_seconds) == ("postgresql://db.example/ledger", 12.5)
    assert Settings(db_url="sqlite:///other.sqlite3").db_url == "sqlite:///other.sqlite3"
    assert Settings(db_url="").db_url == "postgresql://db.example/ledger"  # an option left empty is not given


@pytest.mark.parametrize("value", ["abc", "0", "-3", "inf", "nan"])
def test_a_checkpoint_interval_that_is_not_a_positive_number_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("TONGBAN_CHECKPOINT_SECONDS", value)

    with pytest.raises(DomainError) as refused:
        Settings()

    assert refused.value.code == "INVALID_SETTING"
    assert f"TONGBAN_CHECKPOINT_SECONDS={value!r}" in refused.value.message


def test_the_passphrase_is_not_shown_when_settings_are_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONGBAN_KEY_PASSPHRASE", "correct horse battery staple")

    assert "correct horse" not in repr(Settings())
