"""``explain``: what moved a metric between two periods.

    from mille.analysis.explain import explain
    result = explain(ws, "cpm", "2026-09", "2026-10")           # a Workspace
    result = explain("exports.parquet", "ctr", "2026-09", "2026-10", dims=["platform", "device"])

One engine query sums the metric's numerator and denominator per leaf for both periods
(:mod:`mille.analysis.comparison`); numpy does the rest: the exact split of the headline change
(:mod:`mille.analysis.decompose`) and the smallest set of segments that explains it
(:mod:`mille.analysis.localize`). The result is an :class:`Explanation`, whose JSON is the
contract documented in ``docs/explain.md``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mille.analysis import decompose as dec
from mille.analysis.attributed_rows import reads_crm
from mille.analysis.comparison import check_dims, compare, default_dims, file_table
from mille.analysis.day_noise import day_intervals
from mille.analysis.explanation import (
    Cause,
    Counterpart,
    Decomposition,
    DimensionPart,
    Explanation,
    Figures,
    MeasurementNote,
    SegmentPart,
)
from mille.analysis.leafmodel import is_proportion
from mille.analysis.leaves import MISSING, Leaves
from mille.analysis.localize import MAX_DEPTH, Finding, Localization, localize
from mille.analysis.measurement import measurement_notes, measurement_sentence
from mille.analysis.narrative import summary
from mille.analysis.pipeline import crm_leaves, funnel_between
from mille.errors import QueryError
from mille.metrics import Catalogue, Metric, load_catalogue
from mille.periods import Period, parse_period
from mille.schema import TABLES

if TYPE_CHECKING:
    from mille.workspace import Workspace

__all__ = ["Cause", "Counterpart", "Decomposition", "DimensionPart", "Explanation", "Figures",
           "MeasurementNote", "SegmentPart", "explain"]

Z95 = 1.959964
MAX_SEGMENTS = 50  # per dimension in the decomposition table; the rest is counted


def explain(
    source: Workspace | str | Path,
    metric: str,
    before: str | Period,
    after: str | Period,
    *,
    dims: list[str] | None = None,
    max_depth: int = MAX_DEPTH,
    filter: str | None = None,
) -> Explanation:
    """Explain the change of ``metric`` from ``before`` to ``after`` (see the module docstring)."""
    from mille.engine import connect
    from mille.workspace import Workspace

    if not 1 <= max_depth <= 5:
        raise QueryError("--max-depth must be between 1 and 5", value=max_depth)
    if isinstance(source, Workspace):
        catalogue = load_catalogue(source.path)
        engine, t, table = source.engine, source.ad_performance(), TABLES["ad_performance"]
        anchor, label, currency, own = source.anchor_date(), str(source.path), source.config.reporting_currency, False
    else:
        path = Path(source)
        catalogue = load_catalogue(None)
        engine = connect("duckdb", None)
        own = True
        t, table = file_table(engine, path)
        anchor = engine.scalar(t.date_day.max())
        label, currency = str(path), None
    try:
        m = catalogue.get(metric)
        p0 = before if isinstance(before, Period) else parse_period(before, anchor=anchor)
        p1 = after if isinstance(after, Period) else parse_period(after, anchor=anchor)
        workspace = not own
        if dims is None and not reads_crm(catalogue, [m]):
            dims = default_dims(t.filter((t.date_day >= p0.start) & (t.date_day <= p1.end)), table,
                                engine, workspace=workspace)
        crm = reads_crm(catalogue, [m])
        if crm and own:
            raise QueryError(f"`{m.name}` reads CRM records, which a --data file does not hold",
                             hint="explain pipeline metrics on a workspace with CRM exports ingested")
        if crm:  # pipeline metrics: credited CRM values beside the ad rows, campaign-level dims only
            dims, t = crm_leaves(source, catalogue, m, dims, filter)
        dims = list(dict.fromkeys(dims))
        check_dims(dims, table, workspace=workspace)
        comparison = compare(engine, t, table, catalogue, m, p0, p1, dims, filter=filter, attributed=crm)
        result = assemble(m, catalogue, comparison.leaves, p0, p1, dims=dims, max_depth=max_depth,
                          filter=filter, source=label, currency=currency,
                          numerator=comparison.numerator, denominator=comparison.denominator)
        if comparison.denominator is not None and not crm:
            _day_level(result, engine, t, table, catalogue, m, p0, p1, comparison, filter)
    finally:
        if own:
            engine.close()
    if isinstance(source, Workspace) and reads_crm(catalogue, [m]):
        result.funnel = funnel_between(source, catalogue, m, p0, p1, filter)
        if result.funnel is not None:
            result.summary += " " + result.funnel.sentence
    if isinstance(source, Workspace):
        notes = measurement_notes(source, m.name, p0, p1)
        if filter:
            # Only problems on platforms the filtered figures include.
            kept = _platforms(source, t, table, filter, p0, p1)
            notes = [n for n in notes if n.platform is None or n.platform in kept]
        if notes:
            result.measurement = notes
            result.summary = measurement_sentence(notes, currency) + " " + result.summary
    return result


def _day_level(result: Explanation, engine, t, table, catalogue: Catalogue, m: Metric, p0: Period,
               p1: Period, comparison, filter: str | None) -> None:
    """Replace the leaf-noise intervals of the headline and the causes by day-level ones (the
    replication unit of ``mille report``), and judge the headline's noise from them."""
    leaves = comparison.leaves
    proportion = leaves.is_ratio and m.interval == "wilson" and is_proportion(leaves)
    days = day_intervals(engine, t, table, catalogue, m, p0, p1, numerator=comparison.numerator,
                         denominator=comparison.denominator, filter=filter,
                         segments=[c.segment for c in (*result.causes, *result.others)],
                         proportion=proportion)
    result.before.interval = days.before[0] or result.before.interval
    result.after.interval = days.after[0] or result.after.interval
    result.change_interval = days.change[0]
    result.headline_noise = days.noise[0]
    result.interval_basis = "days"
    for c, before, after in zip((*result.causes, *result.others), days.before[1:], days.after[1:], strict=True):
        c.before.interval = before or c.before.interval
        c.after.interval = after or c.after.interval
    if not result.causes and result.headline_noise is not None:
        result.within_noise = result.headline_noise
        result.spread_evenly = not result.headline_noise
    result.summary = summary(result, m, catalogue)


