"""A small CRM + ad-delivery workspace whose attribution is computed by hand (test_oracle.py).

Ad delivery (rows written straight into ad_performance):
  linkedin_ads  campaign L1 "Alpha": spend on 2026-03-01 and 2026-03-10; a zero row on 03-20
  facebook_ads  campaign F1 "Beta":  spend on 2026-03-05

Salesforce exports (read through the real ingest):
  leads      00Q1 created 3/12 (UTM linkedin / paid_social / Alpha), converted to 006A
             00Q2 created 3/15 (UTM li / cpc / Alpha), converted to 006B
             00Q3 created 3/20 (UTM newsite / cpc / Gamma)          -> unmatched
             00Q4 created 3/21 (Lead Source Web, no UTM)            -> unpaid
             00Q5 created 3/22 (no source at all)                   -> no touch
             00Q6 created 3/8  (UTM facebook / paid_social / "  BETA"), converted to 006C
  members    00Q1 responded to Beta on 3/6 and to Alpha on 3/11; 00Q4 was sent Alpha, never responded
  opps       006A created 3/20, 1000, Closed Won; 006B created 4/14, 500, open; 006C created 3/8, 200, Closed Lost
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa

from mille import schema
from mille.sources.unified import ARROW_TYPES

LEADS = """Lead ID,First Name,Created Date,Lead Source,Lead Status,UTM Source,UTM Medium,UTM Campaign,Converted Opportunity ID
00Q1,Ann,3/12/2026,Advertisement,Closed - Converted,linkedin,paid_social,Alpha,006A
00Q2,Bob,3/15/2026,Advertisement,Closed - Converted,li,cpc,Alpha,006B
00Q3,Cid,3/20/2026,Advertisement,Open - Not Contacted,newsite,cpc,Gamma,
00Q4,Dee,3/21/2026,Web,Working - Contacted,,,,
00Q5,Eve,3/22/2026,,Open - Not Contacted,,,,
00Q6,Fay,3/8/2026,Advertisement,Closed - Converted,facebook,paid_social,  BETA,006C
"""
MEMBERS = """Campaign Name,Lead ID,Member Status,Responded,Member First Responded Date
Beta,00Q1,Responded,1,3/6/2026
Alpha,00Q1,Responded,1,3/11/2026
Alpha,00Q4,Sent,0,
"""
OPPORTUNITIES = """Opportunity ID,Opportunity Name,Created Date,Close Date,Stage,Amount,Won,Closed
006A,Acme,3/20/2026,4/30/2026,Closed Won,"1,000.00",1,1
006B,Blue,4/14/2026,6/30/2026,Prospecting,500.00,0,0
006C,Cedar,3/8/2026,3/30/2026,Closed Lost,200.00,0,1
"""

DELIVERY = [  # platform, campaign id, name, day, spend, impressions
    ("linkedin_ads", "L1", "Alpha", date(2026, 3, 1), 100.0, 1000),
    ("linkedin_ads", "L1", "Alpha", date(2026, 3, 10), 100.0, 1000),
    ("linkedin_ads", "L1", "Alpha", date(2026, 3, 20), 0.0, 0),
    ("facebook_ads", "F1", "Beta", date(2026, 3, 5), 50.0, 2000),
]


def write_exports(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in (("leads.csv", LEADS), ("campaign_members.csv", MEMBERS), ("opportunities.csv", OPPORTUNITIES)):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def insert_delivery(ws, rows=DELIVERY) -> None:
    n = len(rows)
    cols = {c.name: pa.nulls(n, ARROW_TYPES[c.dtype]) for c in schema.AD_PERFORMANCE.columns}
    cols.update({
        "source_relation": pa.array(["fixture"] * n), "ingest_id": pa.array(["ing-fixture"] * n),
        "file_hash": pa.array(["0"] * n), "row_number": pa.array(range(2, n + 2), pa.int64()),
        "level": pa.array(["campaign"] * n), "granularity": pa.array(["day"] * n),
        "platform": pa.array([r[0] for r in rows]), "account_id": pa.array(["A"] * n),
        "campaign_id": pa.array([r[1] for r in rows]), "campaign_name": pa.array([r[2] for r in rows]),
        "date_day": pa.array([r[3] for r in rows], pa.date32()), "period_end": pa.array([r[3] for r in rows], pa.date32()),
        "currency": pa.array(["USD"] * n), "spend": pa.array([r[4] for r in rows]),
        "spend_reporting": pa.array([r[4] for r in rows]), "impressions": pa.array([r[5] for r in rows], pa.int64()),
        "clicks": pa.array([10] * n, pa.int64()),
    })
    ws.engine.insert("ad_performance", pa.table(cols))


def days(start: date, n: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]
