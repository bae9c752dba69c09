"""The funnel factor split: cost per opportunity = CPC ÷ click-to-lead rate ÷ lead-to-opportunity rate.

For two cells A and B (two periods, or two sources) with spend S, clicks C, credited CRM leads L
and credited opportunities O::

    CPO = S/O = (S/C) ÷ (L/C) ÷ (O/L) = CPC ÷ c2l ÷ l2o

so the log of the ratio splits exactly::

    ln(CPO_B / CPO_A) = ln(CPC_B / CPC_A) − ln(c2l_B / c2l_A) − ln(l2o_B / l2o_A)

Each factor's **log share** is its term over the total. In currency, the change is shared out
with the logarithmic mean ``Λ = (CPO_B − CPO_A) / ln(CPO_B / CPO_A)`` (Λ = CPO when they are
equal): ``part_k = Λ × term_k``. The parts add up exactly to ``CPO_B − CPO_A`` (LMDI, the
standard exact index decomposition). Cost per CRM lead is the first two factors alone.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from mille.metrics.display import format_number

FACTORS: tuple[tuple[str, str, int], ...] = (
    # name, label, sign in ln(CPO): CPO = CPC × (1/c2l) × (1/l2o)
    ("cpc", "CPC", 1),
    ("click_to_lead_rate", "click-to-lead rate", -1),
    ("lead_to_opportunity_rate", "lead-to-opportunity rate", -1),
)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FunnelSums(_Part):
    label: str
    spend: float
    clicks: float
    crm_leads: float
    opportunities: float

    def factor(self, name: str) -> float | None:
        if name == "cpc":
            return self.spend / self.clicks if self.clicks else None
        if name == "click_to_lead_rate":
            return self.crm_leads / self.clicks if self.clicks else None
        if name == "lead_to_opportunity_rate":
            return self.opportunities / self.crm_leads if self.crm_leads else None
        raise KeyError(name)

    @property
    def cost_per_opportunity(self) -> float | None:
        return self.spend / self.opportunities if self.opportunities else None

    @property
    def cost_per_lead(self) -> float | None:
        return self.spend / self.crm_leads if self.crm_leads else None


class FactorPart(_Part):
    factor: str
    label: str
    a: float  # the factor's value in A (rates as fractions, CPC in currency)
    b: float
    ratio: float  # b / a
    log_term: float  # its signed term in ln(CPO_B / CPO_A)
    log_share: float | None  # log_term / ln(CPO_B / CPO_A); None when CPO did not move
    contribution: float  # currency: its part of CPO_B − CPO_A


class FunnelSplit(_Part):
    """Why cost per opportunity differs between A and B, factor by factor (exact)."""

    a: FunnelSums
    b: FunnelSums
    cost_per_opportunity_a: float
    cost_per_opportunity_b: float
    change: float  # CPO_B − CPO_A
    log_change: float
    cost_per_lead_a: float
    cost_per_lead_b: float
    factors: list[FactorPart]
    sentence: str


def split(a: FunnelSums, b: FunnelSums, currency: str | None = None) -> FunnelSplit | None:
    """The split of CPO_B − CPO_A, or None when a factor is undefined (no clicks, leads or
    opportunities on one side)."""
    values = {n: (a.factor(n), b.factor(n)) for n, _, _ in FACTORS}
    if any(x is None or y is None or x <= 0 or y <= 0 for x, y in values.values()):
        return None
    cpo_a, cpo_b = a.cost_per_opportunity, b.cost_per_opportunity
    assert cpo_a is not None and cpo_b is not None
    terms = {n: sign * math.log(values[n][1] / values[n][0]) for n, _, sign in FACTORS}
    total = math.log(cpo_b / cpo_a)
    log_mean = (cpo_b - cpo_a) / total if abs(total) > 1e-12 else cpo_a
    parts = [FactorPart(factor=n, label=label, a=values[n][0], b=values[n][1], ratio=values[n][1] / values[n][0],
                        log_term=terms[n], log_share=terms[n] / total if abs(total) > 1e-12 else None,
                        contribution=log_mean * terms[n]) for n, label, _ in FACTORS]
    result = FunnelSplit(a=a, b=b, cost_per_opportunity_a=cpo_a, cost_per_opportunity_b=cpo_b,
                         change=cpo_b - cpo_a, log_change=total, cost_per_lead_a=a.cost_per_lead or 0.0,
                         cost_per_lead_b=b.cost_per_lead or 0.0, factors=parts, sentence="")
    result.sentence = sentence(result, currency)
    return result


def sentence(s: FunnelSplit, currency: str | None) -> str:
    def money(value: float) -> str:
        return format_number(value, "currency", 0, currency=currency)

    def signed(value: float) -> str:
        return ("+" if value >= 0 else "") + money(value)

    part = {f.factor: f.contribution for f in s.factors}
    per_lead = part["cpc"] + part["click_to_lead_rate"]
    return (f"Cost per opportunity {s.b.label} {money(s.cost_per_opportunity_b)} vs {s.a.label} "
            f"{money(s.cost_per_opportunity_a)} ({signed(s.change)}): CPC {signed(part['cpc'])}, "
            f"click-to-lead rate {signed(part['click_to_lead_rate'])} — together the cost per lead "
            f"({money(s.cost_per_lead_b)} vs {money(s.cost_per_lead_a)}), {signed(per_lead)} — and "
            f"lead-to-opportunity rate {signed(part['lead_to_opportunity_rate'])} "
            f"({s.b.factor('lead_to_opportunity_rate') or 0:.1%} vs {s.a.factor('lead_to_opportunity_rate') or 0:.1%}).")
