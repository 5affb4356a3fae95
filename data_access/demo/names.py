"""Fictional names for the demo's buildings and adults. Students never get names: pseudonymous ids only."""

from __future__ import annotations

import numpy as np

# fmt: off
FIRST_NAMES = (
    "Aaliyah", "Adrian", "Aisha", "Alejandro", "Alicia", "Amir", "Ana", "Andre", "Angela",
    "Anita", "Antonio", "Beatriz", "Benjamin", "Brandon", "Brianna", "Caleb", "Camila", "Carlos",
    "Carmen", "Cedric", "Chen", "Chloe", "Daniel", "Darnell", "Deborah", "Derek", "Diego",
    "Elena", "Elijah", "Emily", "Esther", "Fatima", "Felicia", "Gabriel", "Grace", "Hannah",
    "Hector", "Imani", "Isaac", "Jada", "Jamal", "Janelle", "Jasmine", "Javier", "Jennifer",
    "Jerome", "Jessica", "Joaquin", "Jonathan", "Jordan", "Joseph", "Julia", "Kayla", "Keisha",
    "Kevin", "Kiara", "Laura", "Lauren", "Leticia", "Linh", "Lucia", "Luis", "Malik", "Maria",
    "Marisol", "Maya", "Megan", "Melissa", "Michael", "Miguel", "Monica", "Nadia", "Naomi",
    "Natalie", "Nicole", "Omar", "Pablo", "Patrice", "Rachel", "Rafael", "Ramon", "Rebecca",
    "Renee", "Ricardo", "Rosa", "Ruth", "Samuel", "Sandra", "Sara", "Sofia", "Stephanie",
    "Tamika", "Tanya", "Teresa", "Thomas", "Tiana", "Tyrone", "Valeria", "Vanessa", "Victor",
    "Wei", "Whitney", "Xavier", "Yolanda", "Yusuf", "Zoe",
)

LAST_NAMES = (
    "Abbott", "Acosta", "Adams", "Aguilar", "Ahmed", "Alvarez", "Anderson", "Baker", "Banks",
    "Barnes", "Bennett", "Brooks", "Bryant", "Campbell", "Carter", "Castillo", "Chavez", "Chen",
    "Coleman", "Collins", "Cruz", "Davis", "Delgado", "Diaz", "Dixon", "Edwards", "Ellis",
    "Estrada", "Evans", "Fleming", "Flores", "Foster", "Garcia", "Gomez", "Gonzalez", "Graham",
    "Green", "Gutierrez", "Hall", "Hamilton", "Harris", "Hayes", "Henderson", "Hernandez", "Hill",
    "Holmes", "Howard", "Hughes", "Jackson", "James", "Jenkins", "Johnson", "Jones", "Kelly",
    "Kim", "Lee", "Lewis", "Lopez", "Marshall", "Martin", "Martinez", "Mendoza", "Mitchell",
    "Moore", "Morales", "Morgan", "Murphy", "Myers", "Nguyen", "Ortiz", "Owens", "Palmer",
    "Parker", "Patel", "Perez", "Peterson", "Phillips", "Powell", "Price", "Ramirez", "Reed",
    "Reyes", "Richardson", "Rivera", "Roberts", "Robinson", "Rodriguez", "Romero", "Ross",
    "Russell", "Sanchez", "Sanders", "Scott", "Simmons", "Soto", "Stewart", "Sullivan", "Tran",
    "Turner", "Vargas", "Vasquez", "Walker", "Washington", "Watson", "Williams", "Wilson",
    "Wright", "Young",
)

# Building names: a familiar list, combined with a second word for the large district's 200 buildings.
BUILDING_BASE_NAMES = (
    "Lincoln", "Washington", "Jefferson", "Garfield", "Hawthorne", "Maple", "Grove", "Riverside",
    "Roosevelt", "Franklin", "Central", "Eastside", "Kennedy", "Adams", "Madison", "Monroe",
    "Jackson", "Grant", "Hayes", "Cleveland", "McKinley", "Wilson", "Harding", "Coolidge",
    "Hoover", "Truman", "Carver", "Douglass", "Tubman", "Chavez", "Parks", "King", "Marshall",
    "Sojourner", "Emerson", "Whitman", "Thoreau", "Alcott", "Longfellow", "Twain", "Frost",
    "Dickinson", "Hughes", "Angelou", "Morrison", "Cedar", "Oak", "Pine", "Willow", "Aspen",
    "Birch", "Sycamore", "Magnolia", "Juniper", "Cypress", "Hillcrest", "Lakeview", "Meadowbrook",
    "Brookside", "Fairview", "Greenwood", "Highland", "Parkside", "Ridgeview", "Sunnyside",
    "Westwood", "Northgate", "Southridge", "Bayview", "Clearwater", "Stonebridge",
)
# fmt: on
BUILDING_QUALIFIERS = ("", " Park", " Heights", " Valley")


def unique_person_names(count: int, rng: np.random.Generator, *, exclude: set[str]) -> list[str]:
    """`count` different "First Last" names, none of them in `exclude` (the named district leaders)."""
    combos = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    combos = [name for name in combos if name not in exclude]
    if count > len(combos):
        raise ValueError(f"only {len(combos)} distinct staff names available, {count} needed")
    return [combos[i] for i in rng.choice(len(combos), size=count, replace=False)]


def email_for(name: str) -> str:
    return name.lower().replace(" ", ".").replace("'", "") + "@demo-district.org"


def large_building_names(count: int, offset: int = 0) -> list[str]:
    """Distinct base names for `count` buildings of one level ("Lincoln", "Lincoln Park", ...)."""
    names = [base + qualifier for qualifier in BUILDING_QUALIFIERS for base in BUILDING_BASE_NAMES]
    if count > len(names):
        raise ValueError(f"only {len(names)} building names available, {count} needed")
    rotated = (
        names[offset % len(BUILDING_BASE_NAMES) :] + names[: offset % len(BUILDING_BASE_NAMES)]
    )
    return rotated[:count]
