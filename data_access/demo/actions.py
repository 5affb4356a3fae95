"""The follow-up actions the district meetings decided (TIPS: problem, goal, solution, who, by when,
fidelity and outcome checks) and the history of each action's saves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_access.demo.buildings import BuildingPlan
from data_access.demo.dates import DEMO_AS_OF, at_utc, start_year, weekday_on_or_before
from data_access.demo.fidelity import INSTRUMENT, tfi_items
from data_access.demo.staff import SUPERVISION_LAPSED_DAYS, StaffPlan
from data_access.demo.team import ASSISTANT_SUPERINTENDENT, MTSS_COORDINATOR, DistrictFacts
from data_access.equity.metrics import flag_reference


@dataclass
class ActionPlan:
    building_id: str | None
    title: str
    problem_statement: str
    goal: str
    solution_actions: str
    owner_email: str
    created_on: date
    due_date: date
    status: str
    fidelity_check: str
    outcome_check: str | None
    source_type: str
    source_ref: str | None


def actions(
    plan: BuildingPlan,
    staff: StaffPlan,
    school_years: list[str],
    meeting_frame: pd.DataFrame,
    fidelity: pd.DataFrame,
    facts: DistrictFacts,
    size: str,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The actions the district meetings decided: one per story, plus building fidelity actions on each
    building's lowest Tier 1 items, whose outcome follows the item's next score."""
    emails = staff.staff.set_index("staff_id")["email"]
    director = emails[staff.supervisors[0]]
    coordinator = MTSS_COORDINATOR[1]
    # Building actions belong to the building's coach (a dashboard user), district ones to a leader.
    a = staff.assignments
    coaches = a[(a["year"] == len(school_years) - 1) & (a["role"] == "coach")]
    coach_of = pd.Series(
        emails[coaches["staff_id"]].to_numpy(), index=coaches["building_id"].to_numpy()
    )
    meeting_days = sorted(meeting_frame["held_on"])

    def meeting_on_or_after(y: int, month: int) -> date:
        target = date(start_year(school_years[y]) + (month < 7), month, 1)
        return next(day for day in meeting_days if day >= target)

    n = len(school_years)
    last, previous = n - 1, max(0, n - 2)
    current, before = school_years[last], school_years[previous]
    ids = plan.ids
    story = {key: (str(ids[b]), plan.names[b]) for key, b in plan.stories.items()}
    oss_bl = facts.story_oss.get(before, {}).get("BL", {})
    oss_iep = facts.story_oss.get(current, {}).get("IEP", {})
    lapsed_since = DEMO_AS_OF - timedelta(days=SUPERVISION_LAPSED_DAYS)
    oss_school, oss_school_name = story["oss_disproportionality"]
    lapsed, lapsed_name = story["supervision_lapsed"]
    ratio, ratio_name = story["counselor_ratio"]
    no_sw, no_sw_name = story["missing_social_worker"]
    slipped, slipped_name = story["fidelity_slip"]
    plans = [
        ActionPlan(
            building_id=oss_school,
            title=f"Reduce out-of-school suspensions of Black students at {oss_school_name}",
            problem_statement=(
                f"In {before}, Black students at {oss_school_name} were "
                f"{oss_bl.get('ratio', 0):.1f} times as likely as other students to be suspended "
                f"out of school ({oss_bl.get('events', 0):.0f} of {oss_bl.get('n', 0):.0f} Black "
                "students). Most suspensions followed classroom referrals for defiance and "
                "disruption, in grades 7-8, in the afternoon, and OSS was used before other "
                "responses had been tried."
            ),
            goal=(
                "Risk ratio for out-of-school suspension of Black students below 2.0 by June 2026, "
                "with no rise in referrals."
            ),
            solution_actions=(
                "Re-teach the discipline flowchart to all staff; the principal reviews every OSS "
                "decision within 24 hours; restorative-conversation training for grade 7-8 teams; "
                "OSS by student group reviewed monthly at the building PBIS meeting."
            ),
            owner_email=coach_of.get(oss_school, coordinator),
            created_on=meeting_on_or_after(previous, 4),
            due_date=date(start_year(current) + 1, 6, 30),
            status="in_progress",
            fidelity_check="partial",
            outcome_check="no_change",
            source_type="equity_cell",
            source_ref=flag_reference("oss", "race_ethnicity", "BL", current),
        ),
        ActionPlan(
            building_id=oss_school,
            title=f"Review suspensions of students with IEPs at {oss_school_name}",
            problem_statement=(
                f"This year students with IEPs at {oss_school_name} were "
                f"{oss_iep.get('ratio', 0):.1f} times as likely as other students to be suspended "
                "out of school; several were suspended more than once without a manifestation "
                "review or an updated behavior plan."
            ),
            goal="Every student with an IEP and an OSS has a reviewed behavior plan within 10 days.",
            solution_actions=(
                "Special education coordinator audits this year's OSS of students with IEPs; IEP "
                "teams update behavior plans; the building reports back to the district team."
            ),
            owner_email=director,
            created_on=meeting_on_or_after(last, 10),
            due_date=date(start_year(current) + 1, 5, 15),
            status="open",
            fidelity_check="not_started",
            outcome_check=None,
            source_type="equity_cell",
            source_ref=flag_reference("oss", "iep", "Y", current),
        ),
        ActionPlan(
            building_id=lapsed,
            title=f"Restore supervision for the {lapsed_name} support team",
            problem_statement=(
                f"No support staff member at {lapsed_name} has had a supervision session since "
                f"{lapsed_since:%d %B}: their supervisor went on leave, sessions were cancelled "
                "and none are scheduled."
            ),
            goal=(
                "Every member of the team has a held supervision session by the end of May, and "
                "sessions are in the calendar every six weeks."
            ),
            solution_actions=(
                "The Director arranges cover from another lead; sessions are booked through June; "
                "the team meets as a group first."
            ),
            owner_email=director,
            created_on=meeting_on_or_after(last, 4),
            due_date=date(start_year(current) + 1, 5, 8),
            status="open",
            fidelity_check="not_started",
            outcome_check=None,
            source_type="staff_support_gap",
            source_ref=staff.lapsed_supervisor,
        ),
        ActionPlan(
            building_id=ratio,
            title=f"Counselor caseload at {ratio_name}",
            problem_statement=(
                f"Since the half-time counselor post was cut, {ratio_name} has one counselor for "
                "about 450 students, and their active caseload is nearly twice the district median."
            ),
            goal=(
                "Counselor ratio at or below 350:1 from the next school year; caseload within 25% "
                "of the median by the end of this year."
            ),
            solution_actions=(
                "Move attendance cases to the social worker; the district budget request restores "
                "the half-time post; a district counselor supports the building one day a week."
            ),
            owner_email=director,
            created_on=meeting_on_or_after(last, 3),
            due_date=date(start_year(current) + 1, 8, 15),
            status="in_progress",
            fidelity_check="partial",
            outcome_check=None,
            source_type="staff_support_gap",
            source_ref=staff.story_counselor,
        ),
        ActionPlan(
            building_id=no_sw,
            title=f"Fill the social worker vacancy at {no_sw_name}",
            problem_statement=(
                f"{no_sw_name} has had no social worker since last June; attendance and "
                "family-support referrals wait for the district team."
            ),
            goal="A social worker in post, and pending referrals picked up within two weeks.",
            solution_actions=(
                "HR posts the vacancy with the county partnership; the district social worker lead "
                "covers urgent referrals until then."
            ),
            owner_email=director,
            created_on=meeting_on_or_after(last, 9),
            due_date=date(start_year(current) + 1, 4, 30),
            status="in_progress",
            fidelity_check="partial",
            outcome_check=None,
            source_type="staff_support_gap",
            source_ref=f"social_worker {no_sw}",
        ),
        ActionPlan(
            building_id=slipped,
            title=f"Restart the Tier 1 team at {slipped_name}",
            problem_statement=(
                f"{slipped_name}'s Tier 1 TFI fell from about 75% last year to below 60% this "
                "year: the Tier 1 team has not met since its coach left and discipline data are "
                "not reviewed."
            ),
            goal="Tier 1 TFI at 70% or above on the spring administration.",
            solution_actions=(
                "Name a new Tier 1 team lead; monthly team meetings back in the calendar; the "
                "coach attends the first three."
            ),
            owner_email=coach_of.get(slipped, coordinator),
            created_on=meeting_on_or_after(last, 2),
            due_date=date(start_year(current) + 1, 3, 31),
            status="open",
            fidelity_check="not_started",
            outcome_check=None,
            source_type="fidelity_item",
            source_ref=f"{INSTRUMENT} 1.2",
        ),
        ActionPlan(
            building_id=None,
            title="Recruit family members to the district leadership team",
            problem_statement=(
                "The district leadership team has no family member or learner; decisions about "
                "families are made without them."
            ),
            goal=(
                "At least two family members, one a parent of a student with an IEP, on the team "
                "by September."
            ),
            solution_actions=(
                "Ask building PTOs and the EL parent council for nominations; meet at times "
                "families can attend; offer interpretation."
            ),
            owner_email=coordinator,
            created_on=meeting_on_or_after(last, 9),
            due_date=date(start_year(current) + 1, 8, 31),
            status="in_progress",
            fidelity_check="partial",
            outcome_check=None,
            source_type="meeting",
            source_ref=None,
        ),
        ActionPlan(
            building_id=None,
            title="Attendance mentoring for economically disadvantaged students",
            problem_statement=(
                f"{facts.chronic_absence.get(before, 0):.0%} of students were chronically absent "
                f"in {before}, economically disadvantaged students about twice as often as others, "
                "most in grades K-1 and 9-12."
            ),
            goal="Chronic absence of economically disadvantaged students down by a quarter.",
            solution_actions=(
                "Check & Connect mentors in every high school; attendance letters rewritten in "
                "plain language; transport problems referred to the social worker."
            ),
            owner_email=coordinator,
            created_on=meeting_on_or_after(previous, 12),
            due_date=date(start_year(current) + 1, 6, 30),
            status="in_progress",
            fidelity_check="implemented",
            outcome_check="improved_not_to_goal",
            source_type="equity_cell",
            source_ref=flag_reference("chronic_absence", "econ_disadv", "Y", current),
        ),
        ActionPlan(
            building_id=None,
            title="Pilot a new office referral form",
            problem_statement="Buildings record referrals differently, so data are hard to compare.",
            goal="One referral form in every building.",
            solution_actions="Pilot the draft form in two buildings.",
            owner_email=ASSISTANT_SUPERINTENDENT[1],
            created_on=meeting_on_or_after(0, 10),
            due_date=date(start_year(school_years[0]) + 1, 1, 31),
            status="dropped",
            fidelity_check="stopped",
            outcome_check=None,
            source_type="meeting",
            source_ref=None,
        ),
        ActionPlan(
            building_id=None,
            title=f"Write the district's annual MTSS evaluation ({INSTRUMENT} 1.15)",
            problem_statement=(
                "Annual Evaluation (1.15) is among the lowest Tier 1 items in most buildings: no "
                "building shares an end-of-year evaluation with staff and families."
            ),
            goal="A one-page evaluation template every building completes in June.",
            solution_actions=(
                "The coordinator drafts the template; coaches help each team fill it in at the May "
                "meeting."
            ),
            owner_email=coordinator,
            created_on=meeting_on_or_after(0, 5),
            due_date=date(start_year(school_years[0]) + 1, 8, 31),
            status="done",
            fidelity_check="implemented",
            outcome_check="goal_met",
            source_type="fidelity_item",
            source_ref=f"{INSTRUMENT} 1.15",
        ),
    ]
    plans += _fidelity_actions(
        plan, school_years, fidelity, coach_of, coordinator, meeting_on_or_after, size, rng
    )
    return _action_frames(plans, meeting_frame)


