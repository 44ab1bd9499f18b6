# the per-day skill balance (b33be94 with the commit's roster/commissioning/models.py) for *-daybalance.jsonl and b33be94 for *-daybalance-base.jsonl, one at a time, alternating; 19:11-19:48 UTC 3 December, load 1.6-2.1
PYTHONPATH=. python benchmarks/week.py --scenario examples/rutland_dense.toml --seeds 1   # new, then base
for s in 2 1 3 4 5; do
  PYTHONPATH=. python benchmarks/week.py --seeds $s   # new
  PYTHONPATH=. python benchmarks/week.py --seeds $s   # base
done
