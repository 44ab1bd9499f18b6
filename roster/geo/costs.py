"""Packed path costs: travel time and length in one integer, so one search returns both."""

import numpy as np

# Path costs are packed as time_ms * 2**24 + length_dm in one integer: shortest paths minimise
# time and break ties by length, and one search returns both. Sums stay exact (also as float64)
# while a path is under 149 hours and 1,677 km.
LENGTH_BITS = 1 << 24

#: Cost of an unreachable pair; sums of real costs stay far below it.
UNREACHABLE = np.int64(1) << 62