def _fidelity_actions(
    plan: BuildingPlan,
    school_years: list[str],
    fidelity: pd.DataFrame,
    coach_of: pd.Series,
    coordinator: str,
    meeting_on_or_after,
    size: str,
    rng: np.random.Generator,
) -> list[ActionPlan]:
    """After the fall and winter TFI, buildings action-plan on their lowest Tier 1 item. The small
    district shows a few a year; the large one about two per building per year."""
    items = tfi_items().set_index("item_id")
    tier1_items = items.index[items["scale"] == "Tier 1"]
    # One row per building and administration, one column per Tier 1 item in instrument order.
    scores_by_date = fidelity[fidelity["item_id"].isin(tier1_items)].pivot(
        index=["building_id", "administered_on"], columns="item_id", values="score"
    )[list(tier1_items)]
    skip = {plan.stories["fidelity_slip"], plan.stories["fidelity_exemplar"]}
    plans = []
    last = len(school_years) - 1
    for y, _school_year in enumerate(school_years):
        months = (2,) if size == "small" else (11, 2)
        for month in months:
            created = meeting_on_or_after(y, month)
            for b in range(plan.count):
                if b in skip or (size == "small" and (b + y) % 3):
                    continue
                building_id = str(plan.ids[b])
                of_building = scores_by_date.loc[building_id]
                taken = [d for d in of_building.index if d < created]
                year_end = date(start_year(school_years[y]) + 1, 6, 30)
                later = [d for d in of_building.index if created < d <= year_end]
                if not taken:
                    continue
                scores = of_building.loc[taken[-1]]
                lowest = scores[scores < 2]
                if lowest.empty:
                    continue
                # The weakest item; ties go to the earlier item in the instrument, as a team would read it.
                item = lowest.index[int(np.argmin(lowest.to_numpy()))]
                before = int(scores[item])
                if y == last:
                    due = date(created.year + (created.month >= 8), 6, 5)
                elif later:  # two weeks after the spring administration shows whether it worked
                    due = later[-1] + timedelta(days=14)
                else:
                    due = created + timedelta(days=int(rng.integers(60, 120)))
                status, fidelity_check, outcome = _outcome_of(
                    before, of_building, item, later, y == last, rng
                )
                if y == last and size != "small" and rng.random() < 0.08:
                    due = (
                        date(created.year, 5, 15)
                        if created.month < 7
                        else date(created.year + 1, 5, 15)
                    )
                    status, fidelity_check, outcome = "in_progress", "partial", None
                title = items.loc[item, "item_title"]
                name = plan.names[b]
                plans.append(
                    ActionPlan(
                        building_id=building_id,
                        title=f"Raise TFI {item} {title} at {name}",
                        problem_statement=(
                            f"{name} scored {before} of 2 on TFI {item} ({title}) on "
                            f"{taken[-1]:%d %B %Y}. {_why(item)}"
                        ),
                        goal=f"TFI {item} scored 2 by the spring administration.",
                        solution_actions=_what(item),
                        owner_email=coach_of.get(building_id, coordinator),
                        created_on=created,
                        due_date=due,
                        status=status,
                        fidelity_check=fidelity_check,
                        outcome_check=outcome,
                        source_type="fidelity_item",
                        source_ref=f"{INSTRUMENT} {item}",
                    )
                )
    return plans


