"""Draw recipients, neighbourhoods and rounds as Leaflet maps that work offline inside one page."""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement
from folium.template import Template
from matplotlib import colormaps
from matplotlib.colors import to_hex

from roster.errors import InputError

MAP_HEIGHT_PX = 460
# About 1 m at British latitudes: enough for a street map, and it keeps the page small.
COORDINATE_GRID_DEG = 1e-5
_BOUNDARY_STYLE = {"color": "#333333", "weight": 2, "fillColor": "#999999", "fillOpacity": 0.04}
_BOUNDARY_FIELDS = {
    "neighbourhood": "Neighbourhood",
    "recipients": "Recipients",
    "weekly_hours": "Hours a week",
    "area_km2": "Area (km²)",
}
_RECIPIENT_FIELDS = ("recipient_id", "provider_id", "neighbourhood", "weekly_hours")
#: The page-wide JavaScript variable holding the roads drawn under every map (see roads_script).
ROADS_VARIABLE = "roster_roads"
#: How the background roads look: faint grey, under every other layer, not clickable.
ROAD_STYLE = {"color": "#8a8a8a", "weight": 1, "opacity": 0.55, "interactive": False}
_PALETTES = ("tab10", "Dark2", "Set1", "tab20b", "tab20c")
# branca names every element "<kind>_<32 random hex digits>".
_ELEMENT_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")


@dataclass(frozen=True)
class MapHtml:
    """One map's share of a page.

    Attributes
    ----------
    head
        Styles the map's elements need, for the page's ``<head>``.
    body
        The map's container and its legend, for where the map sits in ``<body>``.
    script
        JavaScript that draws the map; it needs Leaflet (:func:`leaflet_assets`) loaded first.
    """

    head: str
    body: str
    script: str


