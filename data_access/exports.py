"""The computed tables `python -m data_access export KIND` writes (see the data contract).

Each area registers its table here: a function taking a session and the export options and returning
a DataFrame already formatted by `export_format.format_export`, in the contract's column order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from data_access.export_format import ExportOptions


@dataclass(frozen=True)
class Export:
    description: str
    build: Callable[[Session, ExportOptions], pd.DataFrame]


# The kinds, by name, for the command line's help: naming them must not import every area (that
# alone took a third of a second of every command's start-up).
EXPORT_KINDS = (
    "actions",
    "equity",
    "fidelity",
    "staff_pulse",
    "staffing",
    "supervision",
    "support_need",
    "system_health",
)


def registered_exports() -> dict[str, Export]:
    """Every export kind, imported lazily so the command line starts fast."""
    exports: dict[str, Export] = {}
    from data_access.fidelity.export import build_fidelity_export

    exports["fidelity"] = Export(
        "one row per building, instrument, administration date and scale", build_fidelity_export
    )
    from data_access.actions.export import export_actions

    exports["actions"] = Export("one row per follow-up action", export_actions)
    from data_access.equity.export import build_equity_export

    exports["equity"] = Export(
        "one row per school year, building (and DISTRICT), indicator and student group",
        build_equity_export,
    )
    from data_access.staff_support.export import build_staffing_export, build_supervision_export

    exports["staffing"] = Export(
        "one row per school year, building (and DISTRICT) and role", build_staffing_export
    )
    exports["supervision"] = Export(
        "one row per support staff member active in the school year of --as-of",
        build_supervision_export,
    )
    from data_access.staff_support.pulse import build_staff_pulse_export

    exports["staff_pulse"] = Export(
        "one row per school year, building (and DISTRICT) and role (and ALL); fewer than 5 "
        "responses withheld",
        build_staff_pulse_export,
    )
    from data_access.staff_support.need import build_support_need_export

    exports["support_need"] = Export(
        "one row per school year and building (and DISTRICT): students needing support per "
        "support FTE and where the next support hire helps most",
        build_support_need_export,
    )
    from data_access.system_health.export import build_system_health_export

    exports["system_health"] = Export(
        "one row per school year and building (and DISTRICT): tiers, screening, unmet need, "
        "behaviour and supports; small counts withheld",
        build_system_health_export,
    )
    return exports
