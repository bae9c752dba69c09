"""LinkedIn Campaign Manager exports: campaign, creative and demographic performance.

UTF-16LE with a BOM, TAB-separated under a ``.csv`` name; current exports add a preamble
(``Campaign Performance Report (in UTC)``, ``Report Start: …``, ``Report End: …``) and a blank
line. Headers, numbers and dates follow the Campaign Manager UI language (pt-BR ``"454,06"`` and
``01/09/2023``). Days are UTC. Hierarchy names changed in 2025: the classic *campaign group* is
mille's campaign and the classic *campaign* its ad group; in current exports *Campaign* is the
campaign and *Ad set* the ad group. A dialect per generation tells them apart by ``Campaign Group
Name`` vs ``Ad Set Name``. Spellings outside en, pt-BR and nl are best-effort (unverified).
"""

from __future__ import annotations

import calendar
from types import MappingProxyType
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mille.sources.dates import month_end
from mille.sources.format import DECIMAL_COMMA, EN_US, Dialect, Format, TotalsRule

_COMMON_EN = {
    "date_day": ("Start Date (in UTC)", "Start Date"),
    "account_id": ("Account ID",),
    "account_name": ("Account Name",),
    "currency": ("Currency",),
    "spend": ("Total Spent", "Amount Spent", "Spend"),
    "impressions": ("Impressions",),
    "clicks": ("Clicks",),
    "conversions": ("Conversions",),
    "conversions_value": ("Total Conversion Value",),
    "leads": ("Leads",),
    "reach": ("Reach",),
    "objective": ("Campaign Objective",),
    "network": ("Campaign Type",),
    "avg_daily_spend": ("Average Daily Spend",),
    "job_function": ("Job Function",),
    "seniority": ("Job Seniority", "Seniority"),
    "industry": ("Company Industry", "Industry"),
    "company_size": ("Company Size",),
    "country": ("Country/Region", "Location"),
}
_CLASSIC_EN = {
    **_COMMON_EN,
    "campaign_id": ("Campaign Group ID",),
    "campaign_name": ("Campaign Group Name",),
    "ad_group_id": ("Campaign ID",),
    "ad_group_name": ("Campaign Name",),
    "ad_id": ("Creative ID", "Ad ID"),
    "ad_name": ("Creative Name", "Ad Name"),
}
_CURRENT_EN = {
    **_COMMON_EN,
    "objective": ("Ad Set Objective", "Campaign Objective"),
    "campaign_id": ("Campaign ID",),
    "campaign_name": ("Campaign Name",),
    "ad_group_id": ("Ad Set ID",),
    "ad_group_name": ("Ad Set Name",),
    "ad_id": ("Ad ID",),
    "ad_name": ("Ad Name",),
}
_EN_RATIOS = {"ctr": ("Click Through Rate", "CTR"), "cpm": ("Average CPM",), "cpc": ("Average CPC",),
              "cost_per_conversion": ("Cost per Conversion",), "cost_per_lead": ("Cost per Lead",)}
_EN_KNOWN = (
    "Campaign Start Date", "Campaign End Date", "Campaign Status", "Campaign Group Status", "Ad Set Status",
    "Ad Status", "Ad Introduction Text", "Ad Headline", "Click URL", "Clicks to Landing Page",
    "Clicks to LinkedIn Page", "Total Social Actions", "Reactions", "Comments", "Shares", "Follows",
    "Other Clicks", "Event Registrations", "Total Engagements", "Viral Impressions", "Viral Clicks",
    "Lead Forms Opened", "Post-Click Conversions", "View-Through Conversions", "Conversion Name",
    "Conversion Type", "Cost Type", "Daily Budget", "Average Frequency", "Engagement Rate",
    "Creative Status", "Campaign Group Start Date",
)

_PT_BR = {
    "date_day": ("Data de início (em UTC)",), "account_name": ("Nome da conta",), "currency": ("Moeda",),
    "campaign_id": ("Código do grupo de campanhas",), "campaign_name": ("Nome do grupo de campanhas",),
    "ad_group_id": ("Código da campanha",), "ad_group_name": ("Nome da campanha",),
    "ad_id": ("Código do criativo",), "ad_name": ("Nome do criativo",),
    "spend": ("Total investido",), "impressions": ("Impressões",), "clicks": ("Cliques",),
    "conversions": ("Conversões",), "conversions_value": ("Valor total da conversão",), "leads": ("Leads",),
    "reach": ("Alcance",), "objective": ("Objetivo da campanha",), "network": ("Tipo de campanha",),
    "avg_daily_spend": ("Média de investimento diário",),
}
_PT_RATIOS = {"ctr": ("Taxa de cliques",), "cpm": ("Média de CPM",), "cpc": ("Média de CPC",),
              "cost_per_conversion": ("Custo por conversão",), "cost_per_lead": ("Custo por lead",)}