def _platforms(ws: Workspace, t, table, filter: str, p0: Period, p1: Period) -> set[str]:
    from mille.metrics import compile_filter

    span = t.filter((t.date_day >= min(p0.start, p1.start)) & (t.period_end <= max(p0.end, p1.end)))
    span = span.filter(compile_filter(filter, span, table))
    return set(ws.engine.to_arrow(span.select("platform").distinct()).column("platform").to_pylist())


def assemble(
    metric: Metric,
    catalogue: Catalogue,
    leaves: Leaves,
    before: Period,
    after: Period,
    *,
    dims: list[str],
    max_depth: int,
    filter: str | None,
    source: str,
    currency: str | None,
    numerator: str,
    denominator: str | None,
) -> Explanation:
    """Everything after the query: decomposition, causes, sentences (pure numpy)."""
    scale = metric.multiplier if metric.type == "ratio" else 1.0
    h = dec.headline(leaves)
    # A rate of counts (CTR, conversion rate) by its definition, and only if the numbers agree.
    proportion = leaves.is_ratio and metric.interval == "wilson" and is_proportion(leaves)
    found = localize(leaves, max_depth=max_depth, proportion=proportion)
    model = found.searches[0].model
    noise1 = float(model.var.sum()) if model is not None and leaves.is_ratio else None
    noise0 = noise1 * h.den0 / h.den1 if noise1 is not None and h.den0 and h.den1 else None
    fig0 = _figures(metric, h.num0, h.den0, scale, proportion, period=before, noise=noise0)
    fig1 = _figures(metric, h.num1, h.den1, scale, proportion, period=after, noise=noise1)
    change = scale * h.change
    additive = not leaves.is_ratio
    rate_claimed = np.zeros(leaves.n, dtype=bool)
    for f in found.causes:
        if f.channel != "mix":
            rate_claimed |= leaves.mask(f.segment)
    causes = [_cause(leaves, f, found, metric, scale, change, proportion, additive, claimed=rate_claimed)
              for f in found.causes]
    causes.sort(key=lambda c: -abs(c.contribution))
    others = _others(leaves, found, causes, metric, scale, change, proportion, additive)
    num_part, den_part = dec.numerator_denominator(h)
    leaf_split = dec.by_leaf(leaves)
    decomposition = Decomposition(
        mix=scale * float(leaf_split.mix.sum()),
        rate=scale * float(leaf_split.rate.sum()),
        no_base=scale * float(leaf_split.no_base.sum()),
        level="leaves: " + " × ".join(dims) if dims else "total",
        numerator=scale * num_part,
        denominator=scale * den_part,
        numerator_measure=numerator,
        denominator_measure=denominator,
        by_dimension=[_dimension(leaves, j, metric, scale, proportion) for j in range(len(dims))],
    )
    result = Explanation(
        metric=metric.name,
        label=metric.label,
        unit=metric.unit,
        display={"decimals": metric.display.decimals, "prefix": metric.display.prefix,
                 "suffix": metric.display.suffix},
        definition_version=catalogue.version(metric.name),
        source=source,
        before=fig0,
        after=fig1,
        change=change,
        change_ratio=(fig1.value / fig0.value - 1) if fig0.value and fig1.value is not None else None,
        summary="",
        decomposition=decomposition,
        causes=causes,
        others=others,
        within_noise=found.within_noise,
        spread_evenly=found.everywhere,
        headline_z=float(found.headline_z) if math.isfinite(found.headline_z) else 1e9,
        dims=list(dims),
        max_depth=max_depth,
        filter=filter,
        currency=currency,
    )
    result.summary = summary(result, metric, catalogue)
    return result


