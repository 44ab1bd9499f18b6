"""Draw the report's charts with matplotlib as inline SVG."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib import rc_context
from matplotlib.figure import Figure

MODEL_COLOURS = {"framework": "#d95f02", "consortium": "#1b9e77"}
_OTHER_COLOUR = "#7570b3"
# Text stays text (small, searchable) and ids repeat run to run, so the same input gives the
# same file.
_SVG_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "roster-report", "font.size": 10}
_MAX_BINS = 40


def model_colour(model: str) -> str:
    """Return the colour the report uses for a commissioning model.

    Parameters
    ----------
    model
        Model name, such as "framework" or "consortium".

    Returns
    -------
    str
        A hex colour.
    """
    return MODEL_COLOURS.get(model, _OTHER_COLOUR)


def travel_share_svg(shares: Mapping[str, float], pool_shares: Mapping[str, np.ndarray]) -> str:
    """Draw each model's travel share of working time as a bar, with its pools as dots.

    Parameters
    ----------
    shares
        Travel / (travel + contact) for each model, between 0 and 1.
    pool_shares
        The same share for each pool (provider or neighbourhood) of each model.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    models = list(shares)
    with rc_context(_SVG_SETTINGS):
        figure = Figure(figsize=(5.5, 0.9 + 0.8 * len(models)))
        axes = figure.add_subplot()
        positions = np.arange(len(models))
        axes.barh(
            positions,
            [100 * shares[m] for m in models],
            color=[model_colour(m) for m in models],
            height=0.6,
        )
        for position, model in zip(positions, models, strict=True):
            # Inside the bar, where the pools' dots cannot cover it.
            axes.annotate(
                f"{100 * shares[model]:.1f}%",
                (0, position),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                color="white",
                fontweight="bold",
            )
            pools = 100 * np.asarray(pool_shares.get(model, []), dtype=float)
            axes.scatter(
                pools,
                np.full(len(pools), position),
                s=14,
                color="black",
                alpha=0.6,
                zorder=3,
                label="one provider or neighbourhood" if position == 0 else None,
            )
        axes.set_yticks(positions, [m.capitalize() for m in models])
        axes.invert_yaxis()
        axes.set_xlabel("Travel share of working time (%): travel / (travel + contact)")
        axes.set_xlim(0, max(5.0, 1.2 * max(_share_maxima(shares, pool_shares))))
        axes.spines[["top", "right"]].set_visible(False)
        if any(len(pool_shares.get(m, [])) for m in models):
            axes.legend(loc="lower right", frameon=False, fontsize=8)
        return _svg(figure)


