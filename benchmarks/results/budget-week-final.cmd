PYTHONPATH=. python benchmarks/week.py --seeds 1 --budget-multiples 1 4   # code of d7f0b3a, 16:30-16:43 UTC 2 December, load 1.5-2.1
