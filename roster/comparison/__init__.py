"""The framework-versus-consortium comparison: one seed's run, its metrics and the summary."""

from roster.comparison.metrics import CostSettings, model_metrics, pool_metrics
from roster.comparison.run import SeedRun, load_networks, run_seed, summarise

__all__ = [
    "CostSettings",
    "SeedRun",
    "load_networks",
    "model_metrics",
    "pool_metrics",
    "run_seed",
    "summarise",
]
