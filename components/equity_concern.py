"""Words for an equity flag's direction of concern (`data_access.equity.metrics.CONCERN_DIRECTIONS`):
what a flag means for its indicator, and the follow-up action a concern suggests. A group with fewer
suspensions than everyone else is shown as context, never as something to act on. No Streamlit here."""

from __future__ import annotations

import pandas as pd

from data_access.equity.metrics import CONCERN_DIRECTIONS, is_concern


def concern_words(indicator: str, flag: str) -> str:
    """What an `over` or `under` flag on `indicator` means, in a few words for a table cell."""
    if not is_concern(indicator, flag):
        return "Lower than everyone else: not a concern for this indicator"
    if flag == "under":
        return "Less access than everyone else: a concern"
    if CONCERN_DIRECTIONS[indicator] == "both":
        return "Higher than everyone else: a concern to check"
    return "Higher than everyone else: a concern"


def action_title(indicator: str, flag: str, *, what: str, who: str, place: str) -> str | None:
    """The suggested follow-up action on a concern ("Reduce out-of-school suspension for Black
    students at Franklin Middle School"); None for a flag that is no concern (nothing to act on).
    `what`: the indicator's name as the sentence writes it."""
    if not is_concern(indicator, flag):
        return None
    if flag == "under":
        verb = "Widen access to"
    elif CONCERN_DIRECTIONS[indicator] == "both":
        verb = "Review the high rate of"
    else:
        verb = "Reduce"
    return f"{verb} {what} for {who} at {place}"[:200]


def likelihood_words(indicator: str, flag: str) -> str:
    """What follows "N times as likely as everyone else" for a concern: '' for more of a harmful
    outcome (the number says it), ': less access' for less of a support."""
    return ": less access" if is_concern(indicator, flag) and flag == "under" else ""


def context_note(count: int) -> str:
    """The line under a list of concerns saying how many flags were left out, and why."""
    if count == 0:
        return ""
    ratios = "ratio is" if count == 1 else "ratios are"
    return (
        f"{count:,} more {ratios} flagged *under* on discipline, exclusion, chronic absence, "
        "below benchmark or unmet need: the group has less of it than everyone else, which is "
        "not a concern for these indicators. The Equity page shows them as context."
    )


def flag_count_words(flags: pd.DataFrame) -> str:
    """'28 flags: 27 concerns, and 1 lower than everyone else on a harmful outcome (discipline,
    exclusion, chronic absence, below benchmark, unmet need: context, not a concern)', for flags
    with their `concern` column (EquityView.flags)."""
    concerns = int(flags["concern"].sum())
    context = len(flags) - concerns
    words = f"{len(flags):,} flag{'s' if len(flags) != 1 else ''}: {concerns:,} "
    words += "concern" if concerns == 1 else "concerns"
    if context:
        words += (
            f", and {context:,} lower than everyone else on discipline, exclusion, chronic "
            "absence, below benchmark or unmet need (context, not a concern)"
        )
    return words
