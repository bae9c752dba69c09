"""Write the demo's truth as the files each platform really produces.

One module per export format (see FORMATS.md and docs/demo.md); :func:`write_exports` writes
them all into one directory and says in which order they must be ingested (the Meta EMEA
re-download last, so that it replaces the slice the monthly files hold).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mille.demo import media_plan as plan
from mille.demo.generate import DemoData
from mille.demo.writers import google_ads, hubspot, linkedin, meta, microsoft


@dataclass(frozen=True)
class ExportFiles:
    ads: list[Path]  # ad-platform exports, in ingest order
    fx_rates: Path
    crm: list[Path]  # HubSpot contacts, then deals

    @property
    def all(self) -> list[Path]:
        return [*self.ads, self.fx_rates, *self.crm]


def months() -> list[tuple[date, date]]:
    out = []
    start = plan.START
    while start <= plan.END:
        out.append((start, start.replace(day=calendar.monthrange(start.year, start.month)[1])))
        start = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return out


def write_exports(data: DemoData, directory: Path) -> ExportFiles:
    """Write every export file of the demo into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    spans = months()
    redownload = data.story.redownload
    ads = [
        *linkedin.write(data.ads, directory, spans),
        *google_ads.write(data.ads, directory, spans),
        *microsoft.write(data.ads, directory, spans),
        *meta.write(data.ads, directory, spans,
                    redownload=(redownload.account, redownload.start, redownload.end)),
    ]
    fx = hubspot.write_fx(data.fx_rates, directory)
    crm = hubspot.write(data.contacts, data.deals, directory)
    return ExportFiles(ads=ads, fx_rates=fx, crm=crm)
