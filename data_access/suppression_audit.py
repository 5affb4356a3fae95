"""The exact audit of a count's withheld cells: every equation at once, solved as a linear programme.

The interval checks in `suppression.Count` narrow each withheld cell by one row or one column at a
time, over and over. That misses what an attacker finds by adding and subtracting several rows and
columns together: two buildings whose large groups are withheld, each with its enrolment published,
and those groups' district totals published too, pin every small group of both buildings at 0 (the
two rows' sum minus the two columns' sum). A linear programme finds every such combination, so the
layer ends by asking it, for each withheld cell, the smallest and the largest value that everything
published allows, which is what statistical agencies' audits do (and what tests/utils/attacker.py does).

Two solves per withheld cell would be thousands on a large district. Every solution is a table that
agrees with everything published, so each one shows a value every cell can take: a cell already seen
at values `min_size` apart is safe without a solve of its own. Most cells are cleared by the first
few solves; HiGHS re-solves from the last basis when only the objective changes.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from typing import TYPE_CHECKING

import highspy
import numpy as np

if TYPE_CHECKING:
    from data_access.suppression import Count


_first_solver = threading.Lock()
_banner_done = False


def _new_highs() -> highspy.Highs:
    """A quiet HiGHS. The first one in a process prints a banner on the C library's standard output,
    whatever its options say, which would land inside an export written to stdout: that one is
    made with standard output pointed at /dev/null."""
    global _banner_done
    with _first_solver:
        if _banner_done:
            highs = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "w") as devnull:
                    os.dup2(devnull.fileno(), 1)
                    highs = highspy.Highs()
                    ctypes.CDLL(None).fflush(None)
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _banner_done = True
    highs.setOptionValue("output_flag", False)
    # Many small re-solves of one model that differ in their objective and bounds: from the last
    # basis with the primal simplex, no presolve (measured: twice as fast as HiGHS's defaults).
    highs.setOptionValue("presolve", "off")
    highs.setOptionValue("simplex_strategy", 4)
    return highs


def _whole_numbers(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """How many whole numbers lie in each [low, high], rounding inwards as an attacker would.
    `suppression.possible_values`, with the wider tolerance a solver's rounding needs (its
    8.9999999 is 9); not imported from there, which would make the two modules a cycle."""
    with np.errstate(invalid="ignore"):
        count = np.floor(high + 1e-6) - np.ceil(low - 1e-6) + 1
    return np.where(np.isinf(high) | np.isinf(low), np.inf, count)


class _Programme:
    """The count's withheld cells and withheld row totals as variables, with every row (members
    add up to the total), every column (buildings add up to the district) and the totals' column
    (the buildings add up to the district) as equations."""

    def __init__(self, count: Count) -> None:
        district = len(count.totals) - 1
        sign = np.ones(len(count.totals))
        sign[district] = -1.0  # a column's buildings minus its district cell is 0
        hidden_total = count.total_hidden()
        totals = np.asarray(count.totals, dtype=float)
        entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (equation, variable, value)
        right: list[np.ndarray] = []
        lower, upper, truth = [], [], []
        self.cells: list[tuple[int, int, int]] = []  # (table, row, column) of each cell variable
        first = 0  # the first variable of the table at hand
        first_total = sum(int(table.hidden.sum()) for table in count.tables)
        total_variable = np.full(len(totals), -1)
        total_variable[hidden_total] = first_total + np.arange(int(hidden_total.sum()))
        withheld = np.flatnonzero(hidden_total)
        equation = 0
        for t, table in enumerate(count.tables):
            hidden = table.hidden
            rows, columns = np.nonzero(hidden)
            variables = first + np.arange(len(rows))
            first += len(rows)
            self.cells += [(t, int(r), int(c)) for r, c in zip(rows, columns, strict=True)]
            lower.append(table.lower[hidden])
            upper.append(table.upper[hidden])
            truth.append(table.values[hidden].astype(float))
            shown = np.where(hidden, 0.0, table.values)
            # Members add up to the row's total (a withheld total is a variable on the left).
            entries.append((equation + rows, variables, np.ones(len(rows))))
            entries.append((equation + withheld, total_variable[withheld], -np.ones(len(withheld))))
            right.append(np.where(hidden_total, 0.0, totals) - shown.sum(axis=1))
            equation += len(totals)
            # Buildings add up to the district, column by column.
            entries.append((equation + columns, variables, sign[rows]))
            right.append(-(sign[:, None] * shown).sum(axis=0))
            equation += hidden.shape[1]
        # The row totals' own column.
        entries.append((np.full(len(withheld), equation), total_variable[withheld], sign[withheld]))
        right.append(np.array([-(sign * np.where(hidden_total, 0.0, totals)).sum()]))
        lower.append(np.zeros(len(withheld)))
        upper.append(np.full(len(withheld), np.inf))
        truth.append(totals[withheld])

        self.lower = np.concatenate(lower).astype(float)
        self.upper = np.concatenate(upper).astype(float)
        self.truth = np.concatenate(truth)
        rows_of, variables, values = (np.concatenate(part) for part in zip(*entries, strict=True))
        # Equations with no variable say nothing an attacker could use: leave them out.
        used, rows_of = np.unique(rows_of, return_inverse=True)
        self.highs = self._solver(rows_of, variables, values, np.concatenate(right)[used])

    def _solver(
        self, rows: np.ndarray, variables: np.ndarray, values: np.ndarray, right: np.ndarray
    ) -> highspy.Highs:
        """HiGHS with the equations, in its compressed sparse column form."""
        order = np.lexsort((rows, variables))
        model = highspy.HighsLp()
        model.num_col_, model.num_row_ = len(self.lower), len(right)
        model.col_cost_ = np.zeros(len(self.lower))
        model.col_lower_ = self.lower
        model.col_upper_ = _finite(self.upper)
        model.row_lower_ = right
        model.row_upper_ = right
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.start_ = np.searchsorted(variables[order], np.arange(len(self.lower) + 1))
        model.a_matrix_.index_ = rows[order].astype(np.int32)
        model.a_matrix_.value_ = values[order]
        highs = _new_highs()
        highs.passModel(model)
        return highs

    def extreme(self, variable: int, sense: highspy.ObjSense) -> np.ndarray | None:
        """A solution at the least or greatest value of one variable (None when unbounded)."""
        self.highs.changeColCost(variable, 1.0)
        self.highs.changeObjectiveSense(sense)
        self.highs.run()
        status = self.highs.getModelStatus()
        self.highs.changeColCost(variable, 0.0)
        if status == highspy.HighsModelStatus.kUnbounded:
            return None
        if status != highspy.HighsModelStatus.kOptimal:  # pragma: no cover - the truth is feasible
            raise RuntimeError(f"disclosure audit: {self.highs.modelStatusToString(status)}")
        return np.array(self.highs.getSolution().col_value)

    def spread(self, up: np.ndarray, down: np.ndarray, up_to: np.ndarray, down_to: np.ndarray):
        """A solution with the `up` variables pushed up as far as they go, each stopped at its
        `up_to`, and the `down` ones down, each stopped at its `down_to`. The stops are the point:
        unstopped, a vertex would pour all the slack into a few variables, while stopped, the
        slack spreads and each one that gets there has shown it can move that far. (Some go up
        and some down because the equations often fix the sum of all of them.)"""
        chosen = np.concatenate([up, down]).astype(np.int32)
        low, high = self.lower[chosen], self.upper[chosen]
        stop_low = np.concatenate([self.lower[up], np.maximum(self.lower[down], down_to)])
        stop_high = np.concatenate([np.minimum(self.upper[up], up_to), self.upper[down]])
        cost = np.concatenate([-np.ones(len(up)), np.ones(len(down))])
        self.highs.changeObjectiveSense(highspy.ObjSense.kMinimize)
        self.highs.changeColsBounds(len(chosen), chosen, stop_low, _finite(stop_high))
        self.highs.changeColsCost(len(chosen), chosen, cost)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:  # pragma: no cover - the truth is feasible
            raise RuntimeError(f"disclosure audit: {self.highs.modelStatusToString(status)}")
        solution = np.array(self.highs.getSolution().col_value)
        self.highs.changeColsCost(len(chosen), chosen, np.zeros(len(chosen)))
        self.highs.changeColsBounds(len(chosen), chosen, low, _finite(high))
        return solution


def _finite(upper: np.ndarray) -> np.ndarray:
    """HiGHS's infinity for numpy's."""
    return np.where(np.isinf(upper), highspy.kHighsInf, upper)


UP, DOWN = highspy.ObjSense.kMaximize, highspy.ObjSense.kMinimize
# Spreads go on while each clears at least this many cells: a spread costs a few single-cell solves
# and clears hundreds at first, so the cell-by-cell solves are left for the last few.
ENOUGH_CLEARED = 4


def narrowed_cells(count: Count, *, skip: list[np.ndarray]) -> list[tuple[int, int, int]]:
    """Every withheld cell (table, row, column) that what is published pins to fewer than the
    count's `min_size` possible values, all equations taken together; cells marked in `skip` (one
    mask per table) are not asked about, though they stay in the equations."""
    programme = _Programme(count)
    asked = [v for v, (t, row, column) in enumerate(programme.cells) if not skip[t][row, column]]
    if not asked:
        return []
    seen_low = programme.truth.copy()
    seen_high = programme.truth.copy()

    def saw(solution: np.ndarray) -> None:
        np.minimum(seen_low, solution, out=seen_low)
        np.maximum(seen_high, solution, out=seen_high)

    def cleared(variables: np.ndarray) -> np.ndarray:
        return _whole_numbers(seen_low[variables], seen_high[variables]) >= count.min_size

    # Push the cells not yet cleared, half of them up and half down (at random, with a fixed seed
    # so the layer withholds the same cells every time), each as far as `min_size` values from the
    # least or the greatest it was seen at: each such solve clears many cells at once, so few are
    # left for solves of their own.
    span = count.min_size - 1
    coin = np.random.default_rng(0)
    waiting = np.array(asked)
    while len(waiting):
        heads = coin.random(len(waiting)) < 0.5
        up, down = waiting[heads], waiting[~heads]
        up_to = np.ceil(seen_low[up] - 1e-6) + span
        down_to = np.floor(seen_high[down] + 1e-6) - span
        saw(programme.spread(up, down, up_to, down_to))
        still = waiting[~cleared(waiting)]
        if len(waiting) - len(still) < ENOUGH_CLEARED:
            break
        waiting = still
    failing = []
    for variable in waiting[~cleared(waiting)]:
        for sense in (UP, DOWN):
            if cleared(variable):
                break
            solution = programme.extreme(variable, sense)
            if solution is None:
                seen_high[variable] = np.inf
            else:
                saw(solution)
        if not cleared(variable):
            failing.append(programme.cells[variable])
    return failing
