"""Staff-support charts: supervision coverage, gaps since the last session, sessions by month,
caseload parity and staffing against national recommendations. Each takes a DataFrame plus column
names and returns a plotly Figure (no Streamlit calls)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.charts import FONT_SIZE, PALETTE, base_layout, legend_below
from components.text import plain_html
from data_access.labels import SESSION_STATUSES, STAFF_ROLES, SUPERVISION_THEMES, words

BLUE, ORANGE, GREEN, PINK, SKY, VERMILLION = PALETTE[:6]
GREY = "#999999"
ROLE_NAMES = STAFF_ROLES  # data_access/labels.py
STATUS_COLORS = {"held": GREEN, "cancelled": VERMILLION, "scheduled": SKY}
STATUS_NAMES = SESSION_STATUSES
COVERAGE_BANDS = [  # (lowest share, name, colour): warmer colours for worse coverage
    (1.0, "Everyone covered", GREEN),
    (0.5, "Some not covered", ORANGE),  # more than half
    (0.0, "Half or fewer covered", VERMILLION),
]


def role_name(role: str) -> str:
    return words(STAFF_ROLES, role)


def theme_name(theme: str) -> str:
    return words(SUPERVISION_THEMES, theme)


def coverage_band(share: float) -> str:
    """Everyone covered (100%), some not covered (over half), half or fewer covered."""
    if share >= 1:
        return COVERAGE_BANDS[0][1]
    return COVERAGE_BANDS[1][1] if share > 0.5 else COVERAGE_BANDS[2][1]


def coverage_chart(
    data: pd.DataFrame,
    *,
    y: str,
    share: str = "share",
    covered: str = "covered",
    staff: str = "staff",
    title: str,
) -> go.Figure:
    """One bar per row: the share of support staff covered (0-100%), worst at the top, coloured by
    band, with the percent on each bar and "covered of staff" in its hover."""
    data = data.assign(**{y: data[y].map(plain_html)})  # building names are data
    ordered = data.assign(_percent=data[share] * 100).sort_values(
        ["_percent", y], ascending=[False, False]
    )
    ordered["_band"] = ordered[share].map(coverage_band)
    figure = go.Figure()
    for _, band, colour in COVERAGE_BANDS:
        rows = ordered[ordered["_band"] == band]
        if rows.empty:
            continue
        figure.add_bar(
            x=rows["_percent"],
            y=rows[y],
            orientation="h",
            name=band,
            marker_color=colour,
            # The percent on the bar (a phone's plot area is ~150 px: "100% (10 of 10)" ran off
            # it); the counts in the hover and in the table beside the chart.
            text=[f"{p:.0f}%" for p in rows["_percent"]],
            hovertext=[
                f"{p:.0f}% ({c:,} of {s:,})"
                for p, c, s in zip(rows["_percent"], rows[covered], rows[staff], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>%{hovertext}<extra>" + band + "</extra>",
        )
    figure.update_yaxes(categoryorder="array", categoryarray=list(ordered[y]))
    figure.update_xaxes(title_text="Support staff covered (%)", range=[0, 125], ticksuffix="%")
    figure.update_xaxes(tickvals=[0, 25, 50, 75, 100])
    figure = base_layout(figure, title=title, height=max(320, 40 * len(ordered) + 220))
    return legend_below(figure, lines=len(figure.data))


def gap_chart(
    data: pd.DataFrame,
    *,
    days: str = "days_since_last_held",
    label: str = "label",
    detail: str | None = None,
    window_days: int,
    title: str,
) -> go.Figure:
    """Days since each staff member's last held session, longest at the top; past the window in
    vermillion, within it in blue, with the window drawn as a dashed line. With `detail` (a
    column: role and buildings), each bar's label is the name over its detail, so that a phone's
    chart shows both whole."""
    # Staff names are data: escaped before the line break is added.
    shown = [plain_html(name) for name in data[label]]
    if detail is not None:
        shown = [
            f"{name}<br>{plain_html(more)}" for name, more in zip(shown, data[detail], strict=True)
        ]
    data = data.assign(**{label: shown})
    # Longest at the top; equal gaps keep the order they came in, top to bottom.
    ordered = (
        data.dropna(subset=[days])
        .assign(_position=range(len(data.dropna(subset=[days]))))
        .sort_values([days, "_position"], ascending=[True, False])
    )
    values = ordered[days].astype(int)
    past = values >= window_days
    figure = go.Figure()
    for is_past, name, colour in (
        (True, f"No session in the last {window_days} days", VERMILLION),
        (False, f"Session within {window_days} days", BLUE),
    ):
        rows = ordered[past == is_past]
        if rows.empty:
            continue
        figure.add_bar(
            x=rows[days].astype(int),
            y=rows[label],
            orientation="h",
            name=name,
            marker_color=colour,
            text=[f"{d} days" for d in rows[days].astype(int)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>%{x} days since the last held session<extra></extra>",
        )
    figure.add_vline(
        x=window_days,
        line_dash="dash",
        line_color="#333333",
        annotation_text=f"{window_days} days",
        annotation_position="top",
        annotation_font_size=FONT_SIZE - 2,
    )
    figure.update_yaxes(categoryorder="array", categoryarray=list(ordered[label]))
    top = max(int(values.max()) if len(values) else 0, window_days)
    figure.update_xaxes(title_text="Days since the last held session", range=[0, top * 1.25])
    bar_px = 34 if detail is None else 48  # two lines of label need the taller row
    return base_layout(figure, title=title, height=max(300, bar_px * len(ordered) + 140))


def sessions_by_month_chart(
    data: pd.DataFrame,
    *,
    x: str = "month",
    statuses: tuple[str, ...] = ("held", "cancelled", "scheduled"),
    title: str,
) -> go.Figure:
    """Stacked bars per month: held, cancelled and scheduled supervisee sessions."""
    months = [f"{month:%b}" for month in data[x]]  # the title names the school year
    figure = go.Figure()
    for status in statuses:
        figure.add_bar(
            x=months,
            y=data[status],
            name=STATUS_NAMES[status],
            marker_color=STATUS_COLORS[status],
            hovertemplate="%{x}<br>%{y:,} " + STATUS_NAMES[status].lower() + "<extra></extra>",
        )
    figure.update_layout(barmode="stack", legend={"traceorder": "normal"})
    figure.update_xaxes(title_text="Month", type="category")
    figure.update_yaxes(title_text="Supervisee sessions", gridcolor="#dddddd", rangemode="tozero")
    return base_layout(figure, title=title, height=440)


def format_mix_chart(
    data: pd.DataFrame, *, y: str = "format", x: str = "sessions", share: str = "share", title: str
) -> go.Figure:
    """Held sessions by format, one bar each, count and share printed."""
    names = {"individual": "Individual", "group": "Group"}
    colours = {"individual": BLUE, "group": ORANGE}
    figure = go.Figure()
    for row in data.itertuples(index=False):
        value, part, kind = getattr(row, x), getattr(row, share), getattr(row, y)
        figure.add_bar(
            x=[value],
            y=[names.get(kind, kind)],
            orientation="h",
            name=names.get(kind, kind),
            marker_color=colours.get(kind, GREY),
            text=[f"{value:,} ({0 if pd.isna(part) else part * 100:.0f}%)"],
            textposition="outside",
            cliponaxis=False,
            showlegend=False,
            hovertemplate="%{y}: %{x:,} held sessions<extra></extra>",
        )
    top = max(int(data[x].max()) if len(data) else 0, 1)
    figure.update_xaxes(title_text="Held supervisee sessions", range=[0, top * 1.35])
    return base_layout(figure, title=title, height=260)


def caseload_chart(
    data: pd.DataFrame,
    *,
    x: str = "cases_per_fte",
    role: str = "role",
    name: str = "name",
    flagged: str = "flagged",
    medians: pd.DataFrame,
    flag_ratio: float,
    title: str,
) -> go.Figure:
    """Every staff member as a dot on their role's row (cases per FTE), the role's median as a black
    bar and the flag line (flag_ratio x median) dashed: one glance shows who carries more."""
    roles = [r for r in medians.sort_values("median")[role]]
    labels = {r: role_name(r) for r in roles}
    figure = go.Figure()
    ordered = data.sort_values([role, x]).reset_index(drop=True)
    ordered[name] = ordered[name].map(plain_html)  # staff names are data
    # Spread dots vertically within their role's row so a team of hundreds stays readable.
    rank = ordered.groupby(role).cumcount()
    size = ordered.groupby(role)[x].transform("size")
    jitter = ((rank * 0.618) % 1 - 0.5) * np.where(size > 1, 0.55, 0)
    position = ordered[role].map({r: i for i, r in enumerate(roles)}) + jitter
    # Name the one carrying the most in each role when they are flagged; the table lists the rest.
    heaviest = ordered.index.isin(ordered.groupby(role)[x].idxmax()) & ordered[flagged]
    crowded = len(ordered) > 300
    for is_flagged, label, colour, marker_size in (
        (False, "Staff member", BLUE, 6 if crowded else 9),
        (True, f"Above {flag_ratio:g} x the role's median", VERMILLION, 13),
    ):
        rows = ordered[ordered[flagged] == is_flagged]
        if rows.empty:
            continue
        figure.add_scatter(
            x=rows[x],
            y=position[rows.index],
            mode="markers+text" if is_flagged else "markers",
            text=rows[name].where(heaviest[rows.index], "") if is_flagged else None,
            textposition="top center",
            textfont={"size": FONT_SIZE - 2, "color": VERMILLION},
            cliponaxis=False,
            name=label,
            marker={"color": colour, "size": marker_size, "opacity": 0.75, "line": {"width": 0}},
            customdata=np.stack([rows[name], rows[role].map(labels)], axis=1),
            hovertemplate="%{customdata[0]} (%{customdata[1]})<br>%{x:.1f} cases per FTE"
            "<extra></extra>",
        )
    for i, r in enumerate(roles):
        median = float(medians.loc[medians[role] == r, "median"].iloc[0])
        figure.add_shape(
            type="line",
            x0=median,
            x1=median,
            y0=i - 0.4,
            y1=i + 0.4,
            line={"color": "black", "width": 4},
        )
        figure.add_shape(
            type="line",
            x0=median * flag_ratio,
            x1=median * flag_ratio,
            y0=i - 0.4,
            y1=i + 0.4,
            line={"color": VERMILLION, "width": 2, "dash": "dash"},
        )
    figure.add_scatter(  # legend entries for the two marks
        x=[None], y=[None], mode="lines", name="Role median", line={"color": "black", "width": 4}
    )
    figure.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        name=f"{flag_ratio:g} x median",
        line={"color": VERMILLION, "width": 2, "dash": "dash"},
    )
    figure.update_yaxes(
        tickvals=list(range(len(roles))),
        ticktext=[labels[r] for r in roles],
        range=[-0.6, len(roles) - 0.4],
        showgrid=False,
        zeroline=False,
    )
    figure.update_xaxes(
        title_text="Active cases per full-time equivalent (FTE)", rangemode="tozero"
    )
    figure = base_layout(figure, title=title, height=max(340, 70 * len(roles) + 260))
    return legend_below(figure, lines=4)


STAFFING_BANDS = [
    ("meets", "Meets the recommendation", GREEN),
    ("above", "More students per FTE than recommended", ORANGE),
    ("nobody", "No one in the role", VERMILLION),
]


def staffing_summary_chart(
    data: pd.DataFrame, *, role: str = "role", band: str = "band", title: str
) -> go.Figure:
    """Per recommended role, how many buildings meet the recommended ratio, are above it, or have
    nobody in the role: stacked horizontal bars with the counts printed."""
    roles = list(dict.fromkeys(data[role]))
    counts = data.groupby([role, band]).size().unstack(fill_value=0).reindex(roles, fill_value=0)
    figure = go.Figure()
    for key, name, colour in STAFFING_BANDS:
        values = counts[key] if key in counts.columns else pd.Series(0, index=counts.index)
        figure.add_bar(
            x=values,
            y=[role_name(r) for r in counts.index],
            orientation="h",
            name=name,
            marker_color=colour,
            text=[str(v) if v else "" for v in values],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"size": FONT_SIZE, "color": "white" if key != "above" else "black"},
            hovertemplate="%{y}: %{x} buildings<extra>" + name + "</extra>",
        )
    figure.update_layout(barmode="stack", legend={"traceorder": "normal"})
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title_text="Buildings")
    figure = base_layout(figure, title=title, height=max(340, 60 * len(roles) + 260))
    return legend_below(figure, lines=len(STAFFING_BANDS))


def ratio_chart(
    data: pd.DataFrame,
    *,
    role: str = "role",
    x: str = "students_per_fte",
    recommended: str = "recommended_ratio",
    title: str,
) -> go.Figure:
    """One building's (or the district's) students per FTE for each recommended role, with the
    recommended ratio as a black mark; a role nobody holds is written out, not drawn as zero."""
    rows = data.reset_index(drop=True)
    labels = [role_name(r) for r in rows[role]]
    meets = rows[x] <= rows[recommended]
    colours = [
        VERMILLION if pd.isna(v) else (GREEN if ok else ORANGE)
        for v, ok in zip(rows[x], meets, strict=True)
    ]
    figure = go.Figure()
    figure.add_bar(
        x=rows[x].fillna(0),
        y=labels,
        orientation="h",
        marker_color=colours,
        text=["" if pd.isna(v) else f"{v:,.0f} : 1" for v in rows[x]],
        textposition="outside",
        cliponaxis=False,
        showlegend=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    )
    figure.add_scatter(
        x=rows[recommended],
        y=labels,
        mode="markers",
        name="Recommended ratio",
        marker={"symbol": "line-ns", "size": 34, "line": {"width": 4, "color": "black"}},
        hovertemplate="Recommended %{x:,} : 1<extra></extra>",
    )
    for label, value, target in zip(labels, rows[x], rows[recommended], strict=True):
        if pd.isna(value):  # written beside the recommendation mark, where a bar would end
            figure.add_annotation(
                x=float(target),
                y=label,
                text="  No one in the role",
                showarrow=False,
                xanchor="left",
                font={"size": FONT_SIZE, "color": VERMILLION},
            )
    top = float(np.nanmax([rows[x].max(), rows[recommended].astype(float).max(), 1]))
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title_text="Students per full-time staff member", range=[0, top * 1.4])
    figure = base_layout(figure, title=title, height=max(320, 60 * len(rows) + 200))
    return legend_below(figure, lines=1)