class _PageMap(folium.Map):
    """A folium map to embed in a larger page: no CDN links and no page-wide styles.

    folium's own map loads Leaflet, jQuery and Bootstrap from CDNs and styles ``html, body``
    for a full-window map; a report read offline must bring Leaflet itself and keep its layout.
    The map opens fitted to `bounds` without animation: an animated first fit can leave the
    vector layers clipped to the view before it. Labels go in a pane under the vector layers,
    so they never hide a recipient.

    Parameters
    ----------
    bounds
        ``[[south, west], [north, east]]`` in degrees.
    """

    default_js: list[tuple[str, str]] = []
    default_css: list[tuple[str, str]] = []
    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>#{{ this.get_name() }} { position: relative; width: 100%;
                height: {{ this.height[0] }}{{ this.height[1] }}; }</style>
        {% endmacro %}

        {% macro html(this, kwargs) %}
            <div class="folium-map" id={{ this.get_name()|tojson }}></div>
        {% endmacro %}

        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, {
                crs: L.CRS.{{ this.crs }},
                ...{{ this.options|tojavascript }}
            });
            {{ this.get_name() }}.fitBounds({{ this.bounds|tojson }}, {animate: false});
            L.control.scale({imperial: true}).addTo({{ this.get_name() }});
            {{ this.get_name() }}.createPane({{ this.label_pane|tojson }});
            Object.assign({{ this.get_name() }}.getPane({{ this.label_pane|tojson }}).style,
                {zIndex: 350, pointerEvents: "none"});
        {% endmacro %}
        """
    )
    label_pane = "labels"

    def __init__(self, bounds: list[list[float]]) -> None:
        (south, west), (north, east) = bounds
        super().__init__(
            location=[(south + north) / 2, (west + east) / 2],
            tiles=None,
            height=MAP_HEIGHT_PX,
            # Quarter zoom steps let the first view fill the map instead of a whole step short.
            zoom_snap=0.25,
        )
        self.bounds = bounds


def leaflet_assets() -> str:
    """Return Leaflet's stylesheet and script as inline ``<style>`` and ``<script>`` elements.

    Leaflet comes from the ``xstatic-leaflet`` package (the version folium is written for), and
    the stylesheet's images are inlined as data URIs, so the page loads nothing from elsewhere.

    Returns
    -------
    str
        HTML for the page's ``<head>``.
    """
    data = resources.files("xstatic.pkg.leaflet") / "data"
    css = (data / "leaflet.css").read_text(encoding="utf-8")

    def inline_image(match: re.Match[str]) -> str:
        encoded = base64.b64encode((data / "images" / match.group(1)).read_bytes()).decode()
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\(images/([\w-]+\.png)\)", inline_image, css)
    # The source map is not shipped in the page; a reference to it would be a dead link.
    script = re.sub(r"//# sourceMappingURL=\S+", "", (data / "leaflet.js").read_text("utf-8"))
    return f"<style>{css}</style>\n<script>{script}</script>"


def palette(labels: Iterable[str]) -> dict[str, str]:
    """Give each distinct label a colour, in sorted label order.

    Parameters
    ----------
    labels
        Category labels, such as provider ids or neighbourhood names; repeats are fine.

    Returns
    -------
    dict[str, str]
        Hex colour for each label. Colours repeat only after 58 labels.
    """
    colours = [to_hex(colour) for name in _PALETTES for colour in colormaps[name].colors]
    return {label: colours[i % len(colours)] for i, label in enumerate(sorted(set(labels)))}


def recipients_map(
    recipients: gpd.GeoDataFrame,
    neighbourhoods: gpd.GeoDataFrame,
    colour_by: str,
    title: str,
    key: str,
    *,
    roads: bool = False,
) -> MapHtml:
    """Draw recipients coloured by one of their columns, over the neighbourhood boundaries.

    Parameters
    ----------
    recipients
        Points with columns recipient_id, provider_id, neighbourhood and weekly_hours.
    neighbourhoods
        Polygons with a neighbourhood column; may be empty.
    colour_by
        The recipients' column whose values get a colour each (``provider_id`` or
        ``neighbourhood``).
    title
        What the legend calls the colours, such as "Framework provider".
    key
        A short name for the map, unique in the page: its elements' ids start with it.
    roads
        Draw the page's roads (:func:`roads_script`) faintly under everything else.

    Returns
    -------
    MapHtml
        The map, with a legend of its colours under it.
    """
    require_columns(recipients, _RECIPIENT_FIELDS, "recipients")
    labels = recipients[colour_by].fillna("none").astype(str)
    colours = palette(labels)
    page_map = _page_map([recipients, neighbourhoods])
    if roads:
        _RoadBackground().add_to(page_map)
    _add_boundaries(page_map, neighbourhoods)
    folium.GeoJson(
        _features(recipients.assign(colour=labels.map(colours)), [*_RECIPIENT_FIELDS, "colour"]),
        name="Recipients",
        marker=folium.CircleMarker(radius=5, weight=1, fill=True, fill_opacity=0.9),
        style_function=lambda feature: {
            "color": "#222222",
            "fillColor": feature["properties"]["colour"],
        },
        tooltip=folium.GeoJsonTooltip(
            fields=list(_RECIPIENT_FIELDS),
            aliases=["Recipient", "Framework provider", "Neighbourhood", "Hours a week"],
        ),
    ).add_to(page_map)
    return _render(page_map, legend(colours, title), key)


def rounds_map(
    rounds: gpd.GeoDataFrame,
    neighbourhoods: gpd.GeoDataFrame,
    key: str = "rounds",
    *,
    roads: bool = False,
) -> MapHtml:
    """Draw carers' rounds along the roads, one layer per commissioning model with a toggle.

    Parameters
    ----------
    rounds
        LineStrings with columns model, pool, carer_id, day, period, visits, travel_time_s
        and length_m.
    neighbourhoods
        Polygons with a neighbourhood column; may be empty.
    key
        A short name for the map, unique in the page: its elements' ids start with it.
    roads
        Draw the page's roads (:func:`roads_script`) faintly under everything else.

    Returns
    -------
    MapHtml
        The map, with a layer control to show either model's rounds or both.
    """
    require_columns(
        rounds,
        ("model", "pool", "carer_id", "day", "period", "visits", "travel_time_s", "length_m"),
        "rounds",
    )
    page_map = _page_map([rounds, neighbourhoods])
    if roads:
        _RoadBackground().add_to(page_map)
    _add_boundaries(page_map, neighbourhoods)
    colours = palette(rounds["carer_id"].astype(str))
    lines = rounds.assign(
        colour=rounds["carer_id"].astype(str).map(colours),
        travel_min=(rounds["travel_time_s"] / 60).round(1),
        length_km=(rounds["length_m"] / 1000).round(2),
    )
    for model in sorted(lines["model"].unique()):
        layer = folium.FeatureGroup(name=f"{model.capitalize()} rounds").add_to(page_map)
        columns = ["model", "pool", "carer_id", "day", "period", "visits", "travel_min"]
        folium.GeoJson(
            _features(lines[lines["model"] == model], [*columns, "length_km", "colour"]),
            style_function=lambda feature: {
                "color": feature["properties"]["colour"],
                "weight": 4,
                "opacity": 0.8,
            },
            tooltip=folium.GeoJsonTooltip(
                fields=[*columns, "length_km"],
                aliases=["Model", "Pool", "Carer", "Day", "Period", "Visits", "Travel (min)", "km"],
            ),
        ).add_to(layer)
    folium.LayerControl(collapsed=False).add_to(page_map)
    return _render(page_map, "", key)


def roads_script(lines: Sequence[Sequence[Sequence[float]]]) -> str:
    """Return the JavaScript that holds the roads every map of a page draws underneath.

    The roads are given once per page, however many maps draw them.

    Parameters
    ----------
    lines
        Roads as lists of ``[lat, lon]`` pairs, as from :func:`roster.geo.network.road_lines`.

    Returns
    -------
    str
        A statement defining :data:`ROADS_VARIABLE`, for a ``<script>`` before the maps'.
    """
    return f"var {ROADS_VARIABLE} = {json.dumps(lines, separators=(',', ':'))};"


class _RoadBackground(MacroElement):
    """The page's roads, faint, on one canvas in a pane under every other layer of the map.

    One canvas polyline for thousands of roads keeps the map quick; the data come from the
    page-wide :data:`ROADS_VARIABLE`, so two maps do not carry the same roads twice.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            if (typeof {{ this.variable }} !== "undefined") {
                {{ this._parent.get_name() }}.createPane("roads");
                {{ this._parent.get_name() }}.getPane("roads").style.zIndex = 250;
                L.polyline({{ this.variable }}, Object.assign(
                    {pane: "roads", renderer: L.canvas({pane: "roads"})}, {{ this.style|tojson }}
                )).addTo({{ this._parent.get_name() }});
            }
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "RoadBackground"
        self.variable = ROADS_VARIABLE
        self.style = ROAD_STYLE


