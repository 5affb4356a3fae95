"""Staff support: supervision of student-support staff (coverage, gaps, sessions by month), caseload
parity and staffing against national recommended ratios, and scheduling and recording supervision
in the app. `queries` reads (and decides who sees which staff member), `metrics` is the pure
arithmetic over the counted rows, `schedule` schedules and marks supervision and writes the .ics
file, `export` builds the contract's `staffing` and `supervision` tables, and `view` gathers what the
Staff support page shows for one choice of filters."""
