"""The leadership meeting (the Overview page and its brief): headline figures with their change since
the previous meeting, where each building stands in every area, the agenda the data sets, and the
district at a glance. `rules.py` holds the pure rules (matrix levels, agenda order, changes),
`queries.py` the meeting's own reads, `view.py` the one view the Overview loads, and `brief.py` the
brief as a document (PDF or printable HTML). The area figures come from the area packages' queries."""
