"""The one or two plain sentences that open an explanation.

    CPM rose 19 % ($19.79 → $23.62): 48 % of it is impressions moving away from
    network=display (mix); 31 % is LinkedIn Ads × csuite getting dearer (rate).

Sentences are part of the result (renderers compute nothing), built only from the figures the
result already holds, so the JSON and the terminal always say the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mille.metrics import Catalogue, Metric
from mille.metrics.display import format_value
from mille.platforms import label as platform_label

if TYPE_CHECKING:
    from mille.analysis.explain import Cause, Explanation

SHOWN = 2  # causes named in the first sentence


def segment_name(segment: dict[str, str], implied: dict[str, str] | None = None) -> str:
    """``{"platform": "linkedin_ads", "audience": "csuite"}`` → ``LinkedIn Ads × csuite``.

    A platform the segment implies (``audience=csuite`` is sold only on LinkedIn) is named first.
    """
    if not segment:
        return "everything"
    if implied and "platform" in implied and "platform" not in segment:
        segment = {"platform": implied["platform"], **segment}
    parts = []
    for dim, value in segment.items():
        if dim == "platform":
            parts.append(platform_label(value, value))
        else:
            parts.append(f"{dim}={value}" if value == "(none)" else value)
    return " × ".join(parts)


def summary(result: Explanation, metric: Metric, catalogue: Catalogue) -> str:
    fmt = _formatter(metric, result.currency)
    before, after = result.before.value, result.after.value
    moved = _movement(result)
    head = f"{metric.label} {moved} ({fmt(before)} → {fmt(after)})"
    if result.within_noise:
        return f"{head}, within noise: no segment stands out and the total did not move beyond chance."
    if not result.causes:
        return (f"{head}, spread evenly: every segment moved alike, so no segment explains it "
                "better than the total does.")
    lead = [c for c in result.causes if _same_direction(c, result.change)][:SHOWN]
    against = [c for c in result.causes if not _same_direction(c, result.change)][:1]
    pieces = []
    for i, c in enumerate(lead):
        share = abs(c.share_of_change or 0) * 100
        phrase = f"{_phrase(c, metric, catalogue, fmt)} ({c.effect})"
        if share > 110:  # offset elsewhere: this segment moved the total more than it moved
            pieces.append(f"{phrase} is more than all of it ({share:.0f} %)")
        else:
            pieces.append(f"{share:.0f} % {'of it ' if i == 0 else ''}is {phrase}")
    text = head + (": " + "; ".join(pieces) if pieces else "")
    if against:
        c = against[0]
        text += f"; offset by {_phrase(c, metric, catalogue, fmt)} ({c.effect})"
    total_noise = result.headline_noise if result.headline_noise is not None else abs(result.headline_z) < 3
    if total_noise:
        text += ". The total alone is within noise; these segments are not"
    return text + "."


def _formatter(metric: Metric, currency: str | None):
    def fmt(value: float | None) -> str:
        return format_value(metric, value, currency=currency)

    return fmt


def _movement(result: Explanation) -> str:
    ratio = result.change_ratio
    if ratio is None:
        return "changed"
    if abs(ratio) < 0.005:
        return "was flat"
    return f"{'rose' if ratio > 0 else 'fell'} {abs(ratio) * 100:.0f} %"


def _same_direction(c: Cause, change: float) -> bool:
    return c.contribution * change > 0


def _phrase(c: Cause, metric: Metric, catalogue: Catalogue, fmt) -> str:
    name = segment_name(c.segment, c.implied)
    if c.effect == "total":
        verb = "up" if c.contribution > 0 else "down"
        return f"{name} {verb} {fmt(abs(c.contribution))}"
    base = (catalogue.measure(metric.denominator).display_label if metric.denominator else "volume").lower()
    if c.effect == "mix":
        grew = (c.share_after or 0) > (c.share_before or 0)
        other = " and ".join(segment_name(p.segment, p.implied) for p in c.counterparts)
        if grew:
            return f"{base} moving to {name}" + (f" from {other}" if other else "")
        return f"{base} moving from {name}" + (f" to {other}" if other else "")
    rose = (c.after.value or 0) > (c.before.value or 0)
    if c.effect == "rate":
        if metric.unit == "currency":
            return f"{name} getting {'dearer' if rose else 'cheaper'}"
        return f"{metric.label} {'rising' if rose else 'falling'} in {name} ({fmt(c.before.value)} → {fmt(c.after.value)})"
    grew = (c.share_after or 0) > (c.share_before or 0)
    return (f"{name} ({'more' if grew else 'less'} {base} and {metric.label} "
            f"{'up' if rose else 'down'})")
