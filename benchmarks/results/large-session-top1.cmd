# 2026-12-02 06:12-06:16 UTC, load average 6.0 at the start, 5.7 at the end (a test suite ran
# beside it). OR-Tools skipped (--baseline-cap 0): its first solution did not finish in 120 s
# on this session before (README, "Large sessions").
PYTHONPATH=. python benchmarks/large_session.py --top 1 --baseline-cap 0
