"""Who may use the dashboard and what each person may see: the users table, roles and scopes.

Roles: district_admin and district_leader (every building), principal and coach (their buildings and
the district roll-ups), viewer (district roll-ups only). A principal never sees another building's
rows: their scope holds only their own buildings, and every query filters on it. What each role may
change is `data_access.permissions`' table, checked by every write.

`access` (who someone is and what they see), `queries`, `writes` (the Users page's and users.csv's
changes, typed by `inputs`) and `sign_in` (which provider account may act as a user).
"""
