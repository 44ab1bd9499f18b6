PYTHONPATH=. python benchmarks/continuity.py --weights 300 2400 --team off on --days 7 --time-budget 150 --out benchmarks/results/continuity-week.jsonl
