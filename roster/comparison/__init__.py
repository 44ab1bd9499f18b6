"""The framework-versus-consortium comparison: one seed's run, its metrics and the summary."""

import lazy_loader

# Names load with their module on first use, so a command imports only what it needs.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "metrics": [
            "CostSettings",
            "Difference",
            "MetricUncertainty",
            "ModelMetrics",
            "PoolMetrics",
            "model_metrics",
            "pool_metrics",
        ],
        "run": ["SeedRun", "load_networks", "run_seed"],
        "summary": ["Assumption", "Summary", "summarise"],
    },
)
