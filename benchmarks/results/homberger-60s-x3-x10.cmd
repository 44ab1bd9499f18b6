# 0f9082f, 4 December 2026 22:29-23:19 UTC: the other 48 Gehring-Homberger 200-customer instances (x_2_3 to
# x_2_10 of each family), two streams side by side, one process each (load 1.8-2.8). Lines: the rounds stream,
# then the PyVRP stream. c1_2_3, the first, took 79.7 s: the new checkout compiled its Numba kernels then.
S=/work/shared/benchmarks
files=$(for f in c1 c2 r1 r2 rc1 rc2; do for k in 3 4 5 6 7 8 9 10; do echo $S/homberger/${f}_2_$k.txt; done; done)
PYTHONPATH=. python benchmarks/solomon.py --time-limit 60 --solvers rounds $files   # stream A
PYTHONPATH=. python benchmarks/solomon.py --time-limit 60 --solvers pyvrp $files    # stream B
