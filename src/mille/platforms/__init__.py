"""The ad platforms mille knows, one small declarative module each: the only home of platform facts.

Each module (``google_ads.py``, ``linkedin_ads.py``…) declares one frozen
:class:`~mille.platforms.model.Platform` named ``PLATFORM``: its id (the dbt ``ad_reporting``
literal), labels, the ``utm_source`` / CRM spellings that mean it, what a click and a conversion
count there, the time zone its days are reported in, the export formats that produce its rows,
the export column behind each unified measure, plausible (sanity) price ranges and published
benchmark ranges with their sources, in US dollars. Ingest, CRM source normalisation, the metric
glossary, the audit and ``mille report --benchmarks`` all read from here; none keeps a table of
its own.

**Adding a platform** is one new module here plus its name in :data:`MODULES` (a test fails when
a module is not listed), then fixtures for its exports; see ``docs/platforms.md``.

This package is foundation level (import-linter layers in ``pyproject.toml``): it imports nothing
of mille but :mod:`mille.errors`, so every layer may read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import import_module
from typing import Any

from mille.errors import QueryError, suggestion
from mille.platforms.model import PRICE_LABELS, Platform, PriceRange, folded

__all__ = ["MODULES", "PLATFORMS", "PRICE_LABELS", "Platform", "PriceRange", "Registry", "alias_table",
           "all_platforms", "find", "folded", "get", "label", "short_label"]

# The platform modules, in the order platforms are listed (the dbt ad_reporting order).
MODULES: tuple[str, ...] = ("google_ads", "microsoft_ads", "linkedin_ads", "facebook_ads", "twitter_ads",
                            "tiktok_ads", "reddit_ads")


class Registry:
    """Platforms by id, with the checks that make two modules unable to contradict each other."""

    def __init__(self, platforms: Iterable[Platform] = ()) -> None:
        self._by_id: dict[str, Platform] = {}
        self._aliases: dict[str, str] = {}
        for p in platforms:
            self.add(p)

    def add(self, platform: Platform) -> Platform:
        if platform.id in self._by_id:
            raise ValueError(f"platform `{platform.id}` declared twice")
        for alias in platform.aliases:
            owner = self._aliases.get(folded(alias))
            if owner is not None:
                raise ValueError(f"alias `{alias}` of {platform.id} already means {owner}")
        clash = set(platform.formats) & {f for p in self._by_id.values() for f in p.formats}
        if clash:
            raise ValueError(f"formats {sorted(clash)} of {platform.id} already belong to another platform")
        self._by_id[platform.id] = platform
        self._aliases.update({folded(a): platform.id for a in platform.aliases})
        return platform

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def all(self) -> tuple[Platform, ...]:
        return tuple(self._by_id.values())

    def get(self, platform_id: str) -> Platform:
        found = self._by_id.get(platform_id)
        if found is None:
            raise QueryError(f"`{platform_id}` is not a platform mille knows", expected=", ".join(self._by_id),
                             hint=suggestion(platform_id, self._by_id))
        return found

    def find(self, platform_id: str | None) -> Platform | None:
        return self._by_id.get(platform_id or "")

    def alias_table(self, extra: Mapping[str, Iterable[str]] | None = None) -> dict[str, str]:
        """Folded spelling → platform id: the built-in aliases, then a workspace's own spellings
        (mille.yaml ``source_aliases``), which win."""
        table = dict(self._aliases)
        for platform_id, spellings in (extra or {}).items():
            for s in spellings:
                table[folded(s)] = platform_id
        return table


REGISTRY = Registry(import_module(f"{__name__}.{m}").PLATFORM for m in MODULES)
PLATFORMS: tuple[str, ...] = REGISTRY.ids


def all_platforms() -> tuple[Platform, ...]:
    return REGISTRY.all()


def get(platform_id: str) -> Platform:
    """The platform of an id; a :class:`~mille.errors.QueryError` naming the known ids otherwise."""
    return REGISTRY.get(platform_id)


def find(platform_id: str | None) -> Platform | None:
    """The platform of an id, or None for an id mille does not know."""
    return REGISTRY.find(platform_id)


_ITSELF: Any = object()


def label(platform_id: str | None, default: Any = _ITSELF) -> Any:
    """``LinkedIn Ads`` for ``linkedin_ads``; an unknown value is shown as itself (or ``default``)."""
    found = REGISTRY.find(platform_id)
    if found is not None:
        return found.label
    return platform_id if default is _ITSELF else default


def short_label(platform_id: str | None) -> str:
    found = REGISTRY.find(platform_id)
    return found.short_label if found is not None else (platform_id or "")


def alias_table(extra: Mapping[str, Iterable[str]] | None = None) -> dict[str, str]:
    return REGISTRY.alias_table(extra)
