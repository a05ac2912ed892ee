"""The network map: cities and relocation agreements drawn as inline SVG on the server.

No tiles, no script: the country shapes are Natural Earth's 1:110m boundaries shipped
in static/vendor/world-atlas (TopoJSON), turned into one SVG path the first time a
map is drawn and kept in memory. The projection is equirectangular: longitude and
latitude map straight to x and y, so a viewBox crops the world to any region.

Every number that ends up in an SVG attribute is formatted here with ``_n`` rather
than in the template, because templates localize numbers ("12,5" in Spanish) and
SVG needs a dot.
"""

import functools
import json
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cities.models import City
from commitments.models import RelocationAgreement
from core import geo
from core.i18n import localized_value
from pages.svg import svg_number

# The world is 1000 x 500 user units: 1000/360 units per degree both ways.
WORLD_WIDTH = 1000
WORLD_HEIGHT = 500
UNITS_PER_DEGREE = WORLD_WIDTH / 360
# The network view leaves out the far north and Antarctica, where no city is.
NETWORK_NORTH, NETWORK_SOUTH = 84, -58
# A city's map shows at least this many degrees of longitude around it.
MIN_CITY_SPAN = 50
# Markers beyond these counts would make the page heavy and the map unreadable.
MAX_MARKERS = 400
MAX_ARCS = 200
# Names are written beside the markers when the map holds few enough cities.
MAX_LABELS = 25

ATLAS_PATH = settings.BASE_DIR / "static" / "vendor" / "world-atlas" / "countries-110m.json"
ANTARCTICA = "010"  # ISO 3166-1 numeric; never on a map of cities.


def project(longitude, latitude):
    longitude, latitude = float(longitude), float(latitude)
    return (longitude + 180) * UNITS_PER_DEGREE, (90 - latitude) * UNITS_PER_DEGREE


def _decode_arcs(topology):
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantized positions
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _ring_points(ring, arcs):
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _unwrap(points):
    """Longitudes made continuous across the antimeridian (Fiji, Chukotka)."""
    unwrapped = [points[0]]
    offset = 0
    for (lon0, _lat0), (lon1, lat1) in zip(points, points[1:], strict=False):
        if lon1 - lon0 > 180:
            offset -= 360
        elif lon0 - lon1 > 180:
            offset += 360
        unwrapped.append((lon1 + offset, lat1))
    return unwrapped


@functools.cache
def _land_rings():
    """Every country's rings, projected: [(west, north, east, south, points)].

    Read and projected once per process; paths for a given view are cut from it.
    """
    with ATLAS_PATH.open(encoding="utf-8") as atlas:
        topology = json.load(atlas)
    arcs = _decode_arcs(topology)
    rings = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") == ANTARCTICA:
            continue
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        for polygon in polygons:
            for ring in polygon:
                points = _unwrap(_ring_points(ring, arcs))
                copies = [points]
                lons = [lon for lon, _lat in points]
                # A ring pushed past ±180 is drawn again a world-width away; the
                # SVG viewport clips what falls outside.
                if max(lons) > 180:
                    copies.append([(lon - 360, lat) for lon, lat in points])
                if min(lons) < -180:
                    copies.append([(lon + 360, lat) for lon, lat in points])
                for copy in copies:
                    xy = [project(lon, lat) for lon, lat in copy]
                    xs = [x for x, _y in xy]
                    ys = [y for _x, y in xy]
                    rings.append((min(xs), min(ys), max(xs), max(ys), xy))
    return tuple(rings)


def _encode_ring(points, step):
    """A closed ring in relative moves on a grid of ``step`` units ("M12 3l1-2 0 4z")."""
    grid = [(round(x / step), round(y / step)) for x, y in points]
    moves = []
    previous = grid[0]
    for point in grid[1:]:
        dx, dy = point[0] - previous[0], point[1] - previous[1]
        if dx or dy:
            moves.append((dx, dy))
            previous = point
    if len(moves) < 2:
        return ""

    def number(value):
        return svg_number(value * step)

    text = [f"M{number(grid[0][0])} {number(grid[0][1])}l"]
    for index, (dx, dy) in enumerate(moves):
        x, y = number(dx), number(dy)
        if index and not x.startswith("-"):
            text.append(" ")
        text.append(x)
        if not y.startswith("-"):
            text.append(" ")
        text.append(y)
    text.append("z")
    return "".join(text)


@functools.lru_cache(maxsize=512)
def land_path(x=0.0, y=0.0, width=WORLD_WIDTH, height=WORLD_HEIGHT):
    """The country outlines inside a view, precise enough for its zoom.

    The whole world (about 50 kB) is drawn to the nearest unit; a zoomed view keeps
    only the rings it shows, to a tenth of a unit. Cached per view.
    """
    step = 0.1 if width < WORLD_WIDTH / 2 else 1
    margin = width * 0.05
    west, north, east, south = x - margin, y - margin, x + width + margin, y + height + margin
    return "".join(
        _encode_ring(points, step)
        for left, top, right, bottom, points in _land_rings()
        if right >= west and left <= east and bottom >= north and top <= south
    )


