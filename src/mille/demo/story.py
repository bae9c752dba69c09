"""The planted story: what happened to Northwind Cloud's paid media, as parameters.

The generator applies these effects on top of realistic noise; the tests assert that each one is
present in the generated numbers at the size documented in docs/demo.md, and the analyses of
later issues are tested on finding them. "Before" is September 2026 and "after" October 2026 —
the last complete month against the one before, which is what ``mille demo`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from mille.demo.media_plan import CAMPAIGNS


@dataclass(frozen=True)
class BudgetShift:
    """1. Mix: in ``month``, Display keeps ``keep`` of its budget; the rest goes to LinkedIn."""

    source_channel: str = "display"
    target_channel: str = "li"
    month: tuple[int, int] = (2026, 10)
    keep: float = 0.70


@dataclass(frozen=True)
class CpmRise:
    """2. Rate: from ``start``, LinkedIn campaigns aimed at ``audience`` cost ``factor`` × more."""

    channel: str = "li"
    audience: str = "csuite"
    start: date = date(2026, 10, 1)
    factor: float = 1.30


@dataclass(frozen=True)
class CtrDrop:
    """3. From ``start``, Meta's mobile CTR falls from ``before`` to ``after`` (other devices flat)."""

    channel: str = "meta"
    device: str = "mobile"
    start: date = date(2026, 10, 1)
    before: float = 0.0120
    after: float = 0.0075

    @property
    def factor(self) -> float:
        return self.after / self.before


@dataclass(frozen=True)
class TrackingGap:
    """4. The account's export has no rows on these days although it delivered either side."""

    account: str = "meta_emea"
    start: date = date(2026, 10, 13)
    end: date = date(2026, 10, 16)


@dataclass(frozen=True)
class Redownload:
    """6. The account is exported again over these days (same level) after its monthly files;
    platform leads are restated (spend, impressions and clicks are identical)."""

    account: str = "meta_emea"
    start: date = date(2026, 9, 16)
    end: date = date(2026, 10, 15)
    late_leads_per_click: float = 0.002  # leads attributed late, per link click…
    withdrawn_leads: float = 0.04  # …and the share of leads withdrawn (deduplicated) by Meta


@dataclass(frozen=True)
class Funnel:
    """7. CRM leads per dollar and opportunities per lead, per channel.

    LinkedIn and Meta cost the same per CRM lead, but LinkedIn's leads become opportunities
    about 4.4 times as often; opportunities open ``lag_days`` after their lead (2–8 weeks).
    """

    cost_per_lead: dict[str, float] = field(
        default_factory=lambda: {"li": 165.0, "meta": 165.0, "search": 115.0, "display": 380.0, "microsoft": 100.0}
    )
    opportunity_rate: dict[str, float] = field(
        default_factory=lambda: {"li": 0.22, "meta": 0.048, "search": 0.12, "display": 0.03, "microsoft": 0.13}
    )
    lag_days: tuple[int, int] = (14, 56)
    unpaid_leads_per_day: float = 22.0  # organic, direct, referral… (no UTM, no platform)
    unpaid_opportunity_rate: float = 0.08
    win_rate: float = 0.27


@dataclass(frozen=True)
class Story:
    before: tuple[int, int] = (2026, 9)
    after: tuple[int, int] = (2026, 10)
    budget_shift: BudgetShift = field(default_factory=BudgetShift)
    cpm_rise: CpmRise = field(default_factory=CpmRise)
    ctr_drop: CtrDrop = field(default_factory=CtrDrop)
    tracking_gap: TrackingGap = field(default_factory=TrackingGap)
    redownload: Redownload = field(default_factory=Redownload)
    funnel: Funnel = field(default_factory=Funnel)

    @property
    def broken_names(self) -> tuple[str, ...]:
        """5. Campaign names that break ``{region}_{objective}_{audience}_{offer}``."""
        return tuple(c.campaign_name for c in CAMPAIGNS if not c.follows_convention)

    def effects(self) -> list[dict[str, str]]:
        """The story in plain words, for the report and ``--format json``."""
        s, r, c, g, d, f = (
            self.budget_shift, self.cpm_rise, self.ctr_drop, self.tracking_gap, self.redownload,
            self.funnel,
        )
        return [
            {"effect": "mix", "what": f"In October Google Display keeps {s.keep:.0%} of its budget; the rest moves to LinkedIn, so blended CPM rises."},
            {"effect": "rate", "what": f"From {r.start:%d %b} LinkedIn CPM on the C-suite audience rises ×{r.factor:.2f}; other LinkedIn audiences stay flat."},
            {"effect": "ctr", "what": f"From {c.start:%d %b} Meta mobile CTR falls from {c.before:.2%} to {c.after:.2%}; desktop and tablet stay flat."},
            {"effect": "tracking_gap", "what": f"The Meta EMEA export has no rows {g.start:%d %b}–{g.end:%d %b} although the account delivered either side."},
            {"effect": "naming", "what": "Campaigns breaking the naming convention: " + ", ".join(self.broken_names) + "."},
            {"effect": "overlap", "what": f"Meta EMEA re-downloaded {d.start:%d %b}–{d.end:%d %b} after its monthly files, with restated leads."},
            {"effect": "pipeline", "what": f"LinkedIn and Meta cost the same per CRM lead (${f.cost_per_lead['li']:.0f}), but {f.opportunity_rate['li']:.0%} of LinkedIn leads become opportunities against {f.opportunity_rate['meta']:.0%} of Meta's."},
        ]
