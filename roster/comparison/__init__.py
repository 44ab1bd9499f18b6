"""The framework-versus-consortium comparison: one seed's run, its metrics and the summary."""

from roster.comparison.metrics import (
    CostSettings,
    Difference,
    MetricUncertainty,
    ModelMetrics,
    PoolMetrics,
    model_metrics,
    pool_metrics,
)
from roster.comparison.run import SeedRun, load_networks, run_seed
from roster.comparison.summary import Assumption, Summary, summarise

__all__ = [
    "Assumption",
    "CostSettings",
    "Difference",
    "MetricUncertainty",
    "ModelMetrics",
    "PoolMetrics",
    "SeedRun",
    "Summary",
    "load_networks",
    "model_metrics",
    "pool_metrics",
    "run_seed",
    "summarise",
]