@dataclass
class ViewBox:
    west: float
    east: float
    north: float
    south: float

    @property
    def x(self):
        return (self.west + 180) * UNITS_PER_DEGREE

    @property
    def y(self):
        return (90 - self.north) * UNITS_PER_DEGREE

    @property
    def width(self):
        return (self.east - self.west) * UNITS_PER_DEGREE

    @property
    def height(self):
        return (self.north - self.south) * UNITS_PER_DEGREE

    @property
    def zoom(self):
        return WORLD_WIDTH / self.width

    def attribute(self):
        return " ".join(svg_number(v) for v in (self.x, self.y, self.width, self.height))

    def contains(self, longitude, latitude):
        return self.west <= longitude <= self.east and self.south <= latitude <= self.north


def fit(points, min_span=MIN_CITY_SPAN):
    """A 2:1 view around ``points`` (longitude, latitude), padded, inside the world."""
    lons = [float(lon) for lon, _lat in points]
    lats = [float(lat) for _lon, lat in points]
    span_lon = max(max(lons) - min(lons) + 20, min_span)
    span_lat = max(max(lats) - min(lats) + 16, span_lon / 2)
    span_lon = max(span_lon, span_lat * 2)
    span_lon, span_lat = min(span_lon, 360), min(span_lat, 180)
    centre_lon = (max(lons) + min(lons)) / 2
    centre_lat = (max(lats) + min(lats)) / 2
    west = min(max(centre_lon - span_lon / 2, -180), 180 - span_lon)
    north = max(min(centre_lat + span_lat / 2, 90), -90 + span_lat)
    return ViewBox(west, west + span_lon, north, north - span_lat)


@dataclass(frozen=True)
class LabelPlacement:
    """Where a marker's name is written: SVG coordinates and ``text-anchor``."""

    x: str
    y: str
    anchor: str


@dataclass
class Marker:
    name: str
    url: str
    country: str
    x: float
    y: float
    current: bool = False
    # Set by _styled: the name's placement (None when the map has too many markers to
    # name them all) and the centre as written into the SVG.
    label: LabelPlacement | None = field(init=False, default=None)
    cx: str = field(init=False, default="")
    cy: str = field(init=False, default="")

    @property
    def accessible_name(self):
        return f"{self.name}, {self.country}" if self.country else self.name


def _marker(values, prefix="", current=False):
    x, y = project(values[prefix + "longitude"], values[prefix + "latitude"])
    return Marker(
        name=localized_value(values, prefix + "name"),
        url=reverse("cities:detail", args=[values[prefix + "slug"]]),
        country=geo.country_name(values[prefix + "country"]),
        x=x,
        y=y,
        current=current,
    )


def _arc(agreement, origin, destination, view):
    """A curved line from origin to destination, bowing to the left of travel."""
    x0, y0, x1, y1 = origin.x, origin.y, destination.x, destination.y
    length = math.hypot(x1 - x0, y1 - y0) or 1
    bow = min(length * 0.25, 120 / view.zoom)
    cx = (x0 + x1) / 2 + (y1 - y0) / length * bow
    cy = (y0 + y1) / 2 - (x1 - x0) / length * bow
    # Stop short of the destination's marker so that the arrowhead shows.
    tail = math.hypot(x1 - cx, y1 - cy) or 1
    trim = min(11 / view.zoom, tail / 2)
    x1, y1 = x1 - (x1 - cx) / tail * trim, y1 - (y1 - cy) / tail * trim
    return {
        "d": "M{} {}Q{} {} {} {}".format(*(svg_number(v) for v in (x0, y0, cx, cy, x1, y1))),
        "url": reverse("commitments:relocation-detail", args=[agreement["pk"]]),
        "label": ngettext(
            "Relocation agreement from %(origin)s to %(destination)s: %(count)s person pledged",
            "Relocation agreement from %(origin)s to %(destination)s: %(count)s people pledged",
            agreement["people_pledged"],
        )
        % {
            "origin": origin.name,
            "destination": destination.name,
            "count": agreement["people_pledged"],
        },
        "origin": origin,
        "destination": destination,
        "people_pledged": agreement["people_pledged"],
        "status": agreement["status"],
    }


_AGREEMENT_FIELDS = [
    "pk",
    "people_pledged",
    "status",
    *(
        f"{side}__{name}"
        for side in ("origin", "destination")
        for name in ("slug", "name", "name_es", "name_fr", "country", "latitude", "longitude")
    ),
]
_PLACED = Q(origin__latitude__isnull=False, origin__longitude__isnull=False) & Q(
    destination__latitude__isnull=False, destination__longitude__isnull=False
)
_CITY_FIELDS = ["slug", "name", "name_es", "name_fr", "country", "latitude", "longitude"]


