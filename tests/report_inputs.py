"""Hand-made report inputs near Oakham: two square neighbourhoods, six recipients, two rounds."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely


def _model(travel_h: float, contact_h: float, visits: int, pools: dict[str, Any]) -> dict:
    """Return a model summary with round figures: travel and contact in hours."""
    travel_s, contact_s = travel_h * 3600, contact_h * 3600
    return {
        "visits": visits,
        "visits_assigned": visits - 1,
        "visits_unassigned": 1,
        "unassigned_reasons": {"no carer free in the window": 1},
        "travel_time_s": travel_s,
        "contact_time_s": contact_s,
        "travel_share": travel_s / (travel_s + contact_s),
        "travel_per_visit_s": travel_s / (visits - 1),
        "distance_m": 40_000.0 * travel_h,
        "mileage_cost_gbp": 0.45 * 40_000.0 * travel_h / 1609.344,
        "co2_kg": 0.17 * 40.0 * travel_h,
        "carers_used": 3,
        "paid_hours": contact_h,
        "unpaid_travel_hours": travel_h,
        "continuity_mean_carers": 2.5,
        "pools": pools,
    }


def summary() -> dict[str, Any]:
    """Two models over a week: framework 10 h travel and consortium 6 h, against 40 h contact.

    So the consortium saves 4 h (40%), and travel shares are 10/50 = 20.0% and 6/46 = 13.0%.
    """
    return {
        "area": "Oakham <test>",
        "seed": 1,
        "seeds": [1],
        "days": 7,
        "models": {
            "framework": _model(
                10, 40, 81, {"framework/P01": {"travel_share": 0.25, "visits": 40}}
            ),
            "consortium": _model(6, 40, 81, {"consortium/N1": {"travel_share": 0.1, "visits": 40}}),
        },
        "difference": {"travel_time_s": -4 * 3600, "travel_share": -0.07},
        "uncertainty": {},
        "assumptions": {
            "mileage_pence_per_mile": {"value": 45, "source": "HMRC approved mileage rate"},
            "urban_speed_factor": {"value": 0.61, "source": "DfT CGN0501, 2017"},
        },
    }


def neighbourhoods() -> gpd.GeoDataFrame:
    """Two adjacent squares near Oakham, N1 west and N2 east, each about 1.4 km wide."""
    return gpd.GeoDataFrame(
        {
            "neighbourhood": ["N1", "N2"],
            "recipients": [3, 3],
            "weekly_hours": [12.0, 9.5],
            "area_km2": [2.5, 2.5],
            "mean_internal_drive_s": [240, 300],
            "p95_internal_drive_s": [480, 540],
        },
        geometry=[shapely.box(-0.74, 52.66, -0.72, 52.68), shapely.box(-0.72, 52.66, -0.70, 52.68)],
        crs="EPSG:4326",
    )


def recipients() -> gpd.GeoDataFrame:
    """Six recipients, three per square; three framework providers, two of them in both."""
    return gpd.GeoDataFrame(
        {
            "recipient_id": [f"R{i}" for i in range(1, 7)],
            "provider_id": ["P01", "P02", "P03", "P01", "P02", "P02"],
            "neighbourhood": ["N1", "N1", "N1", "N2", "N2", "N2"],
            "weekly_hours": [7.0, 3.5, 1.5, 5.0, 3.0, 1.5],
        },
        geometry=gpd.points_from_xy(
            [-0.735, -0.730, -0.725, -0.715, -0.710, -0.705],
            [52.665, 52.670, 52.675, 52.665, 52.670, 52.675],
        ),
        crs="EPSG:4326",
    )


def rounds() -> gpd.GeoDataFrame:
    """One framework round criss-crossing both squares and one consortium round inside N1."""
    return gpd.GeoDataFrame(
        {
            "model": ["framework", "consortium"],
            "pool": ["framework/P01", "consortium/N1"],
            "carer_id": ["C1", "C2"],
            "day": ["monday", "monday"],
            "period": ["morning", "morning"],
            "visits": [2, 3],
            "travel_time_s": [1500, 600],
            "length_m": [4200.0, 1800.0],
        },
        geometry=[
            shapely.LineString([(-0.735, 52.665), (-0.715, 52.665), (-0.73, 52.67)]),
            shapely.LineString([(-0.735, 52.665), (-0.73, 52.67), (-0.725, 52.675)]),
        ],
        crs="EPSG:4326",
    )


def travel() -> dict[str, np.ndarray]:
    """Travel before each visit: framework 5-20 minutes, consortium 2-8 minutes."""
    return {
        "framework": np.array([300, 600, 900, 1200, 600, 450]),
        "consortium": np.array([120, 240, 360, 480, 240, 180]),
    }