def _why(item: str) -> str:
    return {
        "1.12": "Discipline data are not summarised or shared with the team at least monthly.",
        "1.15": "The team has not evaluated the year's Tier 1 implementation with staff.",
        "1.14": "The team does not review its own fidelity data.",
        "1.11": "Families and students have not been asked for input on expectations.",
        "1.13": "Decisions at team meetings are not based on data.",
        "1.7": "New staff have not been trained on expectations and the discipline flowchart.",
    }.get(item, "Staff interviews show the practice is only partly in place.")


def _what(item: str) -> str:
    return {
        "1.12": "Set up a monthly discipline data summary (big 5 reports); review it at every team meeting.",
        "1.15": "Complete the district's evaluation template in May; share results with staff in June.",
        "1.14": "Put the TFI results on the agenda after each administration.",
        "1.11": "Survey families and students in the fall; present results at a family night.",
        "1.13": "Use the TIPS meeting template: every problem precise, every decision tied to data.",
        "1.7": "Add a 30-minute orientation for new staff; coaches re-teach in the fall.",
    }.get(item, "Coach models the practice; the team checks progress at its next two meetings.")


def _outcome_of(
    before: int,
    of_building: pd.DataFrame,
    item: str,
    later: list,
    this_year: bool,
    rng: np.random.Generator,
) -> tuple[str, str, str | None]:
    """Status, fidelity check and outcome check. A finished action's outcome is what the item scored
    at the spring administration, so the team's record agrees with the data."""
    if this_year:
        return (
            ("in_progress", "partial", None)
            if rng.random() < 0.7
            else ("open", "not_started", None)
        )
    after = int(of_building.loc[later[-1], item]) if later else before
    if rng.random() < 0.07:
        return "dropped", "stopped", None
    outcome = (
        "goal_met"
        if after == 2
        else "improved_not_to_goal"
        if after > before
        else "no_change"
        if after == before
        else "worse"
    )
    return "done", "implemented" if after > before else "partial", outcome