def _styled(markers, view, arcs, *, title, summary, map_id, cities_total=None):
    """The context the map template draws from: sizes follow the zoom."""
    unit = 1 / view.zoom
    labelled = len(markers) <= MAX_LABELS
    for marker in markers:
        if labelled:
            # Names go right of the marker unless that would run off the view.
            right = marker.x + 120 * unit < view.x + view.width
            marker.label = LabelPlacement(
                x=svg_number(marker.x + (10 if right else -10) * unit),
                y=svg_number(marker.y + 5 * unit),
                anchor="start" if right else "end",
            )
        marker.cx, marker.cy = svg_number(marker.x), svg_number(marker.y)
    return {
        "map_id": map_id,
        "title": title,
        "summary": summary,
        "viewbox": view.attribute(),
        "land": land_path(view.x, view.y, view.width, view.height),
        "markers": markers,
        "arcs": arcs,
        "radius": svg_number(6 * unit),
        "current_radius": svg_number(9 * unit),
        "font_size": svg_number(15 * unit),
        "arrow_size": svg_number(10 * unit),
        "halo": svg_number(3 * unit),
        "cities_total": len(markers) if cities_total is None else cities_total,
    }


def network_map():
    """Every city with coordinates and every agreement between two of them.

    Two queries: the cities, and the agreements with both ends' coordinates.
    """
    cities = list(
        City.objects.filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("name")
        .values(*_CITY_FIELDS)[: MAX_MARKERS + 1]
    )
    truncated = len(cities) > MAX_MARKERS
    markers = [_marker(values) for values in cities[:MAX_MARKERS]]
    view = ViewBox(-180, 180, NETWORK_NORTH, NETWORK_SOUTH)
    by_slug = {values["slug"]: marker for values, marker in zip(cities, markers, strict=False)}
    agreements = (
        RelocationAgreement.objects.filter(_PLACED)
        .order_by("-people_pledged", "pk")
        .values(*_AGREEMENT_FIELDS)[:MAX_ARCS]
    )
    arcs = [
        _arc(
            a,
            by_slug.get(a["origin__slug"]) or _marker(a, "origin__"),
            by_slug.get(a["destination__slug"]) or _marker(a, "destination__"),
            view,
        )
        for a in agreements
    ]
    count = len(markers)
    summary = ngettext(
        "The map shows %(count)s city of the network",
        "The map shows %(count)s cities of the network",
        count,
    ) % {"count": count}
    if truncated:
        summary = _("The map shows the first %(count)s cities of the network") % {"count": count}
    summary += " " + ngettext(
        "and %(count)s relocation agreement between them, drawn as an arrow from origin "
        "to destination.",
        "and %(count)s relocation agreements between them, drawn as arrows from origin "
        "to destination.",
        len(arcs),
    ) % {"count": len(arcs)}
    return _styled(
        markers,
        view,
        arcs,
        title=_("Map of the network's cities"),
        summary=summary,
        map_id="network-map",
    )


def city_map(city):
    """The city, the cities it has agreements with, and network cities nearby.

    Two queries: the city's agreements (with both ends), the cities in view.
    """
    if city.latitude is None or city.longitude is None:
        return None
    here = _marker({name: getattr(city, name) for name in _CITY_FIELDS}, current=True)
    agreements = list(
        RelocationAgreement.objects.filter(_PLACED)
        .filter(Q(origin=city) | Q(destination=city))
        .order_by("-people_pledged", "pk")
        .values(*_AGREEMENT_FIELDS)[:MAX_ARCS]
    )
    partners = {}
    for agreement in agreements:
        for side in ("origin", "destination"):
            if agreement[f"{side}__slug"] != city.slug:
                partners.setdefault(agreement[f"{side}__slug"], _marker(agreement, f"{side}__"))
    points = [(city.longitude, city.latitude)] + [
        (a[f"{side}__longitude"], a[f"{side}__latitude"])
        for a in agreements
        for side in ("origin", "destination")
    ]
    view = fit(points)
    nearby = (
        City.objects.filter(
            latitude__gte=view.south,
            latitude__lte=view.north,
            longitude__gte=view.west,
            longitude__lte=view.east,
        )
        .exclude(pk=city.pk)
        .exclude(slug__in=list(partners))
        .order_by("name")
        .values(*_CITY_FIELDS)[:MAX_MARKERS]
    )
    markers = sorted(
        [*partners.values(), *(_marker(values) for values in nearby)], key=lambda m: m.name
    )
    markers.append(here)  # drawn last, on top
    arcs = [
        _arc(
            a,
            here if a["origin__slug"] == city.slug else partners[a["origin__slug"]],
            here if a["destination__slug"] == city.slug else partners[a["destination__slug"]],
            view,
        )
        for a in agreements
    ]
    others = len(markers) - 1
    if others:
        summary = ngettext(
            "The map shows %(city)s and %(count)s other network city in the area.",
            "The map shows %(city)s and %(count)s other network cities in the area.",
            others,
        ) % {"city": city.localized_name, "count": others}
    else:
        summary = _("The map shows where %(city)s is.") % {"city": city.localized_name}
    if arcs:
        summary += " " + ngettext(
            "Its %(count)s relocation agreement is drawn as an arrow from origin to destination.",
            "Its %(count)s relocation agreements are drawn as arrows from origin to destination.",
            len(arcs),
        ) % {"count": len(arcs)}
    return _styled(
        markers,
        view,
        arcs,
        title=_("Map of %(city)s and its partner cities") % {"city": city.localized_name},
        summary=summary,
        map_id=f"city-map-{city.slug}",
    )