def legend(colours: Mapping[str, str], title: str) -> str:
    """Return an HTML legend: a swatch and a label for each colour.

    Parameters
    ----------
    colours
        Hex colour for each label, in the order to show them.
    title
        What the colours mean.

    Returns
    -------
    str
        A ``<div class="legend">`` element.
    """
    items = "".join(
        f'<span><i style="background:{colour}"></i>{html.escape(label)}</span>'
        for label, colour in colours.items()
    )
    return f'<div class="legend"><b>{html.escape(title)}:</b> {items}</div>'


def require_columns(frame: gpd.GeoDataFrame, columns: Iterable[str], name: str) -> None:
    """Raise a located error if `frame` lacks any of `columns`.

    Parameters
    ----------
    frame
        The table to check.
    columns
        Columns it must have.
    name
        What the table is called in the error message.

    Raises
    ------
    InputError
        Naming the first missing column.
    """
    for column in columns:
        if column not in frame.columns:
            raise InputError(f"The {name} table has no '{column}' column.", field=column)


def _page_map(layers: Iterable[gpd.GeoDataFrame]) -> _PageMap:
    """Create a tile-less map fitted to the bounds of the non-empty layers."""
    bounds = [_wgs84(layer).total_bounds for layer in layers if not layer.empty]
    if not bounds:
        raise InputError("There is nothing to draw on the map: every layer is empty.")
    west, south = min(b[0] for b in bounds), min(b[1] for b in bounds)
    east, north = max(b[2] for b in bounds), max(b[3] for b in bounds)
    return _PageMap([[south, west], [north, east]])


def _add_boundaries(page_map: _PageMap, neighbourhoods: gpd.GeoDataFrame) -> None:
    """Draw neighbourhood outlines with a tooltip of their figures, and label each one."""
    if neighbourhoods.empty:
        return
    require_columns(neighbourhoods, ("neighbourhood",), "neighbourhoods")
    shapes = _wgs84(neighbourhoods)
    fields = {c: alias for c, alias in _BOUNDARY_FIELDS.items() if c in shapes.columns}
    folium.GeoJson(
        _features(shapes, fields),
        name="Neighbourhoods",
        style_function=lambda feature: _BOUNDARY_STYLE,
        tooltip=folium.GeoJsonTooltip(fields=list(fields), aliases=list(fields.values())),
    ).add_to(page_map)
    for label, point in zip(
        shapes["neighbourhood"], shapes.geometry.representative_point(), strict=True
    ):
        folium.Marker(
            [point.y, point.x],
            icon=folium.DivIcon(
                html=f'<div class="map-label">{html.escape(str(label))}</div>',
                icon_size=(0, 0),
                class_name="map-label-anchor",
            ),
            pane=page_map.label_pane,
            interactive=False,
        ).add_to(page_map)


def _wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return `frame` in longitude and latitude (a frame without a CRS is taken to be in them)."""
    return frame if frame.crs is None else frame.to_crs("EPSG:4326")


def _features(frame: gpd.GeoDataFrame, columns: Iterable[str]) -> dict[str, Any]:
    """Return `columns` of `frame` as GeoJSON in degrees on a ~1 m grid, without bounding boxes."""
    frame = _wgs84(frame)
    grid = shapely.set_precision(frame.geometry.values, COORDINATE_GRID_DEG)
    return gpd.GeoDataFrame(frame[list(columns)], geometry=grid).to_geo_dict(show_bbox=False)


def _render(page_map: folium.Map, below: str, key: str) -> MapHtml:
    """Split a map into its head, body and script, with ids that start with `key` and repeat."""
    figure = page_map.get_root()
    figure.render()
    ids: dict[str, str] = {}

    def stable(text: str) -> str:
        return _ELEMENT_ID.sub(lambda m: ids.setdefault(m.group(0), f"{key}{len(ids)}"), text)

    return MapHtml(
        head=stable(figure.header.render()),
        body=stable(figure.html.render()) + below,
        script=stable(figure.script.render()),
    )
