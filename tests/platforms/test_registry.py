"""The platform registry: one module per platform, facts that agree with the rest of mille."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import pytest

import mille.platforms as platforms
from mille.errors import QueryError
from mille.platforms import (
    PLATFORMS,
    Platform,
    PriceRange,
    Registry,
    alias_table,
    all_platforms,
    get,
    label,
)
from mille.schema import AD_PERFORMANCE

DOC = Path(__file__).resolve().parents[2] / "docs" / "platforms.md"


def test_ids_in_the_dbt_order() -> None:
    assert PLATFORMS == ("google_ads", "microsoft_ads", "linkedin_ads", "facebook_ads", "twitter_ads",
                         "tiktok_ads", "reddit_ads")
    assert [p.id for p in all_platforms()] == list(PLATFORMS)


def test_every_module_is_listed() -> None:
    modules = {m.name for m in pkgutil.iter_modules(platforms.__path__)} - {"model"}
    assert modules == set(platforms.MODULES)
    for name in platforms.MODULES:
        assert get(name).id == name  # a module is named after its platform


def test_labels_and_lookups() -> None:
    assert label("linkedin_ads") == "LinkedIn Ads" and label("facebook_ads") == "Meta Ads"
    assert label("snapchat_ads") == "snapchat_ads" and label(None, "(none)") == "(none)"
    assert platforms.short_label("twitter_ads") == "X"
    with pytest.raises(QueryError, match="linkedin_ads"):
        get("linkedin")


def test_alias_table_folds_and_takes_workspace_spellings() -> None:
    table = alias_table({"linkedin_ads": ["LI-Sponsored"]})
    assert table["lnkdin"] == "linkedin_ads" and table["lisponsored"] == "linkedin_ads"
    assert table["googleads"] == "google_ads" and table["an"] == "facebook_ads"


def test_source_fields_name_unified_measures() -> None:
    measures = set(AD_PERFORMANCE.measures)
    for p in all_platforms():
        assert set(p.source_fields) <= measures, p.id
        assert {"spend", "impressions", "clicks"} <= set(p.source_fields), p.id


def test_formats_and_time_zones_agree_with_the_format_modules() -> None:
    import mille.sources.formats  # noqa: F401  (registers the formats)
    from mille.sources.format import all_formats

    formats = {f.name: f for f in all_formats()}
    for p in all_platforms():
        for name in p.formats:
            assert name in formats and formats[name].platform == p.id, (p.id, name)
    for f in formats.values():
        if f.platform is None:
            continue
        assert f.name in get(f.platform).formats, f"format {f.name} is missing from platforms/{f.platform}.py"
        if f.timezone == "UTC":
            assert get(f.platform).timezone == "UTC", f.name


def test_plausible_ranges_do_not_flag_the_published_benchmarks() -> None:
    """A typical value must never be an order of magnitude outside the sanity range."""
    from mille.analysis.audit.plausible import outside

    for p in all_platforms():
        for b in p.benchmarks:
            sanity = p.plausible_for(b.network).get(b.metric)
            if sanity is not None:
                assert outside(b.low, sanity) is None and outside(b.high, sanity) is None, (p.id, b)


def test_linkedin_ranges_are_reconciled() -> None:
    """The 25–120 sanity range and the 25–44 published range are two named things, both kept."""
    li = get("linkedin_ads")
    assert (li.plausible_for(None)["cpm"].low, li.plausible_for(None)["cpm"].high) == (25.0, 120.0)
    [cpm] = [b for b in li.benchmarks if b.metric == "cpm"]
    assert (cpm.low, cpm.high, cpm.year) == (25.0, 44.0, 2026) and "ZenABM" in cpm.source


@pytest.mark.parametrize(("network", "family"), [
    ("Search Network", "search"), ("SEARCH_PARTNERS", "search"), ("Red de Búsqueda", "search"),
    ("Réseau de Recherche", "search"), ("Display Network", "display"), ("YouTube Videos", "display"),
    ("YOUTUBE_SEARCH", "display"), ("CONTENT", "display"), ("Cross-network", None), (None, None),
])
def test_google_network_families(network: str | None, family: str | None) -> None:
    assert get("google_ads").network_family(network) == family


def test_declaring_a_bad_platform_fails_at_import() -> None:
    base = dict(id="x_ads", label="X", short_label="X", aliases=("xx",), clicks="c", conversions="c",
                timezone="account", formats=(), source_fields={"spend": "Spend"})
    with pytest.raises(ValueError, match="timezone"):
        Platform(**{**base, "timezone": "Europe/Paris"})
    with pytest.raises(ValueError, match="unknown measures"):
        Platform(**{**base, "source_fields": {"cost": "Cost"}})
    with pytest.raises(ValueError, match="must also be aliases"):
        Platform(**{**base, "organic_too": ("x.com",)})
    with pytest.raises(ValueError, match="fraction"):
        PriceRange("ctr", 0.5, 2.0, "a study", 2025)
    with pytest.raises(ValueError, match="source"):
        PriceRange("cpm", 1.0, 2.0, "", 2025)
    with pytest.raises(ValueError, match="already means"):
        Registry([*all_platforms(), Platform(**{**base, "aliases": ("LinkedIn",)})])


def test_the_documented_example_is_a_valid_platform() -> None:
    [code] = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    example = namespace["PLATFORM"]
    assert isinstance(example, Platform)
    registry = Registry([*all_platforms(), example])  # no alias or format clashes with the built-ins
    assert registry.get(example.id) is example and registry.ids[-1] == example.id
    assert registry.alias_table()["pinterestcom"] == example.id
