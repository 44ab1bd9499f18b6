# b19f8b1 (the skill balance's swaps priced by a Numba kernel); 4 December 19:21-19:26 UTC, load 2.3-2.6,
# benchmarks/hhc.py (Mankowska, one process) running beside it
PYTHONPATH=. python benchmarks/week.py --scenario examples/rutland_dense.toml --seeds 1
