"""The Overview's agenda, drawn from the data: what the last meeting left open, then what changed or
slipped (equity flags, supervision gaps, fidelity, staffing, overdue actions) and the team itself.
Each item can become a follow-up action, linked to this meeting when it is recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import streamlit as st

from components.equity_charts import INDICATOR_SHORT_NAMES
from components.equity_concern import action_title, likelihood_words
from components.follow_up import FOLLOW_UP_PAGE, create_action_link
from components.meeting_agenda_outcomes import show_student_outcomes
from components.meeting_charts import students_in
from components.meeting_wording import role_names
from components.staff_support_charts import theme_name
from components.staff_support_need import need_figure
from components.staff_support_themes import place_words
from components.text import plain
from components.words import action_owner_names
from data_access.equity.metrics import DISTRICT_ID, flag_reference
from data_access.labels import owner_word
from data_access.meeting.rules import FIDELITY_INSTRUMENT, FIDELITY_SCALE
from data_access.meeting.view import MeetingPicture
from data_access.scope import Scope
from data_access.users.access import UserAccess

AGENDA_ITEMS = 6  # per agenda section; the rest are counted, with a link to the area page
TEAM_PAGE = "pages/team.py"


@dataclass(frozen=True)
class _Agenda:
    """What every agenda section needs: the picture, the day, who is looking, and this meeting."""

    picture: MeetingPicture
    as_of: date
    scope: Scope
    user: UserAccess | None
    items: int = AGENDA_ITEMS  # shown per section; the rest are counted
    links_below: bool = False  # each item's link under its text (a narrow column), not beside it

    @property
    def comparison(self):
        return self.picture.comparison

    @property
    def matrix(self):
        return self.picture.matrix

    @property
    def meeting_id(self) -> int | None:
        this_meeting = self.comparison.this_meeting
        return this_meeting.meeting_id if this_meeting else None

    @property
    def may_open_actions(self) -> bool:
        return self.user is not None and self.user.role != "viewer"

    def item(self, text: str):
        """One agenda line: the text, and beside it the column for its link (`with item(...):`)."""
        if self.links_below:
            st.markdown(text)
            return st.container()
        text_column, link_column = st.columns([4, 1], vertical_alignment="center")
        text_column.markdown(text)
        return link_column

    def open_action_link(self, action_id: int) -> None:
        if self.may_open_actions:
            st.page_link(
                FOLLOW_UP_PAGE,
                label="Open the action",
                icon=":material/task_alt:",
                query_params={"action": str(action_id)},
            )

    @staticmethod
    def section(number: int, title: str) -> None:
        st.markdown(f"##### {number}. {title}")


def show_agenda(
    picture: MeetingPicture,
    *,
    as_of: date,
    scope: Scope,
    user: UserAccess | None,
    sections: Sequence[str] | None = None,
    items: int = AGENDA_ITEMS,
    links_below: bool = False,
) -> None:
    """The agenda under its heading, `items` per section; with `sections` (names in
    AGENDA_SECTIONS), only those sections, without the heading (presentation mode shows one area's
    sections on each slide, in a half-width column: `links_below` puts each item's link under it)."""
    agenda = _Agenda(
        picture=picture,
        as_of=as_of,
        scope=scope,
        user=user,
        items=items,
        links_below=links_below,
    )
    if sections is None:
        st.subheader("Agenda")
        st.caption(
            "Drawn from the data: what the last meeting left open, then what changed or slipped. "
            "Each item can become a follow-up action"
            + (
                " linked to this meeting."
                if agenda.meeting_id
                else " (record this meeting first to link them)."
            )
        )
    for name in AGENDA_SECTIONS if sections is None else sections:
        AGENDA_SECTIONS[name](agenda)


def _left_open(agenda: _Agenda) -> None:
    """Left open from the last meeting."""
    picture, comparison, section, item, open_action_link = (
        agenda.picture,
        agenda.comparison,
        agenda.section,
        agenda.item,
        agenda.open_action_link,
    )
    previous = comparison.previous_meeting
    section(
        1,
        f"Left open from the meeting of {previous.held_on:%-d %B %Y}"
        if previous
        else "Left open from the last meeting",
    )
    if previous is None:
        st.caption("No earlier meeting is recorded.")
    elif picture.left_open.empty:
        st.caption(
            "Nothing: every action that meeting decided is done or dropped (or it decided none)."
        )
    for row in picture.left_open.head(agenda.items).itertuples():
        due = "overdue since" if row.overdue else "due"
        with item(
            f"**{plain(row.title)}** · {plain(row.building_name)} · {due} {row.due_date:%-d %b %Y}"
        ):
            open_action_link(row.action_id)


def _equity_flags(agenda: _Agenda) -> None:
    """New or worse equity flags."""
    picture, section, item, meeting_id = (
        agenda.picture,
        agenda.section,
        agenda.item,
        agenda.meeting_id,
    )
    section(2, f"New or worse equity concerns, {picture.equity_year} against last year")
    flags = picture.flags
    if flags.empty:
        st.caption(
            "None: no concern is new this school year and none moved further from 1 the way of "
            "concern."
        )
    for row in flags.head(agenda.items).itertuples():
        group = students_in(row.group_type, row.group)
        what = INDICATOR_SHORT_NAMES.get(row.indicator, row.indicator)
        place = "the whole district" if row.building_id == DISTRICT_ID else row.building_name
        was = "new this year" if row.new else f"{float(row.previous_ratio):.2f} last year"
        run = f", flagged {row.years_flagged} years in a row" if row.years_flagged >= 2 else ""
        with item(
            f"**{plain(place)}** · {what}: {group} {float(row.ratio):.2f} times as likely as everyone "
            f"else{likelihood_words(row.indicator, row.flag)} ({was}{run})"
        ):
            create_action_link(
                source_type="equity_cell",
                source_ref=flag_reference(
                    row.indicator, row.group_type, row.group, picture.equity_year
                ),
                building_id=None if row.building_id == DISTRICT_ID else row.building_id,
                title=action_title(
                    row.indicator, row.flag, what=what.lower(), who=group, place=place
                )
                or "",
                problem_statement=(
                    f"In {picture.equity_year}, {group} at {place} were {float(row.ratio):.2f} times "
                    f"as likely as everyone else to have: {what.lower()} ({was}{run})."
                ),
                meeting_id=meeting_id,
            )
    if len(flags) > agenda.items:
        st.caption(
            f"…and {len(flags) - agenda.items:,} more new or worse concerns on the Equity page."
        )
        st.page_link("pages/equity.py", label="Open equity", icon=":material/balance:")
    _near_identification(agenda)


def _near_identification(agenda: _Agenda) -> None:
    """The groups one more flagged school year would identify, by name."""
    flags = agenda.picture.all_flags
    near = flags[flags["one_year_away"].fillna(False).astype(bool)] if len(flags) else flags
    if near.empty:
        return
    near = near.sort_values("ratio", ascending=False, key=lambda ratio: ratio.astype(float))
    years = int(near["years_flagged"].iloc[0])
    names = []
    for row in near.head(agenda.items).itertuples():
        place = "the whole district" if row.building_id == DISTRICT_ID else row.building_name
        what = INDICATOR_SHORT_NAMES.get(row.indicator, row.indicator)
        names.append(
            f"{plain(place)}: {students_in(row.group_type, row.group)}, "
            f"{what[:1].lower()}{what[1:]} ratio {float(row.ratio):.2f}"
        )
    more = f"; and {len(near) - agenda.items:,} more" if len(near) > agenda.items else ""
    st.markdown(
        f"**One year from identification** (flagged {years} school years in a row; "
        f"{years + 1} identify): " + "; ".join(names) + more + "."
    )


def _supervision_gaps(agenda: _Agenda) -> None:
    """Supervision gaps."""
    picture, as_of, scope, matrix = agenda.picture, agenda.as_of, agenda.scope, agenda.matrix
    section, item, meeting_id = agenda.section, agenda.item, agenda.meeting_id
    section(3, f"Supervision gaps ({picture.window_days} days to {as_of:%-d %b})")
    covered, staff = picture.district_coverage
    if scope.is_district or matrix.empty:
        st.caption(
            f"Across the district {staff - covered:,} of {staff:,} support staff have had no held "
            f"supervision session in the last {picture.window_days} days."
        )
    gaps = picture.supervision_gaps
    if gaps.empty and not matrix.empty:
        st.caption("Every support staff member in your buildings had supervision in the window.")
    for row in gaps.head(agenda.items).itertuples():
        lapsed = " — **nobody** on the team" if row.covered == 0 else ""
        with item(
            f"**{plain(row.building)}** · {row.staff - row.covered:,} of {row.staff:,} support staff past "
            f"the window{lapsed}"
        ):
            create_action_link(
                source_type="staff_support_gap",
                source_ref=f"supervision {row.building_id}",
                building_id=row.building_id,
                title=f"Restore supervision for the {row.building} support team"[:200],
                problem_statement=(
                    f"On {as_of:%-d %B %Y}, {row.staff - row.covered} of {row.staff} support staff at "
                    f"{row.building} had had no held supervision session in {picture.window_days} days."
                ),
                meeting_id=meeting_id,
            )
    if len(gaps) > agenda.items:
        st.caption(f"…and {len(gaps) - agenda.items:,} more buildings with gaps.")
        st.page_link(
            "pages/staff_support.py", label="Open staff support", icon=":material/diversity_3:"
        )


def _fidelity_slipping(agenda: _Agenda) -> None:
    """Fidelity below criterion and slipping."""
    picture, section, item, meeting_id = (
        agenda.picture,
        agenda.section,
        agenda.item,
        agenda.meeting_id,
    )
    section(4, "Fidelity: below criterion and slipping")
    if picture.slipped.empty:
        st.caption(
            f"No building in your view is below the {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} criterion "
            "and lower than at its administration before."
        )
    for row in picture.slipped.head(agenda.items).itertuples():
        with item(
            f"**{plain(row.building)}** · {FIDELITY_SCALE} {float(row.percent):.0f}% on "
            f"{row.administered_on:%-d %b %Y}, down from {float(row.previous_percent):.0f}% on "
            f"{row.previous_on:%-d %b %Y} (criterion {row.criterion_pct:g}%)"
        ):
            create_action_link(
                source_type="fidelity_item",
                source_ref=f"{FIDELITY_INSTRUMENT} {FIDELITY_SCALE}",
                building_id=row.building_id,
                title=f"Raise {FIDELITY_SCALE} fidelity at {row.building}"[:200],
                problem_statement=(
                    f"{row.building}'s {FIDELITY_INSTRUMENT} {FIDELITY_SCALE} score fell from "
                    f"{float(row.previous_percent):.0f}% ({row.previous_on:%-d %b %Y}) to "
                    f"{float(row.percent):.0f}% ({row.administered_on:%-d %b %Y}), below the "
                    f"{row.criterion_pct:g}% criterion."
                ),
                meeting_id=meeting_id,
            )
    if len(picture.slipped) > agenda.items:
        st.caption(f"…and {len(picture.slipped) - agenda.items:,} more slipping buildings.")
        st.page_link("pages/fidelity.py", label="Open fidelity", icon=":material/fact_check:")


def _student_outcomes(agenda: _Agenda) -> None:
    """Student outcomes: core below 80%, unmet need up, referrals up (published figures)."""
    show_student_outcomes(agenda, 5)


def _missing_roles(agenda: _Agenda) -> None:
    """Recommended roles nobody holds."""
    picture, section, item, meeting_id = (
        agenda.picture,
        agenda.section,
        agenda.item,
        agenda.meeting_id,
    )
    section(6, f"Staffing: recommended roles nobody holds, {picture.school_year}")
    if picture.missing_roles.empty:
        st.caption(
            f"{picture.missing_role_buildings:,} building(s) in the district have nobody in a "
            "recommended role."
            if picture.missing_role_buildings
            else "Every building has someone in each recommended role."
        )
    for row in picture.missing_roles.head(agenda.items).itertuples():
        first_role, roles = row.roles[0], role_names(row.roles)
        with item(f"**{plain(row.building)}** · no {roles}"):
            create_action_link(
                source_type="staff_support_gap",
                source_ref=f"{first_role} {row.building_id}",
                building_id=row.building_id,
                title=f"Fill the {roles} post at {row.building}"[:200],
                problem_statement=(
                    f"{row.building} has nobody in the role of {roles} in {picture.school_year}."
                ),
                meeting_id=meeting_id,
            )
    if len(picture.missing_roles) > agenda.items:
        st.caption(f"…and {len(picture.missing_roles) - agenda.items:,} more buildings.")
    _next_hire(agenda)


def _next_hire(agenda: _Agenda) -> None:
    """Where the next support hire helps most: the best-ranked building in view (support_need)."""
    picture, item, meeting_id = agenda.picture, agenda.item, agenda.meeting_id
    row = picture.next_hire
    if row is None:
        return
    figure = need_figure(
        row, ranked=picture.ranked_buildings, district_per_fte=picture.district_need_per_fte
    )
    with item(f"**Next support hire: {plain(row['name'])}** · {plain(figure)}"):
        create_action_link(
            source_type="staff_support_gap",
            source_ref=f"next support hire {row['building_id']}",
            building_id=row["building_id"],
            title=f"Plan the next support hire at {row['name']}"[:200],
            problem_statement=(
                f"In {picture.school_year}, {row['name']} ranks {int(row['need_rank'])} of "
                f"{picture.ranked_buildings} buildings for students needing support per support "
                f"FTE: {figure}."
            ),
            meeting_id=meeting_id,
        )


def _overdue_actions(agenda: _Agenda) -> None:
    """Overdue follow-up actions."""
    picture, as_of, section, item = agenda.picture, agenda.as_of, agenda.section, agenda.item
    open_action_link, may_open_actions = agenda.open_action_link, agenda.may_open_actions
    section(7, "Overdue follow-up actions")
    if picture.overdue.empty:
        st.caption("Nothing is overdue.")
    owners = action_owner_names(picture.overdue)
    for row in picture.overdue.head(agenda.items).itertuples():
        days = (as_of - row.due_date).days
        with item(
            f"**{plain(row.title)}** · {plain(row.building_name)} · due {row.due_date:%-d %b %Y}, "
            f"overdue by {days} day{'s' if days != 1 else ''} · "
            f"owner {plain(owner_word(row.owner_email, owners))}"
        ):
            open_action_link(row.action_id)
    if len(picture.overdue) > agenda.items:
        st.caption(f"…and {len(picture.overdue) - agenda.items:,} more overdue actions.")
        if may_open_actions:
            st.page_link(FOLLOW_UP_PAGE, label="Open follow-up actions", icon=":material/task_alt:")


def _the_team(agenda: _Agenda) -> None:
    """The leadership team itself."""
    picture, as_of, section, item = agenda.picture, agenda.as_of, agenda.section, agenda.item
    meeting_id = agenda.meeting_id
    section(8, "The team itself")
    last = picture.last_meeting
    if picture.team_missing:
        missing_words = ", ".join(picture.team_missing).lower()
        with item(f"No member from: **{missing_words}**."):
            create_action_link(
                source_type="meeting",
                source_ref="leadership team membership",
                building_id=None,
                title=f"Recruit {missing_words} to the district leadership team"[:200],
                problem_statement=f"The district leadership team has no member from: {missing_words}.",
                meeting_id=meeting_id,
            )
    if last is not None:
        low = ", below the healthy 75%" if last["low_attendance"] else ""
        since_last = (as_of - last["held_on"]).days
        late = f"; {since_last} days ago (the team meets monthly)" if since_last > 35 else ""
        st.markdown(
            f"Last meeting {last['held_on']:%-d %b %Y}: {last['attended']} of {last['members']} "
            f"members attended ({last['attendance_share']:.0%}{low}){late}."
        )
    st.page_link(TEAM_PAGE, label="Open the Leadership team page", icon=":material/groups:")


def _staff_drained(agenda: _Agenda) -> None:
    """Buildings whose staff report being drained and unsupported (the published staff pulse)."""
    picture, section, item, meeting_id = (
        agenda.picture,
        agenda.section,
        agenda.item,
        agenda.meeting_id,
    )
    section(9, f"Staff drained and unsupported, {picture.school_year}")
    district = picture.district_pulse
    if district is not None and agenda.scope.is_district:
        st.caption(
            f"Across the district {district['pct_drained_often']:.0f}% of "
            f"{int(district['responses']):,} staff pulse responses feel drained often, and "
            f"{district['pct_intend_to_stay']:.0f}% intend to stay."
        )
    if picture.drained.empty:
        st.caption(
            "No building's staff pulse shows half or more drained often and feeling unsupported "
            "(groups of fewer than 5 responses are never shown)."
        )
    for row in picture.drained.head(agenda.items).to_dict("records"):
        who = "support staff" if row["role"] == "ALL" else f"{role_names((row['role'],))}s"
        with item(
            f"**{plain(row['building'])}** · {who}: {row['pct_drained_often']:.0f}% of "
            f"{int(row['responses'])} responses drained often, feeling supported "
            f"{row['supported']:.1f} of 5, {row['pct_intend_to_stay']:.0f}% intend to stay"
        ):
            create_action_link(
                source_type="staff_support_gap",
                source_ref=f"wellbeing {row['building_id']}",
                building_id=row["building_id"],
                title=f"Support the {who} at {row['building']}"[:200],
                problem_statement=(
                    f"In the {picture.school_year} staff pulse, {row['pct_drained_often']:.0f}% "
                    f"of {int(row['responses'])} responses from {who} at {row['building']} felt "
                    f"emotionally drained often; feeling supported averaged "
                    f"{row['supported']:.1f} of 5 and {row['pct_intend_to_stay']:.0f}% intend to "
                    "stay."
                ),
                meeting_id=meeting_id,
            )
    if len(picture.drained) > agenda.items:
        st.caption(f"…and {len(picture.drained) - agenda.items:,} more groups.")


def _rising_themes(agenda: _Agenda) -> None:
    """Themes rising in supervision this term."""
    picture, section, item, meeting_id = (
        agenda.picture,
        agenda.section,
        agenda.item,
        agenda.meeting_id,
    )
    section(10, "Rising in supervision this term")
    rising = picture.rising_themes
    if rising.empty:
        st.caption("No supervision theme is rising against the previous term.")
    names = dict(zip(picture.matrix["building_id"], picture.matrix["building"], strict=True))
    escaped = {building_id: plain(name) for building_id, name in names.items()}
    for row in rising.head(agenda.items).to_dict("records"):
        theme = theme_name(row["theme"])
        place = (row["place_type"], row["place"])
        shown_where = place_words(*place, escaped, district=agenda.scope.is_district)
        where = place_words(*place, names, district=agenda.scope.is_district)  # for the action
        rise = "new" if row["sessions_before"] == 0 else f"up {row['change']:.0%}"
        text = (
            f"**{theme}** {rise} {shown_where}: {row['sessions']} of {row['held']} held sessions "
            f"({row['share']:.0%}), against {row['sessions_before']} of {row['held_before']} "
            "last term"
        )
        with item(text):
            building = row["place"] if row["place_type"] == "building" else None
            create_action_link(
                source_type="staff_support_gap",
                source_ref=f"themes {row['theme']} {row['place'] or 'district'}",
                building_id=building,
                title=f"Respond to rising {theme.lower()} in supervision {where}"[:200],
                problem_statement=(
                    f"{theme} came up in {row['sessions']} of {row['held']} held supervision "
                    f"sessions this term {where}, against {row['sessions_before']} of "
                    f"{row['held_before']} last term."
                ),
                meeting_id=meeting_id,
            )
    if len(rising) > agenda.items:
        st.caption(f"…and {len(rising) - agenda.items:,} more rising themes.")
        st.page_link(
            "pages/staff_support.py",
            label="Open what supervision is carrying",
            icon=":material/diversity_3:",
            query_params={"tab": "What supervision is carrying"},
        )


# The agenda's sections in the order of the meeting.
AGENDA_SECTIONS = {
    "left_open": _left_open,
    "equity_flags": _equity_flags,
    "supervision_gaps": _supervision_gaps,
    "fidelity_slipping": _fidelity_slipping,
    "student_outcomes": _student_outcomes,
    "missing_roles": _missing_roles,
    "overdue_actions": _overdue_actions,
    "the_team": _the_team,
    "staff_drained": _staff_drained,
    "rising_themes": _rising_themes,
}
