"""The true state of AetherMart's world, before any system writes it down.

People, their contact data and where they live. Both channels draw their customers from
the same people, so a shopper who buys in a store and online is one person with one email
(the identity-resolution case), while people who merely share a name stay distinct.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FIRST_NAMES", "LAST_NAMES", "STREETS", "ZIPS", "People", "make_people"]

FIRST_NAMES = (
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Donald",
    "Ashley",
    "Steven",
    "Emily",
    "Andrew",
    "Michelle",
    "Joshua",
    "Amanda",
    "Kevin",
    "Melissa",
    "Brian",
    "Stephanie",
    "José",
    "Zoë",
    "François",
    "Łukasz",
    "Søren",
    "Renée",
    "Chloé",
    "Jürgen",
    "Ana María",
    "Björn",
    "Siobhán",
    "Mónica",
    "Nguyễn",
    "Aiko",
    "Priya",
    "Wei",
    "Fatima",
    "Olga",
    "Kwame",
    "Ingrid",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "O'Brien",
    "Müller",
    "Kowalski",
    "Søndergaard",
    "Dubois",
    "Núñez",
    "Van der Berg",
    "McDonald",
    "Schröder",
    "Ó Súilleabháin",
    "Tanaka",
    "Patel",
    "Chen",
    "Ivanova",
    "Mensah",
    "Johansson",
    "Rossi",
    "Silva",
    "Cohen",
    "Kim",
)
STREETS = (
    "Main St",
    "Oak Ave",
    "Maple Dr",
    "Cedar Ln",
    "Elm St",
    "Washington Blvd",
    "Park Ave",
    "Lake Rd",
    "Hill St",
    "Sunset Blvd",
    "River Rd",
    "Church St",
    "Highland Ave",
    "Mill Rd",
    "Pine St",
    "Broadway",
    "Market St",
    "Spring St",
    "Union Ave",
    "Franklin St",
)
# (zip, city, state): a fixed geography; several zips start with 0 (New England, NJ, PR).
ZIPS = (
    ("02108", "Boston", "MA"),
    ("02139", "Cambridge", "MA"),
    ("01103", "Springfield", "MA"),
    ("07102", "Newark", "NJ"),
    ("08608", "Trenton", "NJ"),
    ("06103", "Hartford", "CT"),
    ("02903", "Providence", "RI"),
    ("04101", "Portland", "ME"),
    ("05401", "Burlington", "VT"),
    ("03101", "Manchester", "NH"),
    ("00901", "San Juan", "PR"),
    ("10001", "New York", "NY"),
    ("11201", "Brooklyn", "NY"),
    ("19103", "Philadelphia", "PA"),
    ("15222", "Pittsburgh", "PA"),
    ("21201", "Baltimore", "MD"),
    ("20001", "Washington", "DC"),
    ("23219", "Richmond", "VA"),
    ("28202", "Charlotte", "NC"),
    ("30303", "Atlanta", "GA"),
    ("33130", "Miami", "FL"),
    ("32801", "Orlando", "FL"),
    ("37203", "Nashville", "TN"),
    ("40202", "Louisville", "KY"),
    ("43215", "Columbus", "OH"),
    ("44113", "Cleveland", "OH"),
    ("48226", "Detroit", "MI"),
    ("60601", "Chicago", "IL"),
    ("46204", "Indianapolis", "IN"),
    ("53202", "Milwaukee", "WI"),
    ("55401", "Minneapolis", "MN"),
    ("50309", "Des Moines", "IA"),
    ("63101", "St. Louis", "MO"),
    ("64106", "Kansas City", "MO"),
    ("68102", "Omaha", "NE"),
    ("67202", "Wichita", "KS"),
    ("73102", "Oklahoma City", "OK"),
    ("75201", "Dallas", "TX"),
    ("77002", "Houston", "TX"),
    ("78701", "Austin", "TX"),
    ("70112", "New Orleans", "LA"),
    ("35203", "Birmingham", "AL"),
    ("80202", "Denver", "CO"),
    ("84101", "Salt Lake City", "UT"),
    ("87102", "Albuquerque", "NM"),
    ("85004", "Phoenix", "AZ"),
    ("89101", "Las Vegas", "NV"),
    ("83702", "Boise", "ID"),
    ("98101", "Seattle", "WA"),
    ("97204", "Portland", "OR"),
    ("94103", "San Francisco", "CA"),
    ("90012", "Los Angeles", "CA"),
    ("92101", "San Diego", "CA"),
    ("99501", "Anchorage", "AK"),
    ("96813", "Honolulu", "HI"),
    ("59101", "Billings", "MT"),
    ("58102", "Fargo", "ND"),
    ("57104", "Sioux Falls", "SD"),
    ("29401", "Charleston", "SC"),
    ("19801", "Wilmington", "DE"),
    # territories: a customer there keeps its USPS code (GU, VI, MP, AS), never `unknown`
    ("96910", "Hagatna", "GU"),
    ("00802", "St. Thomas", "VI"),
    ("96950", "Saipan", "MP"),
    ("96799", "Pago Pago", "AS"),
)
_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com", "proton.me")
_ASCII = str.maketrans(
    {
        "é": "e",
        "ë": "e",
        "ç": "c",
        "Ł": "L",
        "ł": "l",
        "ø": "o",
        "ü": "u",
        "í": "i",
        "á": "a",
        "ó": "o",
        "ñ": "n",
        "ú": "u",
        "ễ": "e",
        "ö": "o",
        "Ó": "O",
        "Ú": "U",
        "Ø": "O",
        "Ü": "U",
        "'": "",
        " ": "",
    }
)


@dataclass
class People:
    """Columns of true person attributes, index = person number."""

    first: np.ndarray
    last: np.ndarray
    email: np.ndarray  # canonical lowercase email, unique per person
    phone: np.ndarray  # 10 digits
    birthdate: np.ndarray  # datetime64[D]
    street: np.ndarray
    unit: np.ndarray  # address line 2, "" when none
    zip_idx: np.ndarray
    namesakes: np.ndarray  # (k, 2) person pairs given the same name on purpose

    def __len__(self) -> int:
        return len(self.first)


def make_people(rng: np.random.Generator, n: int) -> People:
    first_i = rng.integers(0, len(FIRST_NAMES), n)
    last_i = rng.integers(0, len(LAST_NAMES), n)
    # Distinct people who share a full name (never to be merged by identity resolution):
    # person i + n//2 gets the name of person i, which puts pairs across the two channels.
    k = max(2, n // 50)
    namesakes = np.stack([np.arange(k), np.arange(k) + n // 2], axis=1)
    first_i[namesakes[:, 1]] = first_i[namesakes[:, 0]]
    last_i[namesakes[:, 1]] = last_i[namesakes[:, 0]]
    first = np.array(FIRST_NAMES, dtype=object)[first_i]
    last = np.array(LAST_NAMES, dtype=object)[last_i]
    domain = np.array(_DOMAINS, dtype=object)[rng.integers(0, len(_DOMAINS), n)]
    local_first = np.array([s.translate(_ASCII).lower() for s in FIRST_NAMES], dtype=object)[first_i]
    local_last = np.array([s.translate(_ASCII).lower() for s in LAST_NAMES], dtype=object)[last_i]
    serial = np.arange(n).astype(str).astype(object)
    email = local_first + "." + local_last + serial + "@" + domain
    area = rng.integers(201, 990, n)
    exchange = rng.integers(200, 1000, n)
    line = rng.integers(0, 10000, n)
    phone = np.char.add(
        np.char.add(area.astype(str), np.char.zfill(exchange.astype(str), 3)),
        np.char.zfill(line.astype(str), 4),
    ).astype(object)
    birth = (np.datetime64("1950-01-01") + rng.integers(0, 365 * 55, n)).astype("datetime64[D]")
    street = (
        rng.integers(1, 9999, n).astype(str).astype(object)
        + " "
        + np.array(STREETS, dtype=object)[rng.integers(0, len(STREETS), n)]
    )
    has_unit = rng.random(n) < 0.25
    unit = np.where(has_unit, "Apt " + rng.integers(1, 400, n).astype(str).astype(object), "")
    zip_idx = rng.integers(0, len(ZIPS), n)
    return People(first, last, email, phone, birth, street, unit.astype(object), zip_idx, namesakes)