def _figures(metric: Metric, num: float, den: float | None, scale: float, proportion: bool,
             *, period: Period | None = None, noise: float | None = None) -> Figures:
    value = None if den is not None and den <= 0 else scale * (num / den if den is not None else num)
    interval = None
    if den is not None and den > 0:
        if proportion:
            interval = _wilson(num, den, scale)
        elif noise is not None and value is not None:
            half = Z95 * scale * math.sqrt(noise) / den
            interval = (value - half, value + half)
    return Figures(
        value=value,
        numerator=num,
        denominator=den,
        interval=interval,
        thin=den is not None and den < metric.min_base,
        period={k: str(v) for k, v in period.to_dict().items()} if period else None,
    )


def _wilson(successes: float, trials: float, scale: float) -> tuple[float, float]:
    p = min(max(successes / trials, 0.0), 1.0)
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = Z95 * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return (scale * max(centre - half, 0.0), scale * min(centre + half, 1.0))


def _cause(leaves: Leaves, f: Finding, found: Localization, metric: Metric, scale: float,
           change: float, proportion: bool, additive: bool, note: str | None = None,
           claimed: np.ndarray | None = None) -> Cause:
    """A segment's figures and its part of the change.

    Its mix part is its whole share shift; its rate (and no-base) part counts only the leaves
    that no rate cause found elsewhere covers, so a share shift to LinkedIn is not also credited
    with LinkedIn × C-suite getting dearer when that is a cause of its own.
    """
    mask = leaves.mask(f.segment)
    eff = dec.segment_effect(leaves, mask)
    own = eff
    if claimed is not None and f.channel == "mix" and (mask & claimed).any():
        own = dec.segment_effect(leaves, mask & ~claimed)
    parts = dec.SegmentEffect(eff.num0, eff.num1, eff.den0, eff.den1, eff.mix, own.rate, own.no_base)
    first = found.searches[0].model
    noise1 = float(first.var[mask].sum()) if first is not None else None
    noise0 = None
    if noise1 is not None and eff.den0 and eff.den1:
        noise0 = noise1 * eff.den0 / eff.den1  # the counting part scales with the base
    contribution = scale * parts.contribution
    interval = None
    if noise1 is not None:
        if additive:
            se = math.sqrt(noise1)
        else:
            d1 = float(leaves.den1.sum())  # type: ignore[union-attr]
            share = ((eff.den0 or 0) / float(leaves.den0.sum()) + (eff.den1 or 0) / d1) / 2  # type: ignore[union-attr]
            se_rate = share * math.sqrt(noise1) / eff.den1 if eff.den1 else 0.0
            # The share's counting noise (Poisson on the denominator), priced at the gap between
            # the segment's mean rate and the headline's — the mix term's own sensitivity.
            se_mix = 0.0
            if eff.den1 and eff.value0 is not None and eff.value1 is not None:
                centre = (float(leaves.num0.sum()) / float(leaves.den0.sum()) + float(leaves.num1.sum()) / d1) / 2  # type: ignore[union-attr]
                se_mix = math.sqrt(eff.den1) / d1 * abs((eff.value0 + eff.value1) / 2 - centre)
            se = math.hypot(se_rate, se_mix)
        interval = (contribution - Z95 * scale * se, contribution + Z95 * scale * se)
    total0 = float(leaves.den0.sum()) if leaves.den0 is not None else float(leaves.num0.sum())
    total1 = float(leaves.den1.sum()) if leaves.den1 is not None else float(leaves.num1.sum())
    base0 = eff.den0 if eff.den0 is not None else eff.num0
    base1 = eff.den1 if eff.den1 is not None else eff.num1
    return Cause(
        segment=dict(f.segment),
        implied=implied(leaves, f.segment, mask),
        effect=dec.effect_kind(parts, additive=additive),  # type: ignore[arg-type]
        contribution=contribution,
        share_of_change=contribution / change if change else None,
        before=_figures(metric, eff.num0, eff.den0, scale, proportion, noise=noise0),
        after=_figures(metric, eff.num1, eff.den1, scale, proportion, noise=noise1),
        mix=scale * parts.mix,
        rate=scale * parts.rate,
        no_base=scale * parts.no_base,
        share_before=base0 / total0 if total0 else None,
        share_after=base1 / total1 if total1 else None,
        interval=interval,
        evidence=math.copysign(math.sqrt(2 * max(f.drift_score, 0.0)), f.deviation),
        found_in=f.channel,  # type: ignore[arg-type]
        counterparts=_counterparts(leaves, f.segment, scale) if f.channel == "mix" else [],
        note=note,
    )