def _history(a: ActionPlan) -> list[list[tuple[str, str | None, str | None]]]:
    """The saves that took an action from its initial state (open, not started) to its current one;
    each save may change several fields and bumps the version once."""
    saves: list[list[tuple[str, str | None, str | None]]] = []
    if a.status in ("in_progress", "done") or (
        a.status == "dropped" and a.fidelity_check == "stopped"
    ):
        first = [("status", "open", "in_progress")]
        if a.fidelity_check != "not_started":
            first.append(("fidelity_check", "not_started", "partial"))
        saves.append(first)
    if a.fidelity_check in ("implemented", "stopped"):
        saves.append([("fidelity_check", "partial", a.fidelity_check)])
    if a.outcome_check is not None and a.status != "done":
        saves.append([("outcome_check", None, a.outcome_check)])
    if a.status in ("done", "dropped"):
        final = [("status", "in_progress", a.status)]
        if a.outcome_check is not None:
            final.append(("outcome_check", None, a.outcome_check))
        saves.append(final)
    return saves


def _action_frames(
    plans: list[ActionPlan], meeting_frame: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    meeting_id = dict(zip(meeting_frame["held_on"], meeting_frame["meeting_id"], strict=True))
    plans = sorted(plans, key=lambda a: (a.created_on, a.building_id or "", a.title))
    action_rows, update_rows = [], []
    for action_id, a in enumerate(plans, start=1):
        created = at_utc(a.created_on, 22, 0)  # decided at the meeting, after school
        saves = _history(a)
        # Changes come between the meeting and the due date (or today, if sooner).
        horizon = min(a.due_date, DEMO_AS_OF - timedelta(days=3))
        span = max((horizon - a.created_on).days, len(saves) + 1)
        # A finished action's last save (done or dropped, with its outcome) is on its due date.
        steps = len(saves) if a.status in ("done", "dropped") else len(saves) + 1
        updated = created
        # As the app records it: a "created" entry (version 1), then each save's fields.
        update_rows.append((action_id, created, a.owner_email, "created", None, a.title, 1))
        for i, changes in enumerate(saves, start=1):
            day = weekday_on_or_before(a.created_on + timedelta(days=span * i // steps))
            day = max(day, a.created_on + timedelta(days=i))
            updated = at_utc(day, 16, 30 + i)
            for field, old, new in changes:
                update_rows.append((action_id, updated, a.owner_email, field, old, new, i + 1))
        action_rows.append(
            (
                action_id,
                a.building_id,
                a.title,
                a.problem_statement,
                a.goal,
                a.solution_actions,
                a.owner_email,
                a.due_date,
                a.status,
                a.fidelity_check,
                a.outcome_check,
                a.source_type,
                a.source_ref,
                meeting_id.get(a.created_on),
                created,
                updated,
                1 + len(saves),
            )
        )
    actions_frame = pd.DataFrame(
        action_rows,
        columns=[
            "action_id",
            "building_id",
            "title",
            "problem_statement",
            "goal",
            "solution_actions",
            "owner_email",
            "due_date",
            "status",
            "fidelity_check",
            "outcome_check",
            "source_type",
            "source_ref",
            "meeting_id",
            "created_at",
            "updated_at",
            "version",
        ],
    )
    updates = pd.DataFrame(
        update_rows,
        columns=[
            "action_id",
            "changed_at",
            "changed_by",
            "field",
            "old_value",
            "new_value",
            "version",
        ],
    )
    updates.insert(0, "update_id", np.arange(1, len(updates) + 1))
    for column in ("building_id", "outcome_check", "source_ref"):
        actions_frame[column] = actions_frame[column].astype(object)
    actions_frame["meeting_id"] = actions_frame["meeting_id"].astype(object)
    for column in ("old_value", "new_value"):
        updates[column] = updates[column].astype(object)
    return actions_frame, updates
