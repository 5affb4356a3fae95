"""The demo district: a deterministic, realistic synthetic school district with stories a leadership
team recognises (a middle school's suspension disproportionality, a counselor stretched to 450
students, a missing social worker, a support team whose supervision lapsed, a building whose fidelity
slipped, a leadership team without families). Pseudonymous student ids only: no names, no birth dates.

`python -m data_access demo` and the app's first run call `load_demo`; tests call `generate_district`.
"""

from data_access.demo.dates import DEMO_AS_OF, SCHOOL_YEARS
from data_access.demo.district import TABLE_MODELS, DemoDistrict, generate_district
from data_access.demo.load import LoadSummary, StoreNotEmpty, clear_district_data, load_demo

__all__ = [
    "DEMO_AS_OF",
    "SCHOOL_YEARS",
    "TABLE_MODELS",
    "DemoDistrict",
    "LoadSummary",
    "StoreNotEmpty",
    "clear_district_data",
    "generate_district",
    "load_demo",
]
