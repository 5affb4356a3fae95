"""Disclosure avoidance for published student counts (equity first, system health and support need
later): which counts may be published.

Primary suppression withholds every count below the minimums (fewer than `min_cell_size` students
with an outcome, fewer than `min_n_size` students in a group; zero counts are small too), and every
group whose "everyone else" is below them, since a building's total minus a group gives everyone
else. Complementary suppression then withholds further counts until no withheld count can be
narrowed to fewer than `min_cell_size` possible values by anyone who adds and subtracts what is
published: a group and everyone else make the building, the race groups (and the sexes, and a yes/no
group with its complement) add up to the building, the buildings add up to the district. This is the
"audit then suppress more" method statistical agencies use for tables with published totals (NCES
SLDS Technical Brief 3; PTAC's disclosure-avoidance guidance), applied to each partition's table of
buildings x groups with both its row and column totals.

Each count is a *cell*: one partition member (a race, a sex, "has an IEP", "has no IEP", ...) in one
building or the district. Everything works on one table at a time: a partition's cells for every row
(the buildings, then the district last), plus each row's total. The attacker's knowledge of a
withheld cell is its label: "too few" says it is below the minimum, "to protect another" says it is
at or above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SHOWN, SMALL, PROTECT = 0, 1, 2  # why a cell is withheld (SHOWN: it is not)
MAX_PASSES = 500
PROPAGATION_ROUNDS = 50


@dataclass
class Table:
    """One partition's cells for every row (buildings first, the district last) of one count.

    `values` (rows x members) are the true counts. `reason` says whether and why each cell is
    withheld. `small_upper` is the most a SMALL cell may hold and `protect_lower` the least a PROTECT
    cell may hold, as far as what is published says (a label, a group size); `upper` caps both."""

    values: np.ndarray
    reason: np.ndarray
    small_upper: np.ndarray
    protect_lower: np.ndarray
    upper_limit: np.ndarray
    priority: np.ndarray  # higher: keep shown if at all possible (a flagged group's count)
    lower: np.ndarray = field(init=False)
    upper: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.refresh_bounds()

    @property
    def hidden(self) -> np.ndarray:
        return self.reason != SHOWN

    def refresh_bounds(self) -> None:
        """What anyone knows of each cell: a shown cell is its value; a withheld one lies between
        what its label and its published neighbours allow."""
        small, protect = self.reason == SMALL, self.reason == PROTECT
        self.lower = np.where(small, 0.0, np.where(protect, self.protect_lower, self.values))
        self.upper = np.where(
            small,
            np.minimum(self.small_upper, self.upper_limit),
            np.where(protect, self.upper_limit, self.values),
        ).astype(float)
        self.lower = self.lower.astype(float)

    def protect(self, row: int, column: int) -> None:
        if self.reason[row, column] == SHOWN:
            self.reason[row, column] = PROTECT
            self.lower[row, column] = self.protect_lower[row, column]
            self.upper[row, column] = self.upper_limit[row, column]


def ranges(
    lower: np.ndarray,
    upper: np.ndarray,
    total_lower: np.ndarray,
    total_upper: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For constraints sum_j x[r, j] = t[r] with x[r, j] in [lower, upper] and t[r] in [total_lower,
    total_upper] (equal bounds: a known value), the narrowest range of each x and each t that anyone
    can work out from that one constraint. Returns (x_low, x_high, t_low, t_high)."""
    infinite = np.isinf(upper)
    finite_upper = np.where(infinite, 0.0, upper)
    sum_lower = lower.sum(axis=1)
    sum_upper_finite = finite_upper.sum(axis=1)
    infinite_count = infinite.sum(axis=1)
    others_lower = sum_lower[:, None] - lower
    others_infinite = (infinite_count[:, None] - infinite) > 0
    others_upper = np.where(others_infinite, np.inf, sum_upper_finite[:, None] - finite_upper)
    with np.errstate(invalid="ignore"):
        x_low = np.maximum(lower, total_lower[:, None] - others_upper)
        x_high = np.minimum(upper, total_upper[:, None] - others_lower)
    sum_upper = np.where(infinite_count > 0, np.inf, sum_upper_finite)
    t_low = np.maximum(total_lower, sum_lower)
    t_high = np.minimum(total_upper, sum_upper)
    return x_low, x_high, t_low, t_high


