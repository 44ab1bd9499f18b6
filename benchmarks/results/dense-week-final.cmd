PYTHONPATH=. python benchmarks/week.py --scenario examples/rutland_dense.toml --seeds 1   # code of adb03f3 (= b817a01), 16:18-16:22 UTC 2 December, load 1.6-1.9
