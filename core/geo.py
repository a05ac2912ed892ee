"""Countries (ISO 3166-1 alpha-2) and their UN M49 regions and sub-regions.

Country names come from the CLDR data that Babel ships, so they follow the reader's
language. The region table covers the countries the network's records use and the
synthetic benchmark data; add a line here when a city from a new country joins.
"""

from babel import Locale
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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
}

_COUNTRY_SUBREGION = """
DZ EG LY MA SD TN:northern-africa
AO BF BJ BW CD CI CM ET GH GM GN KE LR MG ML MW MZ:sub-saharan-africa
NA NE NG RW SL SN SO SS TZ UG ZA ZM ZW:sub-saharan-africa
AR BO BR CL CO CR CU DO EC GT HN HT JM MX NI PA PE PY SV TT UY VE:latin-america-caribbean
CA US:northern-america
KZ KG TJ TM UZ:central-asia
CN JP KR MN TW:eastern-asia
BN ID KH LA MM MY PH SG TH TL VN:south-eastern-asia
AF BD BT IN IR LK MV NP PK:southern-asia
AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE:western-asia
BG BY CZ HU MD PL RO RU SK UA:eastern-europe
DK EE FI GB IE IS LT LV NO SE:northern-europe
AL BA ES GR HR IT ME MK MT PT RS SI:southern-europe
AT BE CH DE FR LU NL:western-europe
AU NZ:australia-new-zealand
FJ PG SB VU:melanesia
"""

COUNTRY_SUBREGION = {
    code: subregion
    for line in _COUNTRY_SUBREGION.strip().splitlines()
    for subregion in [line.split(":")[1]]
    for code in line.split(":")[0].split()
}


def country_name(code, language=None):
    """The country's name in the reader's language (English if unknown)."""
    if not code:
        return ""
    language = (language or get_language() or "en").split("-")[0]
    try:
        return Locale.parse(language).territories.get(code.upper(), code.upper())
    except (ValueError, LookupError):
        return code.upper()


def subregion_of(code):
    return COUNTRY_SUBREGION.get((code or "").upper(), "")


def region_of(code):
    subregion = subregion_of(code)
    return SUBREGIONS[subregion][0] if subregion else ""


REGION_CHOICES = list(REGIONS.items())
SUBREGION_CHOICES = [(key, label) for key, (_region, label) in SUBREGIONS.items()]
COUNTRY_CODES = sorted(COUNTRY_SUBREGION)
