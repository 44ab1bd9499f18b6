PYTHONPATH=. python benchmarks/continuity.py --weights 0 600 1500 --team on --team-from rounds homes --days 7 --time-budget 150 --out benchmarks/results/continuity-week-teams.jsonl