def implied(leaves: Leaves, segment: dict[str, str], mask: np.ndarray) -> dict[str, str]:
    """Dimensions outside the segment that take a single value on all its leaves with volume
    (``audience=csuite`` implies ``platform=linkedin_ads`` when only LinkedIn sells it)."""
    volume = np.abs(leaves.num0) + np.abs(leaves.num1)
    if leaves.den0 is not None and leaves.den1 is not None:
        volume = volume + leaves.den0 + leaves.den1
    inside = mask & (volume > 0)
    if not inside.any():
        return {}
    out = {}
    for j, dim in enumerate(leaves.dims):
        if dim in segment:
            continue
        codes = leaves.codes[inside, j]
        value = str(leaves.labels[j][codes[0]])
        if value != MISSING and (codes == codes[0]).all():
            out[dim] = value
    return out


def _counterparts(leaves: Leaves, segment: dict[str, str], scale: float, limit: int = 2) -> list[Counterpart]:
    """The segments over the same dimensions whose share moved the other way and whose mix
    pushed the headline the same way: where Display's share went (LinkedIn, priced far above)."""
    dim_idx = [leaves.dims.index(d) for d in segment]
    cuboid = leaves.cuboid(dim_idx)
    sums = [cuboid.sum(a) for a in (leaves.num0, leaves.num1, leaves.den0, leaves.den1)]  # type: ignore[arg-type]
    parts = dec.split(*sums)
    big0, big1 = float(sums[2].sum()), float(sums[3].sum())
    w0, w1 = sums[2] / big0, sums[3] / big1
    labels = [leaves.segment_label(dim_idx, cuboid.seg_codes[k]) for k in range(cuboid.size)]
    me = next(k for k, lab in enumerate(labels) if lab == segment)
    direction = np.sign(w1[me] - w0[me])
    out = []
    for k in np.argsort(-np.abs(parts.mix)):
        if k == me or np.sign(w1[k] - w0[k]) != -direction or parts.mix[k] * parts.mix[me] <= 0:
            continue
        if abs(parts.mix[k]) < 0.25 * abs(parts.mix[me]) or len(out) >= limit:
            break
        out.append(Counterpart(segment=labels[k], implied=implied(leaves, labels[k], cuboid.seg_of_leaf == k),
                               mix=scale * float(parts.mix[k]), share_before=float(w0[k]), share_after=float(w1[k])))
    return out