def possible_values(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """How many whole numbers lie in [low, high] (infinite for an unbounded range)."""
    with np.errstate(invalid="ignore"):
        count = np.floor(high + 1e-9) - np.ceil(low - 1e-9) + 1
    return np.where(np.isinf(high) | np.isinf(low), np.inf, count)


@dataclass
class Count:
    """One count over the district (the students of a population, or the students with an outcome):
    its partition tables and each row's total. `total_known` is False for an outcome's count, whose
    building total is known only while some cell of that building is shown."""

    tables: list[Table]
    totals: np.ndarray  # one per row, the district last
    total_known: bool
    min_size: int  # the fewest possible values a withheld cell must keep
    # The exact audit (suppression_audit) after the interval checks. Off only for the intervention
    # tables, whose columns are a district's own intervention names: with hundreds of them the
    # linear programmes took minutes (README, the privacy paragraph of the equity section).
    exact: bool = True

    def total_hidden(self) -> np.ndarray:
        if self.total_known:
            return np.zeros(len(self.totals), dtype=bool)
        # A row's total is published the moment one of its cells is (a group plus everyone else).
        return np.logical_and.reduce([table.hidden.all(axis=1) for table in self.tables])

    def bounds(self) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray, np.ndarray]:
        """What anyone can work out of every cell and row total from what is published: start from
        the labels, then narrow each range by every row (members add up to the total), column
        (buildings add up to the district) and the totals' own column, over and over, until nothing
        narrows further. Returns each table's (low, high) and the totals' low and high."""
        hidden_total = self.total_hidden()
        total_low = np.where(hidden_total, 0.0, self.totals).astype(float)
        total_high = np.where(hidden_total, np.inf, self.totals).astype(float)
        cells = [(table.lower.copy(), table.upper.copy()) for table in self.tables]
        for _ in range(PROPAGATION_ROUNDS):
            before = [low.sum() + np.nan_to_num(high, posinf=1e12).sum() for low, high in cells]
            before.append(total_low.sum() + np.nan_to_num(total_high, posinf=1e12).sum())
            for i, (low, high) in enumerate(cells):
                x_low, x_high, t_low, t_high = ranges(low, high, total_low, total_high)
                low, high = np.maximum(low, x_low), np.minimum(high, x_high)
                total_low, total_high = t_low, t_high
                x_low, x_high, d_low, d_high = ranges(low[:-1].T, high[:-1].T, low[-1], high[-1])
                low = np.vstack([np.maximum(low[:-1], x_low.T), np.maximum(low[-1], d_low)])
                high = np.vstack([np.minimum(high[:-1], x_high.T), np.minimum(high[-1], d_high)])
                cells[i] = (low, high)
            b_low, b_high, d_low, d_high = ranges(
                total_low[None, :-1], total_high[None, :-1], total_low[-1:], total_high[-1:]
            )
            total_low = np.concatenate([b_low[0], d_low])
            total_high = np.concatenate([b_high[0], d_high])
            after = [low.sum() + np.nan_to_num(high, posinf=1e12).sum() for low, high in cells]
            after.append(total_low.sum() + np.nan_to_num(total_high, posinf=1e12).sum())
            if np.allclose(before, after):
                break
        return cells, total_low, total_high

    def total_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """A quick look at each row's total for the row and column checks: its value when published,
        else what every partition's labels allow, narrowed once by the buildings adding up to the
        district. (`bounds` narrows everything together; the audit uses that.)"""
        hidden = self.total_hidden()
        low = np.where(hidden, 0.0, self.totals).astype(float)
        high = np.where(hidden, np.inf, self.totals).astype(float)
        if not hidden.any():
            return low, high
        for table in self.tables:
            _, _, low, high = ranges(table.lower, table.upper, low, high)
        building_low, building_high, district_low, district_high = ranges(
            low[None, :-1], high[None, :-1], low[-1:], high[-1:]
        )
        return (
            np.concatenate([building_low[0], district_low]),
            np.concatenate([building_high[0], district_high]),
        )

    def close_row(self, row: int) -> None:
        """Withhold every cell of a row, so its total is no longer published."""
        for table in self.tables:
            for column in range(table.values.shape[1]):
                table.protect(row, column)

    def pass_once(self) -> bool:
        """Check every row and every column: a withheld cell that one of them narrows to fewer than
        `min_size` values gets one more cell withheld beside it. A column whose buildings are all
        withheld is freed by withholding the district's cell. True when anything changed."""
        total_low, total_high = self.total_bounds()
        changed = False
        district = len(self.totals) - 1
        for table in self.tables:
            low, high, _, _ = ranges(table.lower, table.upper, total_low, total_high)
            failing = table.hidden & (possible_values(low, high) < self.min_size)
            for row in np.flatnonzero(failing.any(axis=1)):
                if self._withhold_one(table, row, axis=1):
                    changed = True
                elif self.total_known:
                    continue  # a published total (enrolment) with every cell withheld: nothing more
                elif not self.total_hidden()[row]:
                    self.close_row(row)  # another partition still publishes the row's total
                    changed = True
                else:
                    changed |= self._close_another_row(exclude=row)
            low, high, d_low, d_high = ranges(
                table.lower[:-1].T, table.upper[:-1].T, table.lower[-1], table.upper[-1]
            )
            failing = table.hidden[:-1].T & (possible_values(low, high) < self.min_size)
            failing |= (table.hidden[-1] & (possible_values(d_low, d_high) < self.min_size))[
                :, None
            ]
            all_hidden = table.hidden[:-1].all(axis=0) & ~table.hidden[district]
            for column in np.flatnonzero(failing.any(axis=1) | all_hidden):
                if all_hidden[column]:
                    table.protect(district, column)
                    changed = True
                else:
                    changed |= self._withhold_one(table, column, axis=0)
        return changed

    def _withhold_one(self, table: Table, index: int, *, axis: int) -> bool:
        """Withhold the shown cell of a row (axis 1) or of a column (axis 0) that costs least: an
        unflagged group's before a flagged one's, the smallest count first; in a column, the
        district's own cell before a flagged building's."""
        district = len(self.totals) - 1
        if axis == 1:
            cost = [
                (table.priority[index, c], table.values[index, c], index, c)
                for c in np.flatnonzero(~table.hidden[index])
            ]
        else:
            cost = [
                (table.priority[r, index] * 2, table.values[r, index], r, index)
                for r in np.flatnonzero(~table.hidden[:, index])
            ]
            cost = [(1, 0, r, c) if r == district else item for item in cost for r, c in [item[2:]]]
        if not cost:
            return False
        *_, row, column = min(cost)
        table.protect(row, column)
        return True

    def _close_another_row(self, *, exclude: int) -> bool:
        """A building whose every cell is withheld still has its total pinned by the district's: close
        the open building with the smallest total too, so the two totals are only known together."""
        hidden = self.total_hidden()
        open_rows = [
            (self.totals[row], row)
            for row in range(len(self.totals) - 1)
            if row != exclude and not hidden[row]
        ]
        if not open_rows:
            return False
        self.close_row(min(open_rows)[1])
        return True

    def interval_narrowed(self) -> list[np.ndarray]:
        """The full interval audit, every constraint at once (`bounds`): per table, the withheld
        cells still narrowed to fewer than `min_size` values."""
        cells, _, _ = self.bounds()
        return [
            table.hidden & (possible_values(low, high) < self.min_size)
            for table, (low, high) in zip(self.tables, cells, strict=True)
        ]

    def exact_audit_once(self, unavoidable: list[np.ndarray]) -> bool:
        """The linear-programme audit (suppression_audit), which sees what adding several rows and
        columns together gives away. True when anything changed. It runs after the interval audit
        found nothing more to withhold, so the cells that audit still sees narrowed
        (`unavoidable`) are narrowed whatever is withheld (a published enrolment of 3 pins its
        groups): they are not solved."""
        from data_access.suppression_audit import narrowed_cells

        return self._protect_narrowed(narrowed_cells(self, skip=unavoidable))

    def _protect_narrowed(self, failing: list[tuple[int, int, int]]) -> bool:
        """Withhold one more cell for each row holding a narrowed cell: in its row if one is shown,
        else the row itself when another partition still publishes its total, else in the narrowed
        cell's column, else the shown cell of least cost anywhere in the count."""
        changed = False
        for t, row in dict.fromkeys((t, row) for t, row, _ in failing):
            table = self.tables[t]
            columns = [c for tt, r, c in failing if (tt, r) == (t, row)]
            if self._withhold_one(table, row, axis=1):
                changed = True
            elif not self.total_known and not self.total_hidden()[row]:
                self.close_row(row)
                changed = True
            elif any([self._withhold_one(table, c, axis=0) for c in columns]):
                changed = True
            else:
                changed |= self._withhold_cheapest()
        return changed

    def _withhold_cheapest(self) -> bool:
        """The last resort: the smallest unflagged shown cell of any table of the count."""
        cost = [
            (table.priority[r, c], table.values[r, c], t, r, c)
            for t, table in enumerate(self.tables)
            for r, c in np.argwhere(~table.hidden)
        ]
        if not cost:
            return False
        *_, t, row, column = min(cost)
        self.tables[t].protect(row, column)
        return True

    def settle(self) -> None:
        """Row and column checks until they hold, then the full interval audit, then the exact one;
        again until all hold. The cheap checks first: the linear programme runs once they find
        nothing more, usually once or twice per count."""
        for _ in range(MAX_PASSES):
            while self.pass_once():
                pass
            # One interval audit serves both: its narrowed cells get one more cell withheld beside
            # them, and when that withholds nothing, they are the exact audit's unavoidable ones.
            narrowed = self.interval_narrowed()
            failing = [
                (t, int(r), int(c))
                for t, cells in enumerate(narrowed)
                for r, c in np.argwhere(cells)
            ]
            if self._protect_narrowed(failing):
                continue
            if not self.exact or not self.exact_audit_once(narrowed):
                return
        raise RuntimeError("disclosure avoidance did not settle")  # pragma: no cover
