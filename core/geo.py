"""Countries (ISO 3166-1 alpha-2) and their UN M49 regions and sub-regions.

Every ISO 3166-1 country comes from django-countries, which keeps the list current
and translates the names, so they follow the reader's language. The M49 region and
sub-region of each come from the UN Statistics Division's M49 table, committed as
``core/data/m49.csv`` (its source: ``core/data/README.md``). Regions and sub-regions
are named here by slugs (``?region=europe``): they are a public contract (filters,
downloads, API), so a new M49 code needs a line in the tables below, never a new
spelling of an old one.

Sub-regions are M49's sub-regions, not its intermediate regions: "Sub-Saharan
Africa", not "Eastern Africa"; "Latin America and the Caribbean", not "South
America".
"""

import csv
from functools import cache, lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from django_countries import countries

REGIONS = {
    "africa": _("Africa"),
    "americas": _("Americas"),
    "asia": _("Asia"),
    "europe": _("Europe"),
    "oceania": _("Oceania"),
}

SUBREGIONS = {
    "northern-africa": ("africa", _("Northern Africa")),
    "sub-saharan-africa": ("africa", _("Sub-Saharan Africa")),
    "latin-america-caribbean": ("americas", _("Latin America and the Caribbean")),
    "northern-america": ("americas", _("Northern America")),
    "central-asia": ("asia", _("Central Asia")),
    "eastern-asia": ("asia", _("Eastern Asia")),
    "south-eastern-asia": ("asia", _("South-eastern Asia")),
    "southern-asia": ("asia", _("Southern Asia")),
    "western-asia": ("asia", _("Western Asia")),
    "eastern-europe": ("europe", _("Eastern Europe")),
    "northern-europe": ("europe", _("Northern Europe")),
    "southern-europe": ("europe", _("Southern Europe")),
    "western-europe": ("europe", _("Western Europe")),
    "australia-new-zealand": ("oceania", _("Australia and New Zealand")),
    "melanesia": ("oceania", _("Melanesia")),
    "micronesia": ("oceania", _("Micronesia")),
    "polynesia": ("oceania", _("Polynesia")),
}

# M49 numeric codes of the sub-regions above.
M49_SUBREGIONS = {
    15: "northern-africa",
    202: "sub-saharan-africa",
    419: "latin-america-caribbean",
    21: "northern-america",
    143: "central-asia",
    30: "eastern-asia",
    35: "south-eastern-asia",
    34: "southern-asia",
    145: "western-asia",
    151: "eastern-europe",
    154: "northern-europe",
    39: "southern-europe",
    155: "western-europe",
    53: "australia-new-zealand",
    54: "melanesia",
    57: "micronesia",
    61: "polynesia",
}

# Every ISO 3166-1 alpha-2 code, in code order (names depend on the language).
COUNTRY_CODES = sorted(code for code, _name in countries)

M49_TABLE = Path(__file__).parent / "data" / "m49.csv"


@cache
def country_subregions() -> dict[str, str]:
    """{ISO code: sub-region slug} for every country M49 places in a sub-region.

    Antarctica is in none. Read from ``M49_TABLE`` on first use.
    """
    table: dict[str, str] = {}
    with M49_TABLE.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            m49 = row["Sub-region Code"]
            # A code missing above leaves the country without a region rather than
            # break a save; tests/cities/test_countries.py fails on it.
            if m49 and int(m49) in M49_SUBREGIONS:
                table[row["ISO-alpha2 Code"]] = M49_SUBREGIONS[int(m49)]
    return table


def _code(country: object) -> str:
    # A model's CountryField gives a Country object; filters and values() give text.
    return str(getattr(country, "code", country) or "").upper()


@lru_cache(maxsize=1024)
def country_code(stored: str) -> str:
    """The code a CountryField gives for the value stored (``Country(stored).code``):
    the alpha-2 code, however it was written, or the value itself if it names no
    country. For the downloads, which read stored values, not model instances."""
    return countries.alpha2(stored) or stored


def country_name(code: object) -> str:
    """The country's name in the reader's language (the code if there is none)."""
    code = _code(code)
    return str(countries.name(code) or code)


def subregion_of(code: object) -> str:
    return country_subregions().get(_code(code), "")


def region_of(code: object) -> str:
    subregion = subregion_of(code)
    return SUBREGIONS[subregion][0] if subregion else ""


REGION_CHOICES = list(REGIONS.items())
SUBREGION_CHOICES = [(key, label) for key, (_region, label) in SUBREGIONS.items()]
# Filters take bare codes (?country=ES); the pages label them with country_name().
COUNTRY_CHOICES = [(code, code) for code in COUNTRY_CODES]