def travel_per_visit_svg(travel_per_visit_s: Mapping[str, np.ndarray]) -> str:
    """Draw the distribution of the travel leg before each visit, per model.

    A histogram on top and a box plot below share the minutes axis.

    Parameters
    ----------
    travel_per_visit_s
        Travel before each visit, in seconds, for each model.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    minutes = {m: np.asarray(v, dtype=float) / 60 for m, v in travel_per_visit_s.items()}
    minutes = {m: v for m, v in minutes.items() if v.size}
    with rc_context(_SVG_SETTINGS):
        figure = Figure(figsize=(6.5, 4.2))
        histogram, box = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        if not minutes:
            histogram.text(0.5, 0.5, "No visits were assigned.", ha="center", va="center")
            return _svg(figure)
        everything = np.concatenate(list(minutes.values()))
        edges = np.histogram_bin_edges(everything, bins="auto", range=(0, everything.max() or 1))
        if len(edges) > _MAX_BINS + 1:
            edges = np.linspace(edges[0], edges[-1], _MAX_BINS + 1)
        for model, values in minutes.items():
            histogram.hist(
                values,
                bins=edges,
                histtype="step",
                linewidth=1.8,
                color=model_colour(model),
                label=f"{model.capitalize()} (median {np.median(values):.1f} min)",
            )
        histogram.set_ylabel("Visits")
        histogram.legend(frameon=False)
        box.boxplot(
            list(minutes.values()),
            orientation="horizontal",
            tick_labels=[m.capitalize() for m in minutes],
            widths=0.6,
            showfliers=False,
            medianprops={"color": "black"},
        )
        box.invert_yaxis()
        box.set_xlabel("Travel before a visit (minutes)")
        for axes in (histogram, box):
            axes.spines[["top", "right"]].set_visible(False)
        return _svg(figure)


def capacity_svg(
    bands: Sequence[str],
    demanded_h: Mapping[str, np.ndarray],
    available_h: Mapping[str, np.ndarray],
    short: Mapping[str, np.ndarray],
) -> str:
    """Draw, per model and time band, contact hours demanded against those carers can give.

    Parameters
    ----------
    bands
        Band names, in order.
    demanded_h, available_h
        For each model, contact hours demanded and available in each band (over its pools
        and the days modelled).
    short
        For each model, how many pool-days are short of carers in each band (written on the
        bars).

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    models = list(demanded_h)
    positions = np.arange(len(bands))
    width = 0.8 / max(len(models), 1)
    with rc_context(_SVG_SETTINGS):
        figure = Figure(figsize=(6.5, 3.4))
        axes = figure.add_subplot()
        for k, model in enumerate(models):
            x = positions - 0.4 + width * (k + 0.5)
            colour = model_colour(model)
            axes.bar(x, available_h[model], width * 0.9, color=colour, alpha=0.25)
            axes.bar(x, demanded_h[model], width * 0.5, color=colour, label=model.capitalize())
            for xk, top, count in zip(x, available_h[model], short[model], strict=True):
                if count:
                    axes.annotate(
                        f"{int(count)} short",
                        (xk, top),
                        xytext=(0, 2),
                        textcoords="offset points",
                        ha="center",
                        fontsize=7,
                    )
        axes.set_xticks(positions, list(bands))
        axes.set_ylabel("Contact hours")
        axes.set_title(
            "Demanded (narrow bars) against what carers on shift can give (wide bars)",
            fontsize=9,
        )
        axes.legend(frameon=False, fontsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        return _svg(figure)


def tradeoff_svg(
    curves: Mapping[str, Sequence[tuple[int, float, float]]], used_s: int | None = None
) -> str:
    """Draw each model's weekly travel against distinct carers per recipient, one dot a weight.

    Parameters
    ----------
    curves
        For each model, ``(weight_s, mean distinct carers, travel hours)`` by weight. A name
        with a qualifier after a comma (``"framework, team"``) takes its model's colour, dashed.
    used_s
        The comparison's own weight, circled (None: no weight is the comparison's).

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    with rc_context(_SVG_SETTINGS):
        figure = Figure(figsize=(6.0, 3.6))
        axes = figure.add_subplot()
        for model, points in curves.items():
            colour = model_colour(model.split(",")[0])
            carers = [p[1] for p in points]
            travel = [p[2] for p in points]
            style = "--o" if "," in model else "-o"
            axes.plot(carers, travel, style, color=colour, label=model.capitalize(), markersize=4)
            for weight, x, y in points:
                axes.annotate(
                    f"{weight:g} s",
                    (x, y),
                    xytext=(4, 3),
                    textcoords="offset points",
                    fontsize=7,
                    fontweight="bold" if weight == used_s else "normal",
                )
                if weight == used_s:
                    axes.scatter([x], [y], s=70, facecolors="none", edgecolors=colour, zorder=3)
        axes.set_xlabel("Distinct carers per recipient in the week (mean)")
        axes.set_ylabel("Care workers' travel (hours a week)")
        title = "Each dot a continuity weight (s)"
        if used_s is not None:
            title += f"; circled: the comparison's ({used_s:g} s)"
        axes.set_title(title, fontsize=9)
        axes.legend(frameon=False, fontsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        return _svg(figure)


def _share_maxima(shares: Mapping[str, float], pools: Mapping[str, np.ndarray]) -> list[float]:
    """Return the largest share of each model and its pools, in percent."""
    return [
        100 * max([shares[m], *np.asarray(pools.get(m, []), dtype=float).tolist()]) for m in shares
    ]


def _svg(figure: Figure) -> str:
    """Render `figure` as an ``<svg>`` element to inline in HTML (no XML prolog, no date)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]
