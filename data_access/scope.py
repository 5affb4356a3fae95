"""Who may see which buildings' rows: the one place access to student-derived and staff-level data
is decided. Every query that returns rows of a building takes a `Scope` and filters in SQL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, true


@dataclass(frozen=True)
class Scope:
    """The buildings whose rows a viewer may see; `building_ids=None` means every building.

    District roll-ups (a count over the whole district) are for everyone; a building's own rows are
    only for a scope that includes it."""

    building_ids: frozenset[str] | None = None
    label: str = "the whole district"

    @property
    def is_district(self) -> bool:
        return self.building_ids is None

    def allows(self, building_id: str | None) -> bool:
        if self.building_ids is None:
            return True
        return building_id is not None and building_id in self.building_ids

    def where(self, building_column: ColumnElement) -> ColumnElement[bool]:
        """A SQL condition keeping only the rows of buildings in scope."""
        if self.building_ids is None:
            return true()
        if not self.building_ids:
            return false()
        return building_column.in_(sorted(self.building_ids))


DISTRICT = Scope()


def building_scope(building_ids: set[str] | frozenset[str], label: str | None = None) -> Scope:
    ids = frozenset(building_ids)
    return Scope(building_ids=ids, label=label or ", ".join(sorted(ids)) or "no buildings")
