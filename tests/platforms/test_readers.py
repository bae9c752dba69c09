"""The modules that used to keep their own platform tables now read the platform modules."""

from __future__ import annotations

from mille.analysis.benchmarks import load_benchmarks
from mille.metrics import load_catalogue
from mille.platforms import all_platforms, get
from mille.sources.crm_sources import CampaignIndex, alias_table, classify


def test_benchmark_table_is_built_from_the_platform_modules() -> None:
    table = load_benchmarks()
    assert table.currency == "USD"
    assert len(table.entries) == sum(len(p.benchmarks) for p in all_platforms())
    [ctr] = table.matching("ctr", "linkedin_ads")
    assert (ctr.low, ctr.high) == (0.44, 0.65)  # percent, like the catalogue's CTR
    [search] = table.matching("cpc", "google_ads", "Search Network")  # a network value finds its family
    assert search.network == "search" and search.low == 4.66
    assert table.matching("cpm", "google_ads", "search") == []  # never display's CPM for search


def test_glossary_source_fields_come_from_the_platforms() -> None:
    cat = load_catalogue()
    fields = cat.source_fields(cat.get("cpm"))
    assert fields["spend"] == {p.id: p.source_fields["spend"] for p in all_platforms()}
    assert fields["impressions"]["google_ads"] == "Impr."
    lead = cat.source_fields(cat.get("cost_per_lead"))
    assert lead["lead_form_spend"] == {"linkedin_ads": "Total Spent", "facebook_ads": "Amount spent (XXX)"}
    assert lead["leads"] == {"linkedin_ads": "Leads", "facebook_ads": "Leads"}


def test_a_measure_with_its_own_source_fields_keeps_them(tmp_path) -> None:
    (tmp_path / "metrics.yaml").write_text(
        "measures:\n  - name: li_spend\n    column: spend\n    filter: platform = 'linkedin_ads'\n"
        "  - name: own\n    column: clicks\n    source_fields: {google_ads: Clicks (own)}\n"
        "metrics:\n  - name: li_cost\n    label: LI cost\n    description: LinkedIn spend.\n    type: simple\n"
        "    measure: li_spend\n  - name: own_clicks\n    label: Own\n    description: Own clicks.\n"
        "    type: simple\n    measure: own\n"
    )
    cat = load_catalogue(tmp_path)
    assert cat.source_fields(cat.get("li_cost")) == {"li_spend": {"linkedin_ads": "Total Spent"}}
    assert cat.source_fields(cat.get("own_clicks")) == {"own": {"google_ads": "Clicks (own)"}}


def _classify(**values):
    return classify(values, alias_table(), CampaignIndex())


def test_crm_sources_use_the_platform_aliases() -> None:
    assert _classify(utm_source="lnkd.in")[0] == "linkedin_ads"
    assert _classify(utm_source="google", utm_medium="cpc")[0] == "google_ads"
    assert _classify(utm_source="google", utm_medium="")[3] == "unpaid"  # organic too: needs a paid medium
    assert _classify(utm_source="adwords")[0] == "google_ads"  # an ad product: always paid
    # Short aliases mean a platform only as the whole value.
    assert _classify(original_source="Paid Social", original_source_detail="an event")[0] is None
    assert _classify(original_source="Paid Social", original_source_detail="LinkedIn - Sponsored")[0] == "linkedin_ads"


def test_conversion_meaning_is_the_platforms() -> None:
    from mille.analysis.audit.definitions import _conversion_meaning

    assert _conversion_meaning("linkedin_ads") == get("linkedin_ads").conversions
    assert _conversion_meaning("snapchat_ads") == "platform-defined"
