# 2026-12-02 14:57-15:34 UTC, one process at a time, niced, the two codes alternating in one window:
# main (8dc41a6, in a throwaway worktree) -> hhc-60s-structref-main.jsonl
# branch hhc-speed at 3c03c40 (structref kernels, a pair's second half priced near first) -> hhc-60s-structref-branch.jsonl
# each line: benchmarks/hhc.py --time-limit 60 (the defaults) on one file, plus the improvement's iteration count
for f in InstanzVNS_HCSRP_100_1 InstanzVNS_HCSRP_100_2 InstanzVNS_HCSRP_100_3 InstanzVNS_HCSRP_200_1 InstanzVNS_HCSRP_200_2 InstanzVNS_HCSRP_200_3 InstanzVNS_HCSRP_200_4 InstanzVNS_HCSRP_200_5 InstanzVNS_HCSRP_300_1 InstanzVNS_HCSRP_300_2 InstanzVNS_HCSRP_300_3 InstanzVNS_HCSRP_300_4; do
  PYTHONPATH=. nice -n 10 python benchmarks/hhc.py --time-limit 60 /work/shared/benchmarks/hhc/mankowska/json/$f.json
done
