"""Equity: does every group of students get the same system? The counts per building and
demographic cell kept in the equity summary (`summary`), risks, risk ratios and flags computed from
them (`metrics`), the privacy layer that decides what may be published (`disclosure`, over the
generic table engine in `suppression`), the reads (`queries`), the export (`export`) and what the
Equity page shows for one set of filters (`view`)."""
