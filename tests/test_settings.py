"""Settings: the documented defaults, and overrides from the environment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from data_access.settings import PROJECT_ROOT, Settings, get_settings


def test_defaults_are_the_documented_ones(monkeypatch):
    for name in (
        "DATABASE_URL",
        "MTSS_MIN_CELL_SIZE",
        "MTSS_RECOMMENDED_RATIOS",
        "MTSS_DEMO_ON_FIRST_RUN",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = get_settings()
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'mtss.db'}"
    assert (settings.min_cell_size, settings.min_n_size, settings.risk_ratio_threshold) == (
        10,
        30,
        2.0,
    )
    assert settings.supervision_window_days == 42
    assert settings.recommended_ratios == {
        "counselor": 250,
        "psychologist": 500,
        "social_worker": 250,
        "nurse": 750,
    }
    assert settings.loads_demo_on_first_run  # the default store fills itself on the first run


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://mtss@db/mtss")
    monkeypatch.setenv("MTSS_MIN_CELL_SIZE", "20")
    monkeypatch.setenv("MTSS_RECOMMENDED_RATIOS", '{"counselor": 300, "nurse": 750}')
    settings = get_settings()
    assert settings.database_url == "postgresql+psycopg://mtss@db/mtss"
    assert settings.min_cell_size == 20
    assert settings.recommended_ratios == {"counselor": 300, "nurse": 750}
    # A district's own database never fills with made-up data unless asked to.
    assert not settings.loads_demo_on_first_run


def test_a_nonsensical_threshold_is_refused(monkeypatch):
    monkeypatch.setenv("MTSS_RISK_RATIO_THRESHOLD", "0.5")
    with pytest.raises(ValidationError, match="risk_ratio_threshold"):
        Settings()
