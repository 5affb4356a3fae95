"""Follow-up actions in words: the labels of an action's fields, statuses, checks and sources."""

FIELD_LABELS = {
    "building_id": "Building",
    "title": "Title",
    "problem_statement": "Problem statement",
    "goal": "Goal and timeline",
    "solution_actions": "Solution actions",
    "owner_email": "Owner",
    "due_date": "Due date",
    "status": "Status",
    "fidelity_check": "Fidelity check",
    "outcome_check": "Outcome check",
    "source_type": "Came from",
    "source_ref": "Came from (detail)",
    "meeting_id": "Meeting",
}
STATUS_LABELS = {"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}
FIDELITY_CHECK_LABELS = {
    "not_started": "Not started",
    "partial": "Partially implemented",
    "implemented": "Implemented with fidelity",
    "stopped": "Stopped",
}
OUTCOME_CHECK_LABELS = {
    "worse": "Worse",
    "no_change": "No change",
    "improved_not_to_goal": "Improved, not yet to goal",
    "goal_met": "Goal met",
}
SOURCE_LABELS = {
    "fidelity_item": "A fidelity item",
    "equity_cell": "An equity flag",
    "staff_support_gap": "A staff-support gap",
    "meeting": "A meeting",
    "other": "Other",
}
