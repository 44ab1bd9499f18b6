# 4 December 19:50-20:27 UTC, load 1.9-2.1, on 0d31033 with roster.commissioning.teams._TEAM_LOAD set per run.
# The script (its text below, kept here as it was run) rosters the Rutland week at the default scenario, seed as
# given, one run per variant: "travel" is the capped travel-only roster (continuity_cost 0, no team, contracts
# capped); a number is the default scenario with _TEAM_LOAD at that value.
PYTHONPATH=. python cont_try.py 1 travel 0.6 1.0 0.8
PYTHONPATH=. python cont_try.py 2 1.0 0.6
PYTHONPATH=. python cont_try.py 3 0.6 1.0
# --- cont_try.py ---
# """Rutland week, seed 1, default scenario: travel-only, then team slice loads; one JSON line per run and model."""
# import dataclasses, json, os, sys, time
# import roster.commissioning.teams as t
# from roster.comparison.run import load_networks, run_seed
# from roster.scenario import load_scenario
# from roster.data import RUTLAND_PBF
# 
# if __name__ == "__main__":
#     seed = int(sys.argv[1])
#     variants = sys.argv[2:]  # "travel" or a team load such as 0.6
#     base = load_scenario()
#     networks = load_networks(RUTLAND_PBF, council=base.area)
#     for v in variants:
#         if v == "travel":
#             rounds = dataclasses.replace(base.rounds, continuity_cost=0, continuity_team=False)
#         else:
#             rounds = base.rounds
#             t._TEAM_LOAD = float(v)
#         began = time.perf_counter()
#         run = run_seed(dataclasses.replace(base, rounds=rounds), RUTLAND_PBF, networks, seed)
#         for model, m in run.metrics.items():
#             print(json.dumps({"variant": v, "seed": seed, "model": model,
#                 "travel_h": round(m.travel_time_s / 3600, 1), "mean_carers": round(m.continuity_mean_carers, 2),
#                 "p90_carers": m.continuity_p90_carers, "unassigned": m.visits_unassigned,
#                 "over_contract": m.carers_over_contract, "checker": m.checker_violations,
#                 "rounds_s": round(run.seconds["rounds"], 1), "wall_s": round(time.perf_counter() - began, 1),
#                 "load": round(os.getloadavg()[0], 1)}), flush=True)
# --- cover.py, the lower bound in the README (run on roster generate --seed 1 --out inst1: python cover.py inst1) ---
# """Greedy lower-ish bound: fewest carer patterns covering each recipient's week (no capacity, no travel)."""
# import csv, collections, sys
# import numpy as np
# d = sys.argv[1]
# def hm(t): h, m = t.split(":"); return int(h)*60+int(m)
# DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
# carers = []
# for r in csv.DictReader(open(f"{d}/carers.csv")):
#     shifts = []
#     for s in r["shifts"].split(";"):
#         day, span = s.split(" "); a, b = span.split("-")
#         shifts.append((DAYS.index(day), hm(a), hm(b)))
#     carers.append((r["carer_id"], set(filter(None, r["skills"].split(";"))), r["gender"], shifts, r["provider_id"]))
# visits = collections.defaultdict(list)
# for r in csv.DictReader(open(f"{d}/visits.csv")):
#     visits[r["recipient_id"]].append((DAYS.index(r["day"]), hm(r["earliest_start"]), hm(r["latest_start"]), int(r["duration_min"]), int(r["carers_required"]), set(filter(None, r["skills"].split(";"))), r["gender_preference"] or None))
# prov = {r["recipient_id"]: r["provider_id"] for r in csv.DictReader(open(f"{d}/recipients.csv"))}
# days_per = collections.Counter(len({s[0] for s in c[3]}) for c in carers)
# print("carers' working days:", sorted(days_per.items()))
# def can(c, v):
#     _, sk, g, shifts, _ = c
#     day, e, l, dur, req, vs, vg = v
#     if not vs <= sk or (vg and vg != g): return False
#     return any(sd == day and a <= l and max(e, a) + dur <= b for sd, a, b in shifts)
# for scope in ("provider", "all"):
#     sizes = []
#     for rid, vs in visits.items():
#         cs = [c for c in carers if scope == "all" or c[4] == prov[rid]]
#         M = np.array([[can(c, v) for v in vs] for c in cs], dtype=bool)
#         need = np.array([v[4] for v in vs])
#         used = np.zeros(len(cs), bool); n = 0
#         while need.any():
#             gain = (M[:, need > 0]).sum(axis=1); gain[used] = -1
#             b = int(np.argmax(gain))
#             if gain[b] <= 0: break
#             used[b] = True; n += 1; need = need - M[b]; need[need < 0] = 0
#         sizes.append(n)
#     s = np.array(sizes)
#     print(scope, "greedy cover: mean %.2f p90 %d, share >3: %.2f" % (s.mean(), np.percentile(s, 90), (s > 3).mean()), collections.Counter(sizes).most_common(8))
