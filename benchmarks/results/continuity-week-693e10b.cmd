PYTHONPATH=. python benchmarks/continuity.py --weights 1200 --team on off --days 7 --time-budget 150 --out benchmarks/results/continuity-week-693e10b.jsonl
