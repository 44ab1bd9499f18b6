r"""Write a Leeds-centre client list with too few carers, to see a qualified headline.

The issue's case (#13): 140 recipients with 2,653 visits a week, 60 carers and 5 providers on
the embedded Leeds extract, so that a third of the visits cannot be served. This writes such
an instance and a scenario that compares it:

    python benchmarks/leeds_short.py --out /tmp/leeds
    roster compare --scenario /tmp/leeds/leeds.toml \
        --area roster/data/leeds-university-small.osm.pbf --out /tmp/leeds/out

Homes are drawn along the extract's residential streets. Every recipient has a 07:00-10:00
morning call and one to three more (lunch, tea, bed), 30 or 45 minutes each day; carers work
five days a week, half of them 07:00-14:00 and half 16:00-22:00.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from roster.data import LEEDS_PBF
from roster.geo.network import load_network, sample_street_points
from roster.io import write_instance
from roster.model import Carer, Instance, Provider, Recipient, Shift, Visit

WINDOWS = {"morning": (7, 10), "lunch": (11.5, 14), "tea": (16, 18), "bed": (19, 22)}
HOUR = 3600


def leeds_instance(recipients: int, carers: int, providers: int, seed: int) -> Instance:
    """Return the client list: recipients, their week of visits, carers and providers."""
    rng = np.random.default_rng(seed)
    network = load_network(LEEDS_PBF, "drive")
    lon, lat = sample_street_points(network, recipients + carers + providers, seed)
    firms = [
        Provider(
            f"P{k + 1}", float(lon[recipients + carers + k]), float(lat[recipients + carers + k])
        )
        for k in range(providers)
    ]
    people = [
        Recipient(f"R{i + 1:03d}", float(lon[i]), float(lat[i]), f"P{rng.integers(providers) + 1}")
        for i in range(recipients)
    ]
    visits = []
    for person in people:
        calls = ["morning", *rng.choice(["lunch", "tea", "bed"], rng.integers(1, 4), replace=False)]
        minutes = {call: int(rng.choice([30, 45], p=[0.7, 0.3])) for call in calls}
        for day in range(7):
            for call in calls:
                start, end = WINDOWS[call]
                visits.append(
                    Visit(
                        f"{person.id}-{day}-{call}",
                        person.id,
                        day,
                        int(start * HOUR),
                        int(end * HOUR),
                        minutes[call] * 60,
                    )
                )
    staff = []
    for k in range(carers):
        first = k % 7
        hours = (7, 14) if k % 2 == 0 else (16, 22)
        shifts = tuple(Shift((first + d) % 7, hours[0] * HOUR, hours[1] * HOUR) for d in range(5))
        i = recipients + k
        staff.append(
            Carer(
                f"C{k + 1:03d}",
                float(lon[i]),
                float(lat[i]),
                "drive",
                frozenset(),
                "female" if rng.random() < 0.8 else "male",
                tuple(sorted(shifts, key=lambda s: (s.day, s.start_s))),
                5 * (hours[1] - hours[0]) * HOUR,
                f"P{k % providers + 1}",
            )
        )
    return Instance(tuple(people), tuple(visits), tuple(staff), tuple(firms))


def main() -> None:
    """Write the instance and a scenario comparing it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--recipients", type=int, default=140)
    parser.add_argument("--carers", type=int, default=60)
    parser.add_argument("--providers", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--time-budget", type=float, default=60.0)
    args = parser.parse_args()
    out = Path(args.out)
    instance = leeds_instance(args.recipients, args.carers, args.providers, args.seed)
    write_instance(instance, out / "instance", "csv")
    (out / "leeds.toml").write_text(
        'name = "leeds-centre-short"\n\n[comparison]\ninstance = "instance"\n'
        f"neighbourhood_size = 70.0\ndays = {args.days}\ntime_budget_s = {args.time_budget}\n",
        encoding="utf-8",
    )
    print(
        f"{len(instance.recipients)} recipients, {len(instance.visits)} visits a week, "
        f"{len(instance.carers)} carers, {len(instance.providers)} providers -> {out}"
    )


if __name__ == "__main__":
    main()