def _others(leaves: Leaves, found: Localization, causes: list[Cause], metric: Metric, scale: float,
            change: float, proportion: bool, additive: bool, limit: int = 5) -> list[Cause]:
    """Large contributors that are not causes: below the drift, immaterial mix, or big segments
    whose movement the causes already account for."""
    taken = [set(c.segment.items()) for c in causes]

    def related(seg: dict[str, str]) -> bool:
        items = set(seg.items())
        return any(items <= t or t <= items for t in taken)

    out: list[Cause] = []
    for f in found.others:
        if related(f.segment):
            continue
        note = ("moved, but no more than segments usually drift" if f.channel != "mix"
                else "its share moved, but not beyond noise")
        out.append(_cause(leaves, f, found, metric, scale, change, proportion, additive, note))
        taken.append(set(f.segment.items()))
    for j, dim in enumerate(leaves.dims):
        parts = dec.by_dimension(leaves, j)
        for k in np.argsort(-np.abs(parts.total)):
            contribution = scale * float(parts.total[k])
            if not change or abs(contribution) < 0.1 * abs(change):
                break
            seg = {dim: str(leaves.labels[j][parts.codes[k]])}
            if related(seg):
                continue
            f = Finding(seg, "contribution", 0.0, 0.0, 0.0, contribution)
            out.append(_cause(leaves, f, found, metric, scale, change, proportion, additive,
                              "moves with the causes, or within noise"))
            taken.append(set(seg.items()))
    out.sort(key=lambda c: -abs(c.contribution))
    return out[:limit]


def _dimension(leaves: Leaves, j: int, metric: Metric, scale: float, proportion: bool) -> DimensionPart:
    parts = dec.by_dimension(leaves, j)
    order = np.argsort(-np.abs(parts.total))
    segments = []
    for k in order[:MAX_SEGMENTS]:
        d0 = float(parts.den0[k]) if parts.den0 is not None else None
        d1 = float(parts.den1[k]) if parts.den1 is not None else None
        segments.append(SegmentPart(
            value=str(leaves.labels[j][parts.codes[k]]),
            before=_figures(metric, float(parts.num0[k]), d0, scale, proportion),
            after=_figures(metric, float(parts.num1[k]), d1, scale, proportion),
            mix=scale * float(parts.mix[k]),
            rate=scale * float(parts.rate[k]),
            no_base=scale * float(parts.no_base[k]),
            contribution=scale * float(parts.total[k]),
        ))
    return DimensionPart(
        dimension=leaves.dims[j],
        mix=scale * float(parts.mix.sum()),
        rate=scale * float(parts.rate.sum()),
        no_base=scale * float(parts.no_base.sum()),
        segments=segments,
        omitted=max(len(order) - MAX_SEGMENTS, 0),
    )
