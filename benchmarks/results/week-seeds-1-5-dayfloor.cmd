# 4 December 2026, 21:32-22:27 UTC, load 1.9-2.2 (two runs marked below at 2.6 and 3.9: stray workers
# of an interrupted run beside them). The Rutland week at the defaults, one seed per process, variants
# of the code run one after the other in the order listed, each from its own checkout of 0f9082f:
#   base      0f9082f as it is
#   floor     + a residual provider keeps, for each kind and day, at least 1.25 x its contact hours
#             (roster.commissioning.models.KEEP_DAY_FLOOR)
#   floorpace + floor, and the weekly pace 1.25 -> 1.1 (roster.commissioning.week._PACE): what landed
#   repeat    + each session starts from who did each call the day before, leftovers constructed most
#             constrained first (not landed: 1.5-2.1% more framework travel on seeds 1, 3, 4 for 0.0-0.12
#             fewer distinct carers; the patch is described in the session note)
# Runs before 21:32 (seed 1 base and floor, from a script setting KEEP_DAY_FLOOR in the main checkout) are
# left out: the repeat patch was being written in that checkout, and their worker processes may have loaded it.
# Seed 2's first two runs (repeat, base) had stray workers beside them (load 3.9 and 2.6).
# Each line: one variant, seed and model (residual_unassigned: the consortium's misses in the packages
# that stay with framework providers).
#   /tmp/exp/go.sh SEED VARIANT...  ==  for v: PYTHONPATH=<checkout of v> python run_variant.py SEED v
# run_variant.py: run_seed(load_scenario(), RUTLAND_PBF, load_networks(RUTLAND_PBF, council=...), seed)
# and print each model's metrics as JSON (travel_time_s / 3600, continuity_mean_carers, visits_unassigned,
# carers_over_contract, checker_violations).
# seed 2: repeat base floor; seed 3: base repeat floor; seed 4: floor base repeat; seed 1: repeat;
# seed 2: floorpace floor; seed 4: floor floorpace; seed 3: floorpace floor; seed 1: floor floorpace;
# seed 5: floorpace floor
