PYTHONPATH=. python benchmarks/continuity.py --weights 0 --team off --days 7 --time-budget 150 --out benchmarks/results/continuity-week-caps.jsonl
