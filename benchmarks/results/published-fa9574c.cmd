# fa9574c (the code of 8334af5), 4 December 18:32-19:50 UTC: two streams side by side, one process each
# (load 1.0-4.1: the last part of the session's other runs beside them).
# Stream A -> hhc-60s-all.jsonl: every Mankowska instance (70) and every Kummer instance (7), 60 s each
PYTHONPATH=. python benchmarks/hhc.py --time-limit 60 $(ls $S/hhc/mankowska/json/*.json | sort -V) $S/hhc/kummer/instances/*.json
# Stream B -> solomon-30s-all.jsonl: every Solomon 100-customer instance (56), 30 s each
PYTHONPATH=. python benchmarks/solomon.py --time-limit 30 $(ls $S/solomon/*.txt | sort -V)
# then -> homberger-60s-x1-x2.jsonl: the first two Gehring-Homberger 200-customer instances of each family
# (chosen before the run), the defaults and PyVRP alone side by side, 60 s each
PYTHONPATH=. python benchmarks/solomon.py --time-limit 60 --solvers rounds,pyvrp $S/homberger/{c1,c2,r1,r2,rc1,rc2}_2_{1,2}.txt
# S=/work/shared/benchmarks
