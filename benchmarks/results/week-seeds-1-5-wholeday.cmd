# code of b33be94 (in a worktree) for week-seeds-1-5-wholeday.jsonl and of 3de8f00 (the code before that day's residual-pool changes) for week-seeds-1-5-wholeday-base.jsonl, one seed at a time, alternating; 14:08-14:35 UTC 3 December, load 1.9-2.2
for s in 1 2 3 4 5; do
  PYTHONPATH=. python benchmarks/week.py --seeds $s   # on b33be94
  PYTHONPATH=. python benchmarks/week.py --seeds $s   # on 3de8f00
done
