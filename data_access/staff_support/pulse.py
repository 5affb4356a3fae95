"""The staff wellbeing pulse, rolled up without exposing anyone: the contract's `staff_pulse` table.

Cells are (building or DISTRICT, role or ALL) per school year. A cell with fewer than
`PULSE_MINIMUM` responses is withheld; so is any further cell needed so that no withheld cell can
be worked out from the published ones. Published rows obey linear rules (a building's ALL row is the
sum of its role rows, a DISTRICT role row the sum of that role's building rows, DISTRICT ALL the sum
of both), and every figure of a row is a count or a sum in disguise (a mean times its responses is
a sum). So a withheld cell is safe exactly when no combination of those rules pins it down: it is
not fixed in the null space of the rules restricted to the withheld cells. `withheld_cells` adds
cells until that holds for every withheld one.

Pure functions on DataFrames; `build_staff_pulse_export` reads the store and formats the file."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from data_access.export_format import ExportOptions, format_export
from data_access.memo import remembered
from data_access.models import PULSE_ITEMS, StaffPulse
from data_access.school_year import school_year_of
from data_access.scope import Scope

PULSE_MINIMUM = 5  # fewer responses than this: the cell is withheld
DISTRICT_ID = "DISTRICT"
ALL_ROLES = "ALL"
STAFF_PULSE_COLUMNS = [
    "school_year",
    "building_id",
    "role",
    "responses",
    *PULSE_ITEMS,
    "pct_drained_often",
    "pct_intend_to_stay",
]
# What a cell adds up: every published figure is one of these divided by another.
SUMS = ["responses", *(f"sum_{item}" for item in PULSE_ITEMS), "drained_often", "stay_answered"]
SUMS.append("stay_yes")

Cell = tuple[str, str]  # (building_id or DISTRICT, role or ALL)


def pulse_sums(responses: pd.DataFrame) -> pd.DataFrame:
    """One row per school year and cell (every building and DISTRICT, every role and ALL, where
    anyone answered) with the sums in `SUMS`. `responses`: building_id, role, responded_on, the
    four items (1-5) and intend_to_stay (True, False or missing)."""
    if responses.empty:
        return pd.DataFrame(columns=["school_year", "building_id", "role", *SUMS])
    frame = responses.copy()
    frame["school_year"] = [school_year_of(day) for day in frame["responded_on"]]
    frame["responses"] = 1
    for item in PULSE_ITEMS:
        frame[f"sum_{item}"] = frame[item].astype("int64")
    frame["drained_often"] = (frame["drained"] >= 4).astype("int64")
    stay = frame["intend_to_stay"]
    frame["stay_answered"] = stay.notna().astype("int64")
    frame["stay_yes"] = stay.map(lambda v: 1 if v is True or v == 1 else 0).astype("int64")
    parts = []
    for building_key in ("building_id", None):
        for role_key in ("role", None):
            keys = ["school_year"] + [k for k in (building_key, role_key) if k]
            part = frame.groupby(keys, as_index=False)[SUMS].sum()
            if building_key is None:
                part["building_id"] = DISTRICT_ID
            if role_key is None:
                part["role"] = ALL_ROLES
            parts.append(part)
    return pd.concat(parts, ignore_index=True)[["school_year", "building_id", "role", *SUMS]]


def _relations(cells: list[Cell]) -> list[tuple[Cell, list[Cell]]]:
    """Every (total, parts) rule among the cells of one school year."""
    present = set(cells)
    buildings = sorted({b for b, _ in cells if b != DISTRICT_ID})
    roles = sorted({r for _, r in cells if r != ALL_ROLES})
    rules = []
    for building in buildings:
        rules.append(((building, ALL_ROLES), [(building, r) for r in roles]))
    for role in roles:
        rules.append(((DISTRICT_ID, role), [(b, role) for b in buildings]))
    rules.append(((DISTRICT_ID, ALL_ROLES), [(b, ALL_ROLES) for b in buildings]))
    rules.append(((DISTRICT_ID, ALL_ROLES), [(DISTRICT_ID, r) for r in roles]))
    return [(total, [p for p in parts if p in present]) for total, parts in rules]


def determined_cells(cells: list[Cell], withheld: set[Cell]) -> set[Cell]:
    """The withheld cells the published ones pin down through the sum rules (absent cells are
    known zeros). A cell is pinned down when it takes the same value in every solution of the
    rules, i.e. its coordinate is zero across the null space of the rules over the withheld cells."""
    unknown = sorted(withheld)
    if not unknown:
        return set()
    where = {cell: i for i, cell in enumerate(unknown)}
    rows = []
    for total, parts in _relations(cells):
        row = np.zeros(len(unknown))
        for cell, sign in [(total, 1.0)] + [(part, -1.0) for part in parts]:
            if cell in where:
                row[where[cell]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set(unknown)  # nothing ties them to anything: cannot happen with a total
    matrix = np.array(rows)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    if null_space.shape[0] == 0:
        return set(unknown)
    fixed = np.abs(null_space).max(axis=0) < 1e-9
    return {cell for cell, is_fixed in zip(unknown, fixed, strict=True) if is_fixed}


def withheld_cells(sizes: dict[Cell, int], minimum: int = PULSE_MINIMUM) -> set[Cell]:
    """The cells of one school year to withhold: those with fewer than `minimum` responses, then
    more until none of them can be worked out, publishing as much as possible: the same search is
    run preferring role cells, then preferring totals, and the one withholding fewer cells wins;
    on a tie, the one keeping more building role rows (as the contract puts it, the ALL and
    DISTRICT rows are the ones withheld too), then fewer responses."""
    tried = [_withhold(sizes, minimum, totals_first=first) for first in (False, True)]

    def role_rows(cells: set[Cell]) -> int:
        return sum(b != DISTRICT_ID and r != ALL_ROLES for b, r in cells)

    return min(
        tried,
        key=lambda cells: (
            len(cells),
            role_rows(cells),
            sum(sizes[c] for c in cells),
            sorted(cells),
        ),
    )


def _withhold(sizes: dict[Cell, int], minimum: int, *, totals_first: bool) -> set[Cell]:
    """First, while a rule holds exactly one withheld cell (its value would be the total minus the
    rest), withhold one more of that rule's cells: one whose other rule already holds a withheld
    cell (that closes a loop sooner), then a role cell before a total (or the reverse), then the
    smallest. Then the exact check (`determined_cells`), which also catches a cell pinned down by
    several rules together; any such cell gets one more withheld cell beside it, and round again."""
    cells = list(sizes)
    rules = _relations(cells)
    withheld = {cell for cell, n in sizes.items() if n < minimum}
    member_of: dict[Cell, list[list[Cell]]] = {cell: [] for cell in cells}
    for total, parts in rules:
        for cell in [total, *parts]:
            member_of[cell].append([total, *parts])

    def cost(cell: Cell, rule: list[Cell] | None = None) -> tuple:
        building, role = cell
        others = [r for r in member_of[cell] if r != rule]
        lonely = not any(other in withheld for r in others for other in r if other != cell)
        margin = (building == DISTRICT_ID) + (role == ALL_ROLES)
        return (
            lonely,
            -margin if totals_first else margin,
            sizes[cell],
            building,
            role,
        )

    while True:
        lone = next(
            (
                rule
                for total, parts in rules
                for rule in [[total, *parts]]
                if sum(cell in withheld for cell in rule) == 1
            ),
            None,
        )
        if lone is not None:
            candidates = [cell for cell in lone if cell not in withheld]
            withheld.add(min(candidates, key=lambda cell: cost(cell, lone)))
            continue
        exposed = determined_cells(cells, withheld)
        if not exposed:
            return withheld
        target = min(exposed, key=cost)
        candidates = {
            cell for rule in member_of[target] for cell in rule if cell not in withheld
        } or {cell for cell in cells if cell not in withheld}
        if not candidates:
            return withheld
        withheld.add(min(candidates, key=cost))


def _mean(total: int, count: int) -> float | None:
    """A mean to 1 decimal, halves rounded up (as a person would by hand)."""
    if not count:
        return None
    value = (Decimal(int(total)) / Decimal(int(count))).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return float(value)


def staff_pulse_table(sums: pd.DataFrame, minimum: int = PULSE_MINIMUM) -> pd.DataFrame:
    """The contract's rows from `pulse_sums`: figures per cell, withheld cells empty (responses
    too: an empty responses cell says fewer than 5, or withheld so that one cannot be worked out)."""
    records = []
    for school_year, year in sums.groupby("school_year", sort=True):
        sizes = {
            (row.building_id, row.role): int(row.responses) for row in year.itertuples(index=False)
        }
        hidden = withheld_cells(sizes, minimum)
        for row in year.itertuples(index=False):
            record = {"school_year": school_year, "building_id": row.building_id, "role": row.role}
            if (row.building_id, row.role) not in hidden:
                n = int(row.responses)
                record["responses"] = n
                for item in PULSE_ITEMS:
                    record[item] = _mean(getattr(row, f"sum_{item}"), n)
                record["pct_drained_often"] = _mean(100 * row.drained_often, n)
                record["pct_intend_to_stay"] = _mean(100 * row.stay_yes, row.stay_answered)
            records.append(record)
    table = pd.DataFrame.from_records(records, columns=STAFF_PULSE_COLUMNS)
    if table.empty:
        return table
    table["_district"] = table["building_id"] == DISTRICT_ID
    table["_all"] = table["role"] == ALL_ROLES
    table = table.sort_values(["school_year", "_district", "building_id", "_all", "role"])
    table = table.drop(columns=["_district", "_all"]).reset_index(drop=True)
    table["responses"] = table["responses"].astype("Int64")
    return table


def read_pulse(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            StaffPulse.building_id,
            StaffPulse.role,
            StaffPulse.responded_on,
            *(getattr(StaffPulse, item) for item in PULSE_ITEMS),
            StaffPulse.intend_to_stay,
        )
    ).all()
    columns = ["building_id", "role", "responded_on", *PULSE_ITEMS, "intend_to_stay"]
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)


@remembered("staff")
def published_pulse(
    session: Session, *, scope: Scope, school_year: str | None = None
) -> pd.DataFrame:
    """The published `staff_pulse` rows (`STAFF_PULSE_COLUMNS`) every screen and the export show:
    every school year (or one). Cells are withheld on the whole district's responses, whoever
    asks, so two scopes' rows cannot be set against each other; a scope then gets its buildings'
    rows and the DISTRICT rows."""
    sums = pulse_sums(read_pulse(session))
    if school_year:  # cells are withheld year by year: the other years need no working out
        sums = sums[sums["school_year"] == school_year]
    table = staff_pulse_table(sums)
    if not scope.is_district:
        keep = (table["building_id"] == DISTRICT_ID) | table["building_id"].map(scope.allows)
        table = table[keep.astype(bool)]
    return table.reset_index(drop=True)


def build_staff_pulse_export(session: Session, options: ExportOptions) -> pd.DataFrame:
    """The contract's `staff_pulse` table, every school year (or `--year`): `published_pulse`."""
    table = published_pulse(session, scope=options.scope, school_year=options.school_year)
    return format_export(
        table,
        percents=[*PULSE_ITEMS, "pct_drained_often", "pct_intend_to_stay"],
    )
