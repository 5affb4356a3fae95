"""Follow-up actions in words: the labels of an action's fields, statuses, checks and sources, as
data_access/labels.py (the one mapping) says them."""

from data_access.labels import ACTION_FIELDS as FIELD_LABELS
from data_access.labels import ACTION_SOURCES as SOURCE_LABELS
from data_access.labels import ACTION_STATUSES as STATUS_LABELS
from data_access.labels import FIDELITY_CHECKS as FIDELITY_CHECK_LABELS
from data_access.labels import OUTCOME_CHECKS as OUTCOME_CHECK_LABELS

__all__ = [
    "FIDELITY_CHECK_LABELS",
    "FIELD_LABELS",
    "OUTCOME_CHECK_LABELS",
    "SOURCE_LABELS",
    "STATUS_LABELS",
]
