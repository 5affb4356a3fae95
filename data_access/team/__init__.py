"""The district leadership team itself: who sits at the table (by category), how often it meets and
who attends, recording a meeting, and the team's own shared-leadership self-check. Counting happens
in SQL (`queries`); the arithmetic over the counted rows (attendance shares, days between meetings)
lives in `rules`; `writes` records meetings, self-checks and members; `view` gathers what the Team
page shows. Whether a member belongs to a historically marginalised group is self-reported and
optional, and only ever leaves this package as counts: no function returns it next to a name."""