_PT_KNOWN = (
    "Status do grupo de campanhas", "Data inicial do grupo de campanhas", "Status da campanha",
    "Tipo de custo", "Orçamento diário", "Data de início da campanha", "Reações", "Comentários",
    "Compartilhamentos", "Seguidores", "Outros cliques", "Total de interações sociais", "Total de engajamento",
    "Taxa de engajamento", "Conversões pós-clique", "Conversões de exibição", "Formulários de leads abertos",
    "Frequência média",
)
_NL = {
    "date_day": ("Begindatum (in UTC)",), "account_name": ("Accountnaam",), "currency": ("Valuta",),
    "campaign_id": ("Campagne-ID",), "campaign_name": ("Campagnenaam",),
    "ad_group_id": ("Advertentieset-ID",), "ad_group_name": ("Naam van advertentieset",),
    "ad_id": ("Advertentie-ID",), "ad_name": ("Advertentienaam",), "spend": ("Totaal besteed",),
    "impressions": ("Weergaven",), "clicks": ("Klikken",), "conversions": ("Conversies",), "leads": ("Leads",),
    "reach": ("Bereik",),
}
_ES = {
    "date_day": ("Fecha de inicio (en UTC)",), "account_name": ("Nombre de la cuenta",), "currency": ("Moneda",),
    "campaign_id": ("ID del grupo de campañas",), "campaign_name": ("Nombre del grupo de campañas",),
    "ad_group_id": ("ID de la campaña",), "ad_group_name": ("Nombre de la campaña",),
    "ad_name": ("Nombre del contenido",), "spend": ("Total gastado", "Importe total gastado"),
    "impressions": ("Impresiones",), "clicks": ("Clics",), "conversions": ("Conversiones",),
    "leads": ("Clientes potenciales", "Leads"), "reach": ("Alcance",),
}
_FR = {
    "date_day": ("Date de début (en UTC)",), "account_name": ("Nom du compte",), "currency": ("Devise",),
    "campaign_id": ("ID du groupe de campagnes",), "campaign_name": ("Nom du groupe de campagnes",),
    "ad_group_id": ("ID de la campagne",), "ad_group_name": ("Nom de la campagne",),
    "ad_name": ("Nom de la publicité", "Nom du contenu"), "spend": ("Total dépensé", "Montant total dépensé"),
    "impressions": ("Impressions",), "clicks": ("Clics",), "conversions": ("Conversions",), "leads": ("Leads",),
    "reach": ("Couverture",),
}
_DE = {
    "date_day": ("Startdatum (in UTC)",), "account_name": ("Kontoname",), "currency": ("Währung",),
    "campaign_id": ("Kampagnengruppen-ID",), "campaign_name": ("Name der Kampagnengruppe",),
    "ad_group_id": ("Kampagnen-ID",), "ad_group_name": ("Kampagnenname",),
    "ad_name": ("Name der Anzeige",), "spend": ("Ausgaben insgesamt", "Gesamtausgaben"),
    "impressions": ("Impressionen",), "clicks": ("Klicks",), "conversions": ("Conversions",), "leads": ("Leads",),
    "reach": ("Reichweite",),
}


class LinkedInAdsUI(Format):
    name = "linkedin_ads_ui"
    label = "LinkedIn Campaign Manager export"
    platform = "linkedin_ads"
    dialects = (
        Dialect("en", _CLASSIC_EN, EN_US, _EN_RATIOS, _EN_KNOWN),
        Dialect("en-2025", _CURRENT_EN, EN_US, _EN_RATIOS, _EN_KNOWN),
        Dialect("pt-BR", _PT_BR, DECIMAL_COMMA, _PT_RATIOS, _PT_KNOWN),
        Dialect("nl", _NL, DECIMAL_COMMA),
        Dialect("es", _ES, DECIMAL_COMMA),
        Dialect("fr", _FR, DECIMAL_COMMA),
        Dialect("de", _DE, DECIMAL_COMMA),
    )
    required = ("date_day", "impressions")
    timezone = "UTC"
    missing = ("", "-", "--")
    totals = TotalsRule(vocabulary=True)
    date_is_period_start = True
    value_maps = MappingProxyType({
        "network": {
            "sponsored content": "sponsored_content", "sponsored messaging": "sponsored_messaging",
            "text ads": "text_ads", "text ad": "text_ads", "dynamic": "dynamic_ads", "dynamic ads": "dynamic_ads",
            "conversation ads": "sponsored_messaging", "message ads": "sponsored_messaging",
        },
    })
    priority = 10

    @classmethod
    def finish(cls, columns: dict[str, Any], raw: pa.Table, layout: Any, meta: dict[str, Any],
               lookups: Any) -> list[str]:
        """Tell monthly rows from daily ones when the file has no Report Start/End preamble.

        Without a time breakdown LinkedIn stamps each row with the period's first day. A row whose
        spend is about (days in its month) × its average daily spend covers the whole month.
        """
        if "start" in meta or "avg_daily_spend" not in columns or "spend" not in columns:
            return []
        days = columns["date_day"]
        if len(days) == 0 or pc.any(pc.not_equal(pc.day(days), 1)).as_py():
            return []
        spend = columns["spend"].to_numpy(zero_copy_only=False)
        daily = columns["avg_daily_spend"].to_numpy(zero_copy_only=False)
        ok = ~np.isnan(spend) & ~np.isnan(daily) & (daily > 0)
        if not ok.any():
            return []
        covered = np.median(spend[ok] / daily[ok])
        first = days[0].as_py()
        month_days = calendar.monthrange(first.year, first.month)[1]
        if abs(covered - month_days) > 1.5:
            return []
        columns["period_end"] = month_end(days)
        return [
            f"rows are whole-month totals stamped with the month's first day (spend ≈ {covered:.1f} × "
            "average daily spend, and the file has no Report Start/End lines)"
        ]
