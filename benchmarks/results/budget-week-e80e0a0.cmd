# e80e0a0 (the code of 2308692), 4 December 20:20-20:33 UTC, load 1.6-2.1, nothing else running
PYTHONPATH=. python benchmarks/week.py --seeds 1 --budget-multiples 1 4
