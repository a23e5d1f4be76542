"""The US states, the District of Columbia and the territories: the one table every path reads.

A query's words ("portland me", "san juan puerto rico"), an import's state field (a code or a
name), the importers' addresses and the demo's places all read it, so a state one path accepts
no other rejects.
"""

from __future__ import annotations

from helpline_tui.core.textnorm import fold

# Code -> name as the US writes it: the 50 states, DC and the five inhabited territories.
STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "VI": "Virgin Islands", "GU": "Guam", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}

# Postal codes with US ZIP codes that are no state or territory: the freely associated states
# (Micronesia, the Marshall Islands, Palau) and the armed forces' mail.
OTHER_POSTAL_CODES: dict[str, str] = {
    "FM": "Federated States of Micronesia", "MH": "Marshall Islands", "PW": "Palau",
    "AA": "Armed Forces Americas", "AE": "Armed Forces Europe", "AP": "Armed Forces Pacific",
}

# Where an address's ZIP code is a US one, and so is checked as one.
ZIP_CODE_STATES = frozenset(STATES) | frozenset(OTHER_POSTAL_CODES)

# Folded name -> code ("new york" -> "NY"). Only the names the US writes: callers' own names for
# places ("nueva york") are place aliases, read as places.
STATE_NAMES = {fold(name): code for code, name in STATES.items()}

# A state code as a word of a query, after a city ("portland me" -> "ME").
CODE_WORDS = {code.lower(): code for code in STATES}

# The most words a state's name has ("district of columbia"): how far back a query's state is read.
LONGEST_NAME_WORDS = max(len(name.split()) for name in STATE_NAMES)
