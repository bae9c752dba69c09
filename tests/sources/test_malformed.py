"""Bad input: one clear message (file, row, column, value, hint), exit 2, the workspace untouched.

Every case runs through the real ``mille ingest`` entry point after a good file has been
ingested, and the workspace (every table's rows and mille.yaml) is compared before and after.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from .conftest import make_workspace, snapshot, write_text

GOOD_GOOGLE = (
    "Campaign report\n\"May 1, 2026 - May 31, 2026\"\n"
    "Day,Campaign,Campaign type,Currency code,Impr.,Clicks,Cost\n"
    "2026-05-01,NA_leadgen_csuite_demo,Search,USD,\"1,200\",40,100.50\n"
    "2026-05-02,NA_leadgen_csuite_demo,Search,USD,\"1,000\",35,90.25\n"
    "Total: Account,,,USD,\"2,200\",75,190.75\n"
)


def _google(rows: str) -> str:
    head = GOOD_GOOGLE.split("2026-05-01")[0]
    return head + rows


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# name -> (file bytes, expected fragments of the message)
CASES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "unknown_format.csv": (
        b"colour,size,weight\nred,3,1.5\n",
        ("does not recognise this export's columns", "colour, size, weight", "Google Ads UI report", "--mapping"),
    ),
    "binary.csv": (b"\x00\x01\x02garbage\x00" * 50, ("binary",)),
    "undecodable_utf16.csv": (
        b"\xff\xfe" + "Day\tCampaign\tImpr.\tCost\n2026-05-01\tA\t1\t2\n".encode("utf-16-le") + b"\x00\xd8A\x00\n\x00",
        ("cannot be decoded as utf-16-le", "download it again"),
    ),
    "truncated.csv": (
        _google("2026-05-01,NA_leadgen_csuite_demo,Search,USD,\"1,200\",40,100.50\n2026-05-02,NA_leadgen").encode(),
        ("last row is cut short", "line 5", "truncated"),
    ),
    "not_a_number.csv": (
        _google("2026-05-01,NA_leadgen_csuite_demo,Search,USD,\"1,200\",40,100.50\n"
                "2026-05-02,NA_leadgen_csuite_demo,Search,USD,\"1,000\",35,12;40\n").encode(),
        ("row 5", 'column "Cost"', "not a number", "'12;40'", "1,234.56"),
    ),
    "negative_impressions.csv": (
        _google("2026-05-01,NA_leadgen_csuite_demo,Search,USD,-5,0,0.00\n").encode(),
        ("row 4", 'column "Impr."', "negative count", "-5"),
    ),
    "bad_date.csv": (
        _google("2026-05-41,NA_leadgen_csuite_demo,Search,USD,10,1,1.00\n").encode(),
        ("row 4", 'column "Day"', "not a date", "2026-05-41", "YYYY-MM-DD"),
    ),
    "empty.csv": (b"", ("the file is empty",)),
    "blank.csv": (b"\n\n  \n", ("the file is empty",)),
    "no_data_sheet.xlsx": (_xlsx({"Sheet1": [], "Sheet2": []}), ("no data sheet",)),
    "unknown_sheet.xlsx": (_xlsx({"Notes": [["just", "some", "notes"], ["a", "b", "c"]]}),
                           ("does not recognise", "sheets read: Notes")),
    "protected.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ("password-protected", "legacy .xls")),
    "corrupt.xlsx": (b"PK\x03\x04" + b"this is not a zip archive" * 20, ("workbook is damaged",)),
    "bad_currency.csv": (
        _google("2026-05-01,NA_leadgen_csuite_demo,Search,Dollars,10,1,1.00\n").encode(),
        ("row 4", "not a currency code", "Dollars", "ISO 4217"),
    ),
    "microsoft_rows_mismatch.csv": (
        ('"Report Name: Campaign Performance"\n"Time Zone: (GMT-05:00) Eastern Time (US & Canada)"\n'
         '"Rows: 5"\n\n"TimePeriod","CampaignName","CurrencyCode","Impressions","Clicks","Spend"\n'
         '"2026-05-01","A","EUR","10","1","2.00"\n\n"©2026 Microsoft Corporation. All rights reserved. "\n').encode(),
        ("says it has 5 rows but 1 were found", "cut short"),
    ),
}


@pytest.fixture()
def held_ws(tmp_path: Path) -> Path:
    path = make_workspace(tmp_path / "ws", fixed={"EUR": 1.1})
    good = write_text(tmp_path / "good_google.csv", GOOD_GOOGLE)
    from mille.sources import ingest_paths
    from mille.workspace import Workspace

    with Workspace.open(path) as ws:
        ingest_paths(ws, [good])
    return path


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_one_message_and_changes_nothing(tmp_path: Path, held_ws: Path, cli, name: str) -> None:
    data, fragments = CASES[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    before = snapshot(held_ws)
    code, out, err = cli("-w", str(held_ws), "ingest", str(bad))
    assert code == 2, (out, err)
    assert "Traceback" not in err and err.startswith("Error: ")
    assert name in err  # the file is named
    for fragment in fragments:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    assert snapshot(held_ws) == before


def test_a_bad_file_later_in_the_batch_writes_nothing(tmp_path: Path, held_ws: Path, cli) -> None:
    fresh = write_text(tmp_path / "june.csv", GOOD_GOOGLE.replace("2026-05-0", "2026-06-0").replace("May", "June"))
    bad = tmp_path / "bad_date.csv"
    bad.write_bytes(CASES["bad_date.csv"][0])
    before = snapshot(held_ws)
    code, _, err = cli("-w", str(held_ws), "ingest", str(fresh), str(bad))
    assert code == 2 and "not a date" in err
    assert snapshot(held_ws) == before


def test_missing_exchange_rate_lists_the_pairs_and_writes_nothing(tmp_path: Path, held_ws: Path, cli) -> None:
    gbp = write_text(tmp_path / "gbp.csv", GOOD_GOOGLE.replace("USD", "GBP"))
    before = snapshot(held_ws)
    code, _, err = cli("-w", str(held_ws), "ingest", str(gbp))
    assert code == 2
    assert "no exchange rate into USD for 2 currency/date pairs: GBP 2026-05-01, GBP 2026-05-02" in err
    assert "fx" in err
    assert snapshot(held_ws) == before


def test_file_without_currency_asks_for_account_currency(tmp_path: Path, held_ws: Path, cli) -> None:
    plain = write_text(tmp_path / "nocurrency.csv", GOOD_GOOGLE.replace(",Currency code", "").replace(",USD", ""))
    before = snapshot(held_ws)
    code, _, err = cli("-w", str(held_ws), "ingest", str(plain))
    assert code == 2 and "--account-currency" in err
    assert snapshot(held_ws) == before
    code, _, _ = cli("-w", str(held_ws), "ingest", str(plain), "--account-currency", "EUR")
    assert code == 0


def test_file_without_dates_asks_for_a_period(tmp_path: Path, held_ws: Path, cli) -> None:
    undated = write_text(tmp_path / "alltime.csv", GOOD_GOOGLE.replace('"May 1, 2026 - May 31, 2026"', "All time")
                         .replace("Day,", "").replace("2026-05-01,", "").replace("2026-05-02,", "")
                         .replace("Total: Account,,,", "Total: Account,,"))
    code, _, err = cli("-w", str(held_ws), "ingest", str(undated))
    assert code == 2 and "All time" in err and "--period" in err
    code, out, _ = cli("-w", str(held_ws), "ingest", str(undated), "--period", "2025-03", "-f", "json")
    assert code == 0 and '"date_min": "2025-03-01"' in out and '"date_max": "2025-03-31"' in out
