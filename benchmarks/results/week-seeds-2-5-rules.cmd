PYTHONPATH=. python benchmarks/week.py --seeds 2 3 4 5   # code of d3bb5b9+README (the week's rules on by default), 15:22-15:33 UTC 2 December, load 2.7-4.0 (a niced helper benchmark beside it)
