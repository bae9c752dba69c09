"""Google Ads UI reports and table downloads (Reports tab, Campaigns/Ad groups/Ads tables).

Layout: a title row (``Campaign report``), a date-range row (``"May 1, 2026 - May 31, 2026"``,
``1 June 2026 - 30 June 2026`` in en-GB, or ``All time``), the header, the rows, then ``Total: …``
rows (the label in the first column, or the third in keyword reports). Counts carry thousands
separators (``"12,345"``), missing values are `` --``, impression shares are censored
(``< 10%``). The "Excel .csv" download is UTF-16LE + TAB.
A time segment (``Day``, ``Week``, ``Month``) comes first when added; without one, every row
covers the report's whole date range. Spellings outside English are best-effort (unverified
against real files) and listed in docs/ingest.md.
"""

from __future__ import annotations

from types import MappingProxyType

from mille.sources.format import DECIMAL_COMMA, EN_US, SPACE_GROUPED, Dialect, Format, TotalsRule

_EN = {
    "date_day": ("Day", "Date"),
    "week_start": ("Week",),
    "month_start": ("Month",),
    "account_id": ("Customer ID", "Account ID"),
    "account_name": ("Account", "Account name"),
    "campaign_id": ("Campaign ID",),
    "campaign_name": ("Campaign",),
    "ad_group_id": ("Ad group ID",),
    "ad_group_name": ("Ad group",),
    "ad_id": ("Ad ID",),
    "ad_name": ("Ad name",),
    "currency": ("Currency code", "Currency"),
    "spend": ("Cost",),
    "impressions": ("Impr.", "Impressions"),
    "clicks": ("Clicks",),
    "clicks_all": ("Interactions",),
    "conversions": ("Conversions",),
    "conversions_value": ("Conv. value", "Conversion value"),
    "device": ("Device",),
    "network": ("Network (with search partners)", "Network"),
    "campaign_type": ("Campaign type", "Advertising channel type"),
    "country": ("Country/Territory (User location)", "Country/Territory (Matched location)", "Country/Territory"),
    "region": ("Region (User location)", "Region (Matched location)", "Region"),
    "keyword": ("Keyword", "Search keyword", "Keyword text"),
    "match_type": ("Match type", "Search keyword match type", "Keyword match type"),
    "search_term": ("Search term",),
}
_EN_RATIOS = {"ctr": ("CTR",), "cpc": ("Avg. CPC",), "cpm": ("Avg. CPM",), "cost_per_conversion": ("Cost / conv.",)}
_EN_KNOWN = (
    "Campaign status", "Campaign state", "Budget", "Budget name", "Budget type", "Status",
    "Status reasons", "Optimization score", "Optimisation score", "Interaction rate", "Avg. cost",
    "Conv. rate", "Search impr. share", "Search lost IS (budget)", "Search lost IS (rank)",
    "Search lost top IS (rank)", "Search exact match IS", "Bid strategy type",
    "Impr. (Abs. Top) %", "Impr. (Top) %", "View-through conv.", "Ad status", "Ad type", "Ad strength",
    "Final URL", "Conv. (Platform Comparable)", "Cost / Conv. (Platform Comparable)", "TrueView avg. CPV",
    "Target CPA", "Target ROAS", "Avg. target CPA", "Avg. target ROAS", "Original conv. value",
    "Conv. value / cost", "All conv.", "Ad group status", "Headline 1", "Description 1",
    # Older AdWords and keyword, search-term and location report columns.
    "Avg. position", "Ad group state", "Keyword state", "Keyword status", "Search term match type",
    "Added/Excluded", "Max. CPC", "Quality score", "Converted clicks", "Cost / converted click",
    "Conv. (1-per-click)", "Experiment", "Labels", "Description line 1", "Matched location",
    "Location", "User location", "Targeted location", "Location type",
)

_DE = {
    "date_day": ("Tag", "Datum"), "week_start": ("Woche",), "month_start": ("Monat",),
    "account_id": ("Kundennummer", "Kunden-ID"), "account_name": ("Konto", "Kontoname"),
    "campaign_id": ("Kampagnen-ID",), "campaign_name": ("Kampagne",),
    "ad_group_id": ("Anzeigengruppen-ID",), "ad_group_name": ("Anzeigengruppe",),
    "ad_id": ("Anzeigen-ID",), "currency": ("Währungscode", "Währung"), "spend": ("Kosten",),
    "impressions": ("Impr.", "Impressionen"), "clicks": ("Klicks",), "clicks_all": ("Interaktionen",),
    "conversions": ("Conversions",), "conversions_value": ("Conv.-Wert",), "device": ("Gerät",),
    "network": ("Werbenetzwerk (mit Suchnetzwerk-Partnern)", "Werbenetzwerk"),
    "campaign_type": ("Kampagnentyp",), "country": ("Land/Region (Nutzerstandort)", "Land/Region"),
    "keyword": ("Keyword", "Suchbegriff-Keyword"), "match_type": ("Keyword-Option", "Übereinstimmungstyp"),
    "search_term": ("Suchbegriff",),
}
_DE_RATIOS = {"ctr": ("CTR",), "cpc": ("Durchschn. CPC",), "cpm": ("Durchschn. CPM",), "cost_per_conversion": ("Kosten/Conv.",)}

