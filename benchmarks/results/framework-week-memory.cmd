# 2026-12-02 06:00 UTC, two runs side by side (memory is compared, not time): the same calls as
# benchmarks/framework_week.py (defaults: examples/rutland_dense.toml, seed 1, whole week,
# budget 75 s, 2 workers), run from a checkout of db61c95 (before) and of this branch (after)
# as a one-off script that the branch then kept as benchmarks/framework_week.py.
PYTHONPATH=. python benchmarks/framework_week.py
