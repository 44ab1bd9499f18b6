# e80e0a0, 4 December 20:33-20:39 UTC, load 1.9-2.1, nothing else running
PYTHONPATH=. python benchmarks/week.py --seeds 4 5
