"""Tests for roster.report.maps: offline Leaflet assets, colours, and the maps' HTML and script."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
import report_inputs as inputs
from matplotlib import colormaps
from matplotlib.colors import to_hex

from roster.errors import InputError
from roster.report.maps import (
    ROADS_VARIABLE,
    leaflet_assets,
    palette,
    recipients_map,
    require_columns,
    roads_script,
    rounds_map,
)


def test_leaflet_assets_are_inline() -> None:
    """Leaflet's script and stylesheet are inlined, with its images as data URIs."""
    assets = leaflet_assets()
    assert 'version="1.9.3"' in assets
    assert "url(images/" not in assets and "url(data:image/png;base64," in assets
    assert "sourceMappingURL" not in assets
    assert not re.search(r"<(script|link)[^>]+(src|href)=", assets)


def test_palette_follows_sorted_labels() -> None:
    """Repeated labels get one colour each, given in sorted order from tab10."""
    tab10 = [to_hex(c) for c in colormaps["tab10"].colors]
    assert palette(["b", "a", "b"]) == {"a": tab10[0], "b": tab10[1]}
    assert len(set(palette(str(i) for i in range(58)).values())) == 58


def test_recipients_map_colours_each_provider() -> None:
    """Each provider's colour fills its recipients and appears in the legend."""
    recipients, neighbourhoods = inputs.recipients(), inputs.neighbourhoods()
    drawn = recipients_map(recipients, neighbourhoods, "provider_id", "Framework provider", "p")
    for provider, colour in palette(recipients["provider_id"]).items():
        assert f'"fillColor": "{colour}"' in drawn.script
        assert f'<i style="background:{colour}"></i>{provider}' in drawn.body
    assert '<div class="folium-map" id="map_p0">' in drawn.body
    assert "#map_p0 {" in drawn.head


def test_map_ids_start_with_the_key_and_repeat() -> None:
    """Ids come from the key, not from random numbers, so two renders are the same."""
    recipients, neighbourhoods = inputs.recipients(), inputs.neighbourhoods()
    first = recipients_map(recipients, neighbourhoods, "neighbourhood", "Neighbourhood", "n")
    again = recipients_map(recipients, neighbourhoods, "neighbourhood", "Neighbourhood", "n")
    assert first == again
    assert not re.search(r"_[0-9a-f]{32}", first.script)
    assert "var map_n0 = L.map(" in first.script


def test_other_crs_is_drawn_in_degrees_on_a_one_metre_grid() -> None:
    """British National Grid input comes out in longitude and latitude, rounded to 1e-5."""
    recipients, neighbourhoods = inputs.recipients(), inputs.neighbourhoods()
    moved = recipients.assign(
        geometry=gpd.points_from_xy([-0.7351234] * 6, [52.6651234] * 6, crs="EPSG:4326")
    ).to_crs("EPSG:27700")
    drawn = recipients_map(moved, neighbourhoods.to_crs("EPSG:27700"), "provider_id", "P", "p")
    assert "[-0.73512, 52.66512]" in drawn.script


def test_rounds_map_has_a_layer_per_model() -> None:
    """Framework and consortium rounds are separate layers in an open layer control."""
    drawn = rounds_map(inputs.rounds(), inputs.neighbourhoods(), "r")
    assert '"Framework rounds"' in drawn.script and '"Consortium rounds"' in drawn.script
    assert '"collapsed": false' in drawn.script


def test_missing_column_is_named() -> None:
    """A table without a needed column is refused, naming the column as the field."""
    recipients = inputs.recipients()
    with pytest.raises(InputError, match="recipients table has no 'weekly_hours'") as error:
        require_columns(recipients.drop(columns="weekly_hours"), ["weekly_hours"], "recipients")
    assert error.value.field == "weekly_hours"


def test_nothing_to_draw_is_refused() -> None:
    """A map with no recipients and no neighbourhoods is an error, not a blank map."""
    recipients, neighbourhoods = inputs.recipients(), inputs.neighbourhoods()
    with pytest.raises(InputError, match="nothing to draw"):
        recipients_map(recipients.iloc[:0], neighbourhoods.iloc[:0], "provider_id", "P", "p")


def test_no_rounds_still_draws_the_neighbourhoods() -> None:
    """Without rounds the map shows the boundaries and offers no model layer."""
    drawn = rounds_map(inputs.rounds().iloc[:0], inputs.neighbourhoods(), "r")
    assert "Framework rounds" not in drawn.script
    assert '"neighbourhood": "N2"' in drawn.script


def test_roads_are_drawn_under_a_map_only_when_asked() -> None:
    """With roads, the map draws the page's road lines on a canvas in a pane under the rest."""
    recipients, neighbourhoods = inputs.recipients(), inputs.neighbourhoods()
    plain = recipients_map(recipients, neighbourhoods, "provider_id", "P", "p")
    drawn = recipients_map(recipients, neighbourhoods, "provider_id", "P", "p", roads=True)
    assert ROADS_VARIABLE not in plain.script
    assert f"L.polyline({ROADS_VARIABLE}," in drawn.script
    assert 'getPane("roads").style.zIndex = 250' in drawn.script
    lines = rounds_map(inputs.rounds(), neighbourhoods, roads=True).script
    assert f"L.polyline({ROADS_VARIABLE}," in lines


def test_roads_script_holds_the_lines_once() -> None:
    """The page-wide variable is the lines as compact JSON, latitude first."""
    assert roads_script([[[52.5, -0.7], [52.6, -0.71]]]) == (
        f"var {ROADS_VARIABLE} = [[[52.5,-0.7],[52.6,-0.71]]];"
    )
