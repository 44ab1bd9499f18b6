# 107da13 (the floor under kept days and the pace 1.1), 4 December 23:35-23:39 UTC, load 1.2-1.9, nothing beside it
PYTHONPATH=. python benchmarks/week.py --scenario examples/rutland_dense.toml
