"""One settings object for the whole product, read from the environment (documented in the README)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "data" / "mtss.db"
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATABASE_PATH}"

# Student-support roles whose supervision the staff-support page tracks.
SUPPORT_ROLES = (
    "counselor",
    "psychologist",
    "social_worker",
    "nurse",
    "intervention_specialist",
    "behavior_specialist",
    "safeguarding_lead",
)


class Settings(BaseSettings):
    """Thresholds and connection details. Every field can be set by an environment variable:
    `DATABASE_URL` for the store, `MTSS_<FIELD>` for the rest (e.g. `MTSS_MIN_CELL_SIZE=20`)."""

    model_config = SettingsConfigDict(env_prefix="MTSS_", frozen=True, extra="ignore")

    database_url: str = Field(default=DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    # Load the small demo district when the app starts on an empty store. Unset means "only for the
    # default SQLite store", so a district's empty PostgreSQL database never fills with made-up data.
    demo_on_first_run: bool | None = None
    # Local mode (no sign-in) shows everything to whoever connects: only on localhost unless this is set.
    allow_local_mode_on_network: bool = False

    # Privacy: no count below the cell size, no rate over fewer students than the n-size.
    min_cell_size: int = Field(default=10, ge=1)
    min_n_size: int = Field(default=30, ge=1)
    risk_ratio_threshold: float = Field(default=2.0, gt=1.0)
    # Identification: a flag of concern that has stood this many school years in a row (34 CFR
    # 300.647(d)(1) lets a state wait up to three) ...
    identification_years: int = Field(default=3, ge=1)
    # The state's comparison rates for the IDEA discipline measures (a CSV: measure, group,
    # comparison_risk; see equity/idea.py), when the district has received them: MTSS_IDEA_STATE_RATES.
    idea_state_rates: Path | None = None
    # ... unless its ratio fell by at least this much in each of the last two school years
    # (reasonable progress, 300.647(d)(2)); unset: no such exemption.
    reasonable_progress: float | None = Field(default=None, gt=0)

    supervision_window_days: int = Field(default=42, ge=1)
    support_roles: tuple[str, ...] = SUPPORT_ROLES
    caseload_flag_ratio: float = Field(default=1.25, gt=1.0)
    # Students per full-time staff member recommended by ASCA, NASP, SSWAA and NASN.
    recommended_ratios: dict[str, int] = {
        "counselor": 250,
        "psychologist": 500,
        "social_worker": 250,
        "nurse": 750,
    }

    @property
    def is_default_store(self) -> bool:
        return self.database_url == DEFAULT_DATABASE_URL

    @property
    def loads_demo_on_first_run(self) -> bool:
        if self.demo_on_first_run is None:
            return self.is_default_store
        return self.demo_on_first_run


@lru_cache
def get_settings() -> Settings:
    """The process's settings; tests that change the environment call `get_settings.cache_clear()`."""
    return Settings()
