"""System health: is the MTSS system working for students? Tiers, universal screening, unmet need,
interventions and the behaviour "Big 5", per school year and building (the contract's
`system_health` table and the Student outcomes page)."""