_FR = {
    "date_day": ("Jour",), "week_start": ("Semaine",), "month_start": ("Mois",),
    "account_id": ("ID client",), "account_name": ("Compte",), "campaign_id": ("ID de la campagne",),
    "campaign_name": ("Campagne",), "ad_group_id": ("ID du groupe d'annonces",),
    "ad_group_name": ("Groupe d'annonces",), "currency": ("Code de la devise", "Devise"),
    "spend": ("Coût",), "impressions": ("Impr.", "Impressions"), "clicks": ("Clics",),
    "clicks_all": ("Interactions",), "conversions": ("Conversions",), "conversions_value": ("Valeur de conv.",),
    "device": ("Appareil",), "network": ("Réseau (avec partenaires du Réseau de Recherche)", "Réseau"),
    "campaign_type": ("Type de campagne",), "keyword": ("Mot clé", "Mot-clé"),
    "match_type": ("Type de correspondance",), "search_term": ("Terme de recherche",),
    "country": ("Pays/Territoire (zone géographique de l'utilisateur)", "Pays/Territoire"),
}
_FR_RATIOS = {"ctr": ("CTR",), "cpc": ("CPC moy.",), "cpm": ("CPM moy.",), "cost_per_conversion": ("Coût/conv.",)}

_ES = {
    "date_day": ("Día",), "week_start": ("Semana",), "month_start": ("Mes",),
    "account_id": ("ID de cliente",), "account_name": ("Cuenta",), "campaign_id": ("ID de campaña",),
    "campaign_name": ("Campaña",), "ad_group_id": ("ID del grupo de anuncios",),
    "ad_group_name": ("Grupo de anuncios",), "currency": ("Código de moneda", "Moneda"),
    "spend": ("Coste", "Costo"), "impressions": ("Impr.", "Impresiones"), "clicks": ("Clics",),
    "clicks_all": ("Interacciones",), "conversions": ("Conversiones",), "conversions_value": ("Valor de conv.",),
    "device": ("Dispositivo",), "network": ("Red (con partners de búsqueda)", "Red"),
    "campaign_type": ("Tipo de campaña",), "country": ("País/territorio (ubicación del usuario)", "País/territorio"),
    "keyword": ("Palabra clave",), "match_type": ("Tipo de concordancia",), "search_term": ("Término de búsqueda",),
}
_ES_RATIOS = {"ctr": ("CTR",), "cpc": ("CPC medio",), "cpm": ("CPM medio",), "cost_per_conversion": ("Coste/conv.", "Costo/conv.")}

_PT = {
    "date_day": ("Dia",), "week_start": ("Semana",), "month_start": ("Mês",),
    "account_id": ("ID do cliente",), "account_name": ("Conta",), "campaign_id": ("ID da campanha",),
    "campaign_name": ("Campanha",), "ad_group_id": ("ID do grupo de anúncios",),
    "ad_group_name": ("Grupo de anúncios",), "currency": ("Código da moeda", "Moeda"),
    "spend": ("Custo",), "impressions": ("Impr.", "Impressões"), "clicks": ("Cliques",),
    "clicks_all": ("Interações",), "conversions": ("Conversões",), "conversions_value": ("Valor conv.",),
    "device": ("Dispositivo",), "network": ("Rede (com parceiros de pesquisa)", "Rede"),
    "campaign_type": ("Tipo de campanha",), "country": ("País/território (local do usuário)", "País/território"),
    "keyword": ("Palavra-chave",), "match_type": ("Tipo de correspondência",), "search_term": ("Termo de pesquisa",),
}
_PT_RATIOS = {"ctr": ("CTR",), "cpc": ("CPC méd.",), "cpm": ("CPM méd.",), "cost_per_conversion": ("Custo/conv.",)}

class GoogleAdsUI(Format):
    name = "google_ads_ui"
    label = "Google Ads UI report"
    platform = "google_ads"
    dialects = (
        Dialect("en", _EN, EN_US, _EN_RATIOS, _EN_KNOWN),
        Dialect("de", _DE, DECIMAL_COMMA, _DE_RATIOS, ("Kampagnenstatus", "Budget", "Status", "Conv.-Rate")),
        Dialect("fr", _FR, SPACE_GROUPED, _FR_RATIOS, ("État de la campagne", "Budget", "État", "Taux de conv.")),
        Dialect("es", _ES, DECIMAL_COMMA, _ES_RATIOS, ("Estado de la campaña", "Presupuesto", "Estado", "Tasa de conv.")),
        Dialect("pt-BR", _PT, DECIMAL_COMMA, _PT_RATIOS, ("Status da campanha", "Orçamento", "Status", "Taxa de conv.")),
    )
    required = ("spend",)
    required_any = ("impressions", "clicks", "clicks_all", "conversions")
    missing = ("", "--", "-", "—")
    # `Total: Account` in any column (the third in keyword reports), per segment when a Month or
    # Device cell is filled; `Total: Search` names a campaign type.
    totals = TotalsRule(vocabulary=True, value_field="campaign_type")
    value_maps = MappingProxyType({
        "device": {
            "computers": "desktop", "computer": "desktop", "ordinateurs": "desktop", "ordenadores": "desktop",
            "computadores": "desktop", "mobile phones": "mobile", "mobile devices with full browsers": "mobile",
            "mobilgeräte": "mobile", "mobiles": "mobile", "móviles": "mobile", "celulares": "mobile",
            "tablets": "tablet", "tablettes": "tablet", "tablets with full browsers": "tablet",
            "tv screens": "connected_tv", "other": "other", "unknown": "other",
        },
        "campaign_type": {
            "search": "search", "display": "display", "video": "video", "performance max": "performance_max",
            "demand gen": "demand_gen", "discovery": "demand_gen", "shopping": "shopping", "smart": "smart",
            "app": "app", "local": "local", "suchnetzwerk": "search", "displaynetzwerk": "display",
            "réseau de recherche": "search", "réseau display": "display", "búsqueda": "search",
            "pesquisa": "search", "rede de display": "display",
        },
        "network": {
            "google search": "search", "search network": "search", "search partners": "search_partners",
            "display network": "display", "youtube": "video", "youtube videos": "video",
            "cross-network": "cross_network",
        },
    })
    priority = 10
