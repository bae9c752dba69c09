"""Meta (Facebook/Instagram) Ads Manager exports, CSV and XLSX.

No preamble; UTF-8 with a BOM; the currency is in the spend header (``Amount spent (USD)``); every
row carries ``Reporting starts``/``Reporting ends``. XLSX exports add an account summary row
(blank names) under the header and ``All`` subtotal rows per level and breakdown, and may repeat a
header (``Ad set name`` twice). Clicks are ``Link clicks`` (``Clicks (all)`` includes likes and
profile clicks); leads come from the one leads column present, in the order listed, never summed
with pixel leads; ``Results`` mixes result types per row and is never used.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from mille.sources.format import Dialect, Format, Locale, TotalsRule

# Ads Manager writes raw numbers whatever the UI language.
META_LOCALE = Locale(".", "", ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y"))

_EN = {
    "date_day": ("Day", "Date", "Reporting starts"),
    "period_end": ("Reporting ends",),
    "account_id": ("Account ID",),
    "account_name": ("Account name",),
    "campaign_id": ("Campaign ID",),
    "campaign_name": ("Campaign name",),
    "ad_group_id": ("Ad set ID",),
    "ad_group_name": ("Ad set name",),
    "ad_id": ("Ad ID",),
    "ad_name": ("Ad name",),
    "currency": ("Currency",),
    "spend": ("Amount spent ({currency})", "Amount spent"),
    "impressions": ("Impressions",),
    "reach": ("Reach",),
    "clicks": ("Link clicks",),
    "clicks_all": ("Clicks (all)",),
    "leads": ("Leads", "Meta leads", "On-Facebook leads", "Website leads"),
    "conversions": ("Conversions",),
    "conversions_value": ("Purchases conversion value", "Website purchases conversion value", "Conversion value"),
    "device": ("Impression device", "Device platform"),
    "placement": ("Placement",),
    "network": ("Platform",),
    "age": ("Age",),
    "gender": ("Gender",),
    "country": ("Country",),
    "region": ("Region",),
    "preview_link": ("Preview link",),
}
_EN_RATIOS = {
    "ctr": ("CTR (link click-through rate)",),
    "cpc": ("CPC (cost per link click)",),
    "cpm": ("CPM (cost per 1,000 impressions)",),
    "cost_per_lead": ("Cost per lead",),
}
_EN_KNOWN = (
    "Result type", "Results", "Cost per result", "Cost per results", "Frequency", "CTR (all)",
    "CPC (all)", "Ads", "Campaign delivery", "Ad set delivery", "Attribution setting", "Starts",
    "Ends", "Budget", "Budget type", "Result indicator", "3-second video plays", "Video plays",
    "Landing page views", "Purchases", "Purchase ROAS", "Video average play time", "Video plays at 75%",
)

_FR = {
    "date_day": ("Jour", "Début des rapports"), "period_end": ("Fin des rapports",),
    "account_name": ("Nom du compte",), "campaign_name": ("Nom de la campagne",),
    "ad_group_name": ("Nom de l’ensemble de publicités", "Nom de l'ensemble de publicités"),
    "ad_name": ("Nom de la publicité",), "spend": ("Montant dépensé ({currency})", "Montant dépensé"),
    "impressions": ("Impressions",), "reach": ("Couverture",), "clicks": ("Clics sur un lien",),
    "clicks_all": ("Clics (tous)",), "leads": ("Prospects", "Leads"), "device": ("Appareil d’impression",),
    "age": ("Âge",), "gender": ("Genre", "Sexe"), "country": ("Pays",),
}
_DE = {
    "date_day": ("Tag", "Berichtsstart"), "period_end": ("Berichtsende",), "account_name": ("Kontoname",),
    "campaign_name": ("Name der Kampagne", "Kampagnenname"), "ad_group_name": ("Name der Anzeigengruppe",),
    "ad_name": ("Anzeigenname", "Name der Anzeige"), "spend": ("Ausgegebener Betrag ({currency})", "Ausgegebener Betrag"),
    "impressions": ("Impressionen",), "reach": ("Reichweite",), "clicks": ("Link-Klicks",),
    "clicks_all": ("Klicks (alle)",), "leads": ("Leads",), "device": ("Impressionsgerät",),
    "age": ("Alter",), "gender": ("Geschlecht",), "country": ("Land",),
}
_ES = {
    "date_day": ("Día", "Inicio del informe"), "period_end": ("Fin del informe",),
    "account_name": ("Nombre de la cuenta",), "campaign_name": ("Nombre de la campaña",),
    "ad_group_name": ("Nombre del conjunto de anuncios",), "ad_name": ("Nombre del anuncio",),
    "spend": ("Importe gastado ({currency})", "Importe gastado"), "impressions": ("Impresiones",),
    "reach": ("Alcance",), "clicks": ("Clics en el enlace",), "clicks_all": ("Clics (todos)",),
    "leads": ("Clientes potenciales", "Leads"), "age": ("Edad",), "gender": ("Sexo",), "country": ("País",),
}
_PT = {
    "date_day": ("Dia", "Início dos relatórios"), "period_end": ("Término dos relatórios",),
    "account_name": ("Nome da conta",), "campaign_name": ("Nome da campanha",),
    "ad_group_name": ("Nome do conjunto de anúncios",), "ad_name": ("Nome do anúncio",),
    "spend": ("Valor usado ({currency})", "Valor usado"), "impressions": ("Impressões",),
    "reach": ("Alcance",), "clicks": ("Cliques no link",), "clicks_all": ("Cliques (todos)",),
    "leads": ("Leads", "Cadastros"), "age": ("Idade",), "gender": ("Gênero",), "country": ("País",),
}


class MetaAdsUI(Format):
    name = "meta_ads_ui"
    label = "Meta Ads Manager export"
    platform = "facebook_ads"
    dialects = (
        Dialect("en", _EN, META_LOCALE, _EN_RATIOS, _EN_KNOWN),
        Dialect("fr", _FR, META_LOCALE),
        Dialect("de", _DE, META_LOCALE),
        Dialect("es", _ES, META_LOCALE),
        Dialect("pt-BR", _PT, META_LOCALE),
    )
    required = ("spend",)
    required_any = ("impressions", "clicks", "clicks_all", "reach", "leads")
    missing = ("",)
    totals = TotalsRule(vocabulary=True, subtotal_value="All", summary_when_blank=True, label_columns=0)
    value_maps = MappingProxyType({
        "device": {
            "desktop": "desktop", "iphone": "mobile", "ipod": "mobile", "android smartphone": "mobile",
            "android_smartphone": "mobile", "mobile app": "mobile", "mobile_app": "mobile",
            "mobile web": "mobile", "mobile_web": "mobile", "ipad": "tablet", "android tablet": "tablet",
            "android_tablet": "tablet", "other": "other", "unknown": "other",
        },
        "network": {"facebook": "facebook", "instagram": "instagram", "audience network": "audience_network",
                    "messenger": "messenger", "threads": "threads"},
    })
    priority = 10

    @classmethod
    def finish(cls, columns: dict[str, Any], raw: pa.Table, layout: Any, meta: dict[str, Any],
               lookups: Any) -> list[str]:
        # Ads with the same name on the same day are different ads: the preview link says which.
        link = columns.get("preview_link")
        if link is None or "ad_id" in layout.fields:
            return []
        ids = pc.struct_field(pc.extract_regex(link, r"feed_demo_ad=(?P<id>\d+)"), "id")
        ids = pc.if_else(pc.equal(ids, ""), pa.scalar(None, pa.string()), ids)
        if ids.null_count < len(ids):
            columns["ad_id"] = ids
            return ["ad ids taken from the preview links (the export has no Ad ID column)"]
        return []
