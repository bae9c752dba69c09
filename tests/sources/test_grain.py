"""Grain enforcement: rows of one export that repeat a key are refused or dropped, never summed."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mille.errors import IngestError
from mille.schema import NATURAL_KEY
from mille.sources.ingest import ingest_paths
from mille.workspace import Workspace, init_workspace

from .conftest import make_workspace, snapshot, totals

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engines"))
from engine_corpus import require

META_HEADER = ('\ufeffReporting starts,Reporting ends,Campaign name,Ad set name,Ad name,"Amount spent (USD)",'
               "Impressions,Link clicks,Result type")
GOOGLE_TITLE = 'Keyword report\n"May 1, 2026 - May 31, 2026"\n'


def meta_row(day: int, ad: int, spend: float, impressions: int, clicks: int | str = "") -> str:
    return (f"2026-05-{day:02d},2026-05-{day:02d},Prospecting,Broad US,Ad {ad},{spend:.2f},{impressions},{clicks},"
            "Link clicks")


def meta_rows(n: int = 10) -> list[str]:
    """Ten distinct rows: five days × two ads, spend 10.00 + day + ad/4."""
    return [meta_row(1 + i // 2, i % 2, 10 + i // 2 + (i % 2) / 4, 1000 + 37 * i, 20 + i) for i in range(n)]


def meta_file(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([META_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def spend_of(rows: list[str]) -> float:
    return round(sum(float(r.split(",")[5]) for r in rows), 2)


def ingest(ws_path: Path, files: list[Path], **kw):
    with Workspace.open(ws_path) as ws:
        return ingest_paths(ws, files, **kw)


@pytest.fixture()
def ws_path(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws")


def test_the_natural_key_holds_every_level_and_breakdown() -> None:
    for column in ("platform", "account_id", "level", "date_day", "period_end", "campaign_id", "ad_group_id",
                   "ad_id", "country", "device", "age", "gender", "keyword", "match_type", "search_term"):
        assert column in NATURAL_KEY


def test_a_meta_export_with_rows_twice_is_refused_and_nothing_is_written(ws_path: Path, tmp_path: Path) -> None:
    rows = meta_rows()
    path = meta_file(tmp_path / "meta.csv", rows + rows[2:5])  # three rows pasted again at the end
    before = snapshot(ws_path)
    with pytest.raises(IngestError) as caught:
        ingest(ws_path, [path])
    message = str(caught.value)
    assert "meta.csv" in message and "3 duplicate row(s)" in message
    assert "line 12 repeats line 4" in message  # header = line 1: rows[2] is line 4, its copy line 12
    assert f"{spend_of(rows[2:5]):,.2f} of spend" in message and "--drop-exact-duplicates" in message
    assert caught.value.row == 12
    assert snapshot(ws_path) == before


def test_with_the_flag_one_copy_is_kept_and_the_drop_is_reported(ws_path: Path, tmp_path: Path) -> None:
    rows = meta_rows()
    path = meta_file(tmp_path / "meta.csv", rows[:6] + rows[2:4] + rows[6:] + rows[9:])
    summary = ingest(ws_path, [path], drop_exact_duplicates=True)
    [f] = summary.files
    assert f.duplicates_dropped == 3 and f.rows == 10 and summary.rows_written == 10
    assert f.spend["USD"] == pytest.approx(spend_of(rows))
    assert summary.spend_reporting == pytest.approx(spend_of(rows))
    assert any("3 exact duplicate row(s) dropped" in w for w in f.warnings)
    assert summary.rows()[0]["duplicates_dropped"] == 3
    t = totals(ws_path)
    assert t["rows"] == 10 and t["spend"] == pytest.approx(spend_of(rows))
    assert t["impressions"] == sum(1000 + 37 * i for i in range(10))
    with Workspace.open(ws_path, read_only=True) as ws:  # the ingest log says so too
        log = ws.engine.to_arrow(ws.engine.table("ingests")).to_pylist()
        assert log[0]["rows"] == 10 and "exact duplicate" in log[0]["warnings"]
        kept = ws.engine.to_arrow(ws.engine.table("ad_performance").select("row_number")).column(0).to_pylist()
        assert sorted(kept) == [*range(2, 8), *range(10, 14)]  # the first copy of each, by line


def with_ids(rows: list[str]) -> list[str]:
    """The rows with an Ad ID column (`Ad 3` is id 1203)."""
    return [f"{r},{1200 + int(r.split(',')[4].split()[1])}" for r in rows]


def test_conflicting_duplicates_are_refused_even_with_the_flag(ws_path: Path, tmp_path: Path) -> None:
    rows = with_ids([*meta_rows(), meta_row(2, 0, 99.0, 1074, 22)])  # the ad of rows[2], other spend
    path = tmp_path / "meta.csv"
    path.write_text("\n".join([META_HEADER + ",Ad ID", *rows]) + "\n", encoding="utf-8")
    before = snapshot(ws_path)
    with pytest.raises(IngestError) as caught:
        ingest(ws_path, [path], drop_exact_duplicates=True)
    message = str(caught.value)
    assert "1 conflicting duplicate row(s)" in message and "line 12 repeats line 4" in message
    assert "99.00 of spend at stake" in message and "cannot choose" in message
    assert snapshot(ws_path) == before


def test_ads_that_share_a_name_and_have_no_id_are_kept(ws_path: Path, tmp_path: Path) -> None:
    # Boosted posts are named after their truncated text: two ads, one name, no id column.
    rows = meta_rows()
    path = meta_file(tmp_path / "meta.csv", [*rows, meta_row(2, 0, 99.0, 1074, 22)])
    [f] = ingest(ws_path, [path], drop_exact_duplicates=True).files
    assert f.rows == 11 and any("entities with the same name" in w for w in f.warnings)
    assert totals(ws_path)["spend"] == pytest.approx(spend_of(rows) + 99.0)


def test_repeated_rows_without_figures_are_dropped_with_a_note(ws_path: Path, tmp_path: Path) -> None:
    rows = meta_rows()
    paused = [meta_row(3, 7, 0.0, 0, 0), meta_row(4, 8, 0.0, 0)]  # paused ads: zeros, an empty click cell
    path = meta_file(tmp_path / "meta.csv", rows + paused + paused)
    [f] = ingest(ws_path, [path]).files
    assert f.status == "ingested" and f.empty_duplicates_dropped == 2 and f.duplicates_dropped == 0
    assert f.rows == 12 and any("no figures" in n for n in f.notes)
    assert totals(ws_path)["spend"] == pytest.approx(spend_of(rows))


def test_copies_in_different_chunks_are_found(ws_path: Path, tmp_path: Path) -> None:
    rows = meta_rows()
    path = meta_file(tmp_path / "meta.csv", rows + rows)  # 20 rows in chunks of 7: copies never share one
    before = snapshot(ws_path)
    with pytest.raises(IngestError, match="10 duplicate row"):
        ingest(ws_path, [path], stream_over=0, chunk_rows=7)
    assert snapshot(ws_path) == before
    [f] = ingest(ws_path, [path], stream_over=0, chunk_rows=7, drop_exact_duplicates=True).files
    assert f.duplicates_dropped == 10 and f.rows == 10
    assert totals(ws_path)["spend"] == pytest.approx(spend_of(rows))


def test_reingesting_with_the_flag_changes_nothing(ws_path: Path, tmp_path: Path) -> None:
    rows = meta_rows()
    path = meta_file(tmp_path / "meta.csv", rows + rows[:4])
    ingest(ws_path, [path], drop_exact_duplicates=True)
    first = snapshot(ws_path)
    again = ingest(ws_path, [path], drop_exact_duplicates=True)
    assert [f.status for f in again.files] == ["skipped"] and snapshot(ws_path)["ad_performance"] == first["ad_performance"]
    # The same rows in a file of other bytes replace the slice: the totals stay the original file's.
    other = meta_file(tmp_path / "redownload.csv", rows[4:] + rows[:4] + rows[:1])
    [f] = ingest(ws_path, [other], drop_exact_duplicates=True).files
    assert f.duplicates_dropped == 1
    t = totals(ws_path)
    assert t["rows"] == 10 and t["spend"] == pytest.approx(spend_of(rows))


def test_keywords_with_the_same_text_in_two_ad_groups_are_kept(ws_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "keywords.csv"
    path.write_text(GOOGLE_TITLE + "\n".join([
        "Day,Keyword,Match type,Campaign,Ad group,Currency code,Cost,Impr.,Clicks",
        '2026-05-01,crm software,Exact match,Search CRM,Brand,USD,10.00,"1,000",50',
        '2026-05-01,crm software,Exact match,Search CRM,Generic,USD,20.00,"2,000",60',  # same text, other ad group
        "2026-05-01,best crm,Phrase match,Search CRM,Generic,USD,5.50,500,7",  # another keyword, same ad group
        "2026-05-01,crm software,Phrase match,Search CRM,Generic,USD,1.25,100,2",  # same text, other match type
        "2026-05-02,crm software,Exact match,Search CRM,Brand,USD,11.00,"
        '"1,100",55',
    ]) + "\n", encoding="utf-8")
    [f] = ingest(ws_path, [path]).files
    assert f.status == "ingested" and f.level == "keyword" and f.rows == 5 and not f.notes
    t = totals(ws_path)
    assert t["spend"] == pytest.approx(47.75) and t["impressions"] == 4700 and t["clicks"] == 174
    with Workspace.open(ws_path, read_only=True) as ws:
        held = ws.engine.to_arrow(ws.engine.table("ad_performance").select("keyword", "match_type")).to_pylist()
    assert {(r["keyword"], r["match_type"]) for r in held} == {
        ("crm software", "Exact match"), ("best crm", "Phrase match"), ("crm software", "Phrase match")}


def test_rows_finer_than_the_key_are_added_up_with_a_note(ws_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "conversions.csv"
    path.write_text(GOOGLE_TITLE.replace("Keyword", "Campaign") + "\n".join([
        "Day,Campaign,Conversion action,Currency code,Cost,Impr.,Clicks,Conversions",
        "2026-05-01,Search CRM,Demo request,USD,10.00,1000,50,3",
        "2026-05-01,Search CRM,Newsletter,USD,0.00,0,0,9",
        "2026-05-02,Search CRM,Demo request,USD,12.00,1200,40,2",
    ]) + "\n", encoding="utf-8")
    [f] = ingest(ws_path, [path]).files
    assert f.rows == 3
    assert f.notes == ["2 rows differ only in column Conversion action, which mille does not store "
                       "(or stores coarser); they were added up"]
    assert totals(ws_path)["spend"] == pytest.approx(22.0)


def test_the_cli_refuses_and_accepts_with_the_flag(ws_path: Path, tmp_path: Path, cli) -> None:
    rows = meta_rows()
    path = meta_file(tmp_path / "meta.csv", rows + rows)
    code, out, err = cli("-w", str(ws_path), "ingest", str(path))
    assert code == 2 and "duplicate" in err and "line 12 repeats line 2" in err and "Traceback" not in err
    code, out, err = cli("-w", str(ws_path), "ingest", "--drop-exact-duplicates", str(path))
    assert code == 0, err
    assert "10 exact duplicate row(s) dropped" in out
    code, out, _ = cli("-w", str(ws_path), "ingest", "--drop-exact-duplicates", "--format", "json", str(path))
    assert code == 0 and '"duplicates_dropped"' in out


# -- the property: duplicating any rows is refused, or with the flag gives the original totals ---------

@st.composite
def doubled_exports(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    n = draw(st.integers(2, 8))
    cells = draw(st.lists(st.tuples(st.integers(1, 999_99), st.integers(1, 90_000), st.integers(0, 500)),
                          min_size=n, max_size=n))
    rows = [meta_row(1 + i // 3, i % 3, spend / 100, impressions, clicks)
            for i, (spend, impressions, clicks) in enumerate(cells)]
    copies = draw(st.lists(st.sampled_from(range(n)), min_size=1, max_size=2 * n))
    doubled = list(rows)
    for i in copies:  # each copy goes anywhere in the file
        doubled.insert(draw(st.integers(0, len(doubled))), rows[i])
    return rows, doubled


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doubled_exports())
def test_duplicating_any_rows_is_refused_or_dropped_to_the_original_totals(case: tuple[list[str], list[str]]) -> None:
    rows, doubled = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws_path = make_workspace(root / "ws")
        path = meta_file(root / "meta.csv", doubled)
        with pytest.raises(IngestError, match="duplicate"):
            ingest(ws_path, [path])
        [f] = ingest(ws_path, [path], drop_exact_duplicates=True).files
        assert f.duplicates_dropped == len(doubled) - len(rows)
        t = totals(ws_path)
        assert t["rows"] == len(rows) and t["spend"] == pytest.approx(spend_of(rows), abs=0.005)
        assert t["impressions"] == sum(int(r.split(",")[6]) for r in rows)


@pytest.mark.spark
@pytest.mark.slow
def test_spark_refuses_and_drops_like_duckdb(tmp_path: Path) -> None:
    require("spark")
    rows = meta_rows()
    path = meta_file(tmp_path / "meta.csv", rows + rows[3:])
    init_workspace(tmp_path / "ws", engine="spark")
    with Workspace.open(tmp_path / "ws") as ws:
        with pytest.raises(IngestError, match="7 duplicate row"):
            ingest_paths(ws, [path], stream_over=0, chunk_rows=4)
        assert int(ws.engine.scalar(ws.engine.table("ad_performance").count())) == 0
        [f] = ingest_paths(ws, [path], stream_over=0, chunk_rows=4, drop_exact_duplicates=True).files
        assert f.duplicates_dropped == 7
        t = totals(ws)
        assert t["rows"] == 10 and t["spend"] == pytest.approx(spend_of(rows))


def test_the_audit_counts_every_duplicated_row_of_an_older_workspace(ws_path: Path, tmp_path: Path) -> None:
    """Rows doubled before ingest refused them: the audit finds all, also those with few
    impressions or no link clicks (NULL), which its old candidate join let slip."""
    from mille.analysis.audit import audit

    rows = [*meta_rows(), meta_row(6, 0, 3.10, 40), meta_row(6, 1, 2.05, 12, 0)]  # NULL clicks; < 100 impressions
    ingest(ws_path, [meta_file(tmp_path / "meta.csv", rows)])
    with Workspace.open(ws_path) as ws:
        held = ws.engine.to_arrow(ws.engine.table("ad_performance"))
        ws.engine.insert("ad_performance", held)  # every row a second time, as an old ingest left them
        [f] = [f for f in audit(ws, checks="overlaps.duplicate_rows").findings if f.check == "overlaps.duplicate_rows"]
    assert f.title.startswith("12 duplicated row(s) in meta.csv") and f.severity == "error"
    assert f.spend == pytest.approx(spend_of(rows))
