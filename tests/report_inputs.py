"""Hand-made report inputs near Oakham: two square neighbourhoods, six recipients, two rounds."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from roster.comparison.caveats import UNASSIGNED, Caveat, ServedComparison, ServedTravel
from roster.comparison.metrics import JobQuality, ModelMetrics, PoolMetrics, Spread, difference
from roster.comparison.run import rounds_params
from roster.comparison.summary import (
    NeighbourhoodSummary,
    PlanQuality,
    SeedFigures,
    Summary,
    assumptions,
)
from roster.geo.network import SpeedModel
from roster.rounds.solution import NO_CAPACITY
from roster.scenario import Scenario


def _figures(travel_h: int, contact_h: int, visits: int) -> dict[str, Any]:
    """Return pool figures with round numbers: one visit left for want of capacity.

    Travel and contact are in hours; half the travel is between visits, carers drive 40 km an
    hour of travel and never wait, and every assigned visit is single-handed.
    """
    travel_s, contact_s = travel_h * 3600, contact_h * 3600
    distance_m = 40_000 * travel_h
    return {
        "visits": visits,
        "visits_assigned": visits - 1,
        "visits_unassigned": 1,
        "unassigned_reasons": {NO_CAPACITY: 1},
        "carer_visits": visits - 1,
        "travel_time_s": travel_s,
        "travel_between_visits_s": travel_s // 2,
        "contact_time_s": contact_s,
        "waiting_time_s": 0,
        "working_time_s": travel_s + contact_s,
        "travel_share": travel_s / (travel_s + contact_s),
        "travel_share_between_visits": travel_s / 2 / (travel_s / 2 + contact_s),
        "travel_per_visit_s": travel_s / (visits - 1),
        "distance_m": distance_m,
        "driven_distance_m": distance_m,
        "mileage_cost_gbp": round(0.45 * distance_m / 1609.344, 2),
        "co2_kg": round(0.17 * distance_m / 1000, 1),
        "carers_used": 3,
        "paid_hours": float(contact_h),
        "unpaid_travel_hours": travel_h / 2,
        "continuity_mean_carers": 2.5,
        "continuity_p90_carers": 4.0,
        "top_carer_share": 0.5,
        "top_two_carers_share": 0.8,
        "carers_over_contract": 0,
        "carers_contact_over_contract": 0,
        "overtime_hours": 0.0,
        "undertime_hours": 10.0,
        "job_quality": JobQuality(*([Spread(1.0, 0.5, 1.5)] * len(fields(JobQuality)))),
    }


def _model(pool: str, travel_h: int, contact_h: int, visits: int) -> ModelMetrics:
    """Return a model with one pool, which has all its figures."""
    figures = _figures(travel_h, contact_h, visits)
    return ModelMetrics(**figures, checker_violations=0, pools={pool: PoolMetrics(**figures)})


def _quality(mean_s: float) -> PlanQuality:
    """Return the figures of two neighbourhoods of three recipients each."""
    return PlanQuality(2, 6, 3, 3, True, mean_s, 2 * mean_s, 600)


def summary() -> Summary:
    """Two models over a week: framework 10 h travel and consortium 6 h, against 40 h contact.

    So the consortium saves 4 h (40%), and travel shares are 10/50 = 20.0% and 6/46 = 13.0%.
    The assumptions are those of the default scenario.
    """
    models = {
        "framework": _model("framework/P01", 10, 40, 81),
        "consortium": _model("consortium/N1", 6, 40, 81),
    }
    scenario = Scenario()
    return Summary(
        area="Oakham <test>",
        seed=1,
        seeds=(1,),
        days=7,
        recipients=6,
        carers=4,
        providers=3,
        weekly_contact_hours=21.5,
        models=models,
        difference=difference(models["framework"], models["consortium"]),
        uncertainty={},
        per_seed=(seed_figures(1, models),),
        neighbourhoods=NeighbourhoodSummary(
            "generated: 2 neighbourhoods of about 3 recipients", _quality(270.0), _quality(300.0)
        ),
        models_described={"framework": "by provider", "consortium": "by neighbourhood"},
        stage_seconds={"rounds": 1.0},
        assumptions=assumptions(scenario, rounds_params(scenario), SpeedModel()),
    )


def seed_figures(seed: int, models: dict[str, ModelMetrics]) -> SeedFigures:
    """Return a seed's travel figures from its models."""
    framework, consortium = models["framework"], models["consortium"]
    return SeedFigures(
        seed,
        framework.travel_time_s,
        consortium.travel_time_s,
        framework.travel_share,
        consortium.travel_share,
    )


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


def qualified(summary: Summary) -> Summary:
    """Return the summary with a caveat: a third of the framework's visits unassigned.

    Served-visit figures: 450 s and 270 s per served carer visit; priced travel 10.5 h and 6.3 h.
    """
    caveat = Caveat(
        UNASSIGNED,
        "framework",
        0.33,
        "no capacity",
        "Mon",
        "early morning",
        "framework/P01",
        20,
        3,
        "The framework rounds leave 27 of 81 visits (33.3%) unassigned; most fall on Mon early "
        "morning in framework/P01 (20 visits), where the work needs about 3 more carer(s).",
    )
    served = ServedComparison(
        ServedTravel(0.667, 4, 450.0, 37_800),
        ServedTravel(0.99, 4, 270.0, 22_680),
        -180.0,
        -15_120,
        -0.4,
    )
    return replace(summary, caveats=(caveat,), served_comparison=served)
