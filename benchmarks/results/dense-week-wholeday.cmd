# after week-seeds-1-5-wholeday: b33be94 (dense-week-wholeday.jsonl), then 3de8f00 (dense-week-wholeday-base.jsonl); 14:35-14:44 UTC 3 December, load 1.6-1.9
PYTHONPATH=. python benchmarks/week.py --scenario examples/rutland_dense.toml --seeds 1
