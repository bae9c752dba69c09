"""Large files read in chunks give exactly what reading them whole gives, in bounded memory.

Every corpus mille ingests (the real platform samples, the connector seeds, the demo's 31
exports in their platforms' encodings, with totals rows and footers) is ingested twice: whole, and
streamed in chunks of a few rows (``stream_over=0``). Every table of the two workspaces and the two
ingest summaries must be equal, bar the clock. Then what only streaming can get wrong: memory,
an error in a late chunk, a body that stops being UTF-8 after the head, quoted line breaks.
"""

from __future__ import annotations

import codecs
import gc
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mille.errors import InputError, MilleError
from mille.schema import TABLES
from mille.sources import ingest, ingest_paths
from mille.workspace import Workspace

from .conftest import SAMPLE_RATES, make_workspace, snapshot

CLOCK = {"started_at"}


def _rows(path: Path) -> dict[str, list[list[tuple[str, Any]]]]:
    out: dict[str, list[list[tuple[str, Any]]]] = {}
    with Workspace.open(path, read_only=True) as ws:
        for name in TABLES:
            rows = [sorted((k, v) for k, v in r.items() if k not in CLOCK)
                    for r in ws.engine.to_arrow(ws.engine.table(name)).to_pylist()]
            out[name] = sorted(rows, key=lambda r: repr([(k, round(v, 4) + 0.0 if isinstance(v, float) else v) for k, v in r]))
    return out


def _same(a: Any, b: Any, where: str = "") -> None:
    """Equal, floats to 1e-9 relative (1e-6 absolute): a chunked file's sums are sums of sums."""
    if isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6), (where, a, b)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), (where, a, b)
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), (where, a, b)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


def _both(tmp_path: Path, files: list[Path], chunk_rows: int, make: Any, **kwargs: Any) -> None:
    whole_ws, streamed_ws = make(tmp_path / "whole"), make(tmp_path / "streamed")
    with Workspace.open(whole_ws) as ws:
        whole = ingest_paths(ws, files, **kwargs)
    with Workspace.open(streamed_ws) as ws:
        streamed = ingest_paths(ws, files, stream_over=0, chunk_rows=chunk_rows, **kwargs)
    assert whole.rows_written > 0
    _same(streamed.model_dump(mode="json", exclude={"workspace"}), whole.model_dump(mode="json", exclude={"workspace"}))
    _same(_rows(streamed_ws), _rows(whole_ws))


@pytest.mark.parametrize("chunk_rows", [1, 7])
def test_samples_streamed_equal_whole(tmp_path: Path, exports: Path, chunk_rows: int) -> None:
    files = sorted(p for p in exports.rglob("*") if p.suffix in (".csv", ".xlsx"))
    _both(tmp_path, files, chunk_rows, lambda p: make_workspace(p, fixed=SAMPLE_RATES),
          account_currency="USD", period="2023-08")


def test_connector_seeds_streamed_equal_whole(tmp_path: Path, seeds: Path) -> None:
    files = sorted(seeds.glob("*.csv"))
    rates = {**SAMPLE_RATES, "MXN": 0.055, "CAD": 0.74, "AUD": 0.66, "JPY": 0.0068, "BRL": 0.2}
    _both(tmp_path, files, 5, lambda p: make_workspace(p, fixed=rates), account_currency="USD")


def test_demo_exports_streamed_equal_whole(tmp_path: Path) -> None:
    from mille.config import FxConfig
    from mille.demo.build import demo_config
    from mille.demo.generate import generate
    from mille.demo.writers import write_exports

    files = write_exports(generate(0), tmp_path / "exports")

    def make(path: Path) -> Path:
        config = demo_config().model_copy(update={"fx": FxConfig(rates_file=str(files.fx_rates))})
        Workspace.init(path, config).close()
        return path

    _both(tmp_path, files.ads, 997, make)


def _csv(path: Path, days: int, *, bad_at: int | None = None, encoding: str = "utf-8") -> Path:
    head = "date_day,platform,account_id,campaign_id,campaign_name,spend,impressions,clicks,currency\n"
    lines = []
    for i in range(days):
        day = "2026-13-40" if i == bad_at else f"2026-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}"
        lines.append(f"{day},google_ads,acct-{i // 336},cmp-{i % 50},Café {i % 50},{i % 97}.5,{1000 + i},{i % 13},USD\n")
    path.write_bytes((head + "".join(lines)).encode(encoding))
    return path


def test_memory_holds_one_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = _csv(tmp_path / "big.csv", 200_000)
    seen: list[int] = []
    write = ingest._insert

    def spy(ws: Workspace, table: pa.Table) -> object:
        seen.append(pa.total_allocated_bytes() - base)  # what this ingest holds, not earlier tests
        return write(ws, table)

    monkeypatch.setattr(ingest, "_insert", spy)
    for name, kwargs in (("whole", {}), ("streamed", {"stream_over": 0, "chunk_rows": 8_000})):
        ws_path = make_workspace(tmp_path / name)
        seen.clear()
        gc.collect()
        base = pa.total_allocated_bytes()
        with Workspace.open(ws_path) as ws:
            summary = ingest_paths(ws, [big], **kwargs)
        assert summary.rows_written == 200_000
        gc.collect()
        if name == "whole":
            whole_peak = max(seen)
        else:
            assert len(seen) == 25  # one write per chunk
            # Arrow memory while writing: one chunk's rows and the reader's buffers, not the file's
            # rows, and no more for the twenty-fifth chunk than for the fifth.
            assert max(seen) < whole_peak / 2
            assert max(seen[20:]) < 1.2 * max(seen[:5])


def test_an_error_in_a_late_chunk_rolls_back_everything(tmp_path: Path) -> None:
    good = _csv(tmp_path / "good.csv", 300)
    bad = _csv(tmp_path / "bad.csv", 5_000, bad_at=4_321)
    ws_path = make_workspace(tmp_path / "ws")
    before = snapshot(ws_path)
    with Workspace.open(ws_path) as ws, pytest.raises(MilleError) as caught:
        ingest_paths(ws, [good, bad], stream_over=0, chunk_rows=1_000)
    assert caught.value.row == 4_321 + 2  # header on line 1, rows from line 2
    assert "bad.csv" in str(caught.value.file)
    assert snapshot(ws_path) == before


def test_a_body_that_is_not_utf8_after_the_head_is_read_as_cp1252(tmp_path: Path) -> None:
    # The head (256 KB) is plain ASCII; `Café` in cp1252 appears only further down.
    path = tmp_path / "late.csv"
    head = "date_day,platform,account_id,campaign_id,campaign_name,spend,impressions,clicks,currency\n"
    ascii_rows = "".join(f"2026-01-{1 + i % 28:02d},google_ads,a{i},c{i % 9},Plain,1.5,10,1,USD\n" for i in range(8_000))
    late = "2026-02-01,google_ads,a,c1,Café,2.5,20,2,USD\n"
    path.write_bytes((head + ascii_rows + late).encode("cp1252"))
    assert len(head + ascii_rows) > 256 * 1024
    for name, kwargs in (("whole", {}), ("streamed", {"stream_over": 0, "chunk_rows": 1_000})):
        with Workspace.open(make_workspace(tmp_path / name)) as ws:
            ingest_paths(ws, [path], **kwargs)
            names = ws.engine.to_arrow(ws.engine.table("ad_performance").campaign_name.name("n").as_table().distinct())
            assert set(names.column("n").to_pylist()) == {"Plain", "Café"}


def test_utf16_and_quoted_line_breaks_stream(tmp_path: Path) -> None:
    head = "date_day\tplatform\taccount_id\tcampaign_id\tcampaign_name\tspend\timpressions\tclicks\tcurrency\n"
    rows = "".join(f'2026-03-{1 + i % 28:02d}\tfacebook_ads\ta{i}\tc{i % 5}\t"line one\nline {i % 5}"\t1.25\t10\t1\tEUR\n'
                   for i in range(500))
    path = tmp_path / "utf16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + (head + rows).encode("utf-16-le"))
    outcomes = []
    for name, kwargs in (("whole", {}), ("streamed", {"stream_over": 0, "chunk_rows": 64})):
        ws_path = make_workspace(tmp_path / name, fixed={"EUR": 1.1})
        with Workspace.open(ws_path) as ws:
            outcomes.append(ingest_paths(ws, [path], **kwargs).rows_written)
    assert outcomes == [500, 500]
    _same(_rows(tmp_path / "whole")["ad_performance"], _rows(tmp_path / "streamed")["ad_performance"])


def test_parquet_streams_in_row_batches(tmp_path: Path) -> None:
    csv = _csv(tmp_path / "src.csv", 2_000)
    import pyarrow.csv as pcsv

    table = pcsv.read_csv(csv, convert_options=pcsv.ConvertOptions(column_types={"date_day": pa.string()}))
    pq.write_table(table, tmp_path / "data.parquet", row_group_size=300)
    for name, kwargs in (("whole", {}), ("streamed", {"stream_over": 0, "chunk_rows": 250})):
        with Workspace.open(make_workspace(tmp_path / name)) as ws:
            assert ingest_paths(ws, [tmp_path / "data.parquet"], **kwargs).rows_written == 2_000
    _same(_rows(tmp_path / "whole"), _rows(tmp_path / "streamed"))


def test_a_truncated_row_in_a_streamed_file_names_its_line(tmp_path: Path) -> None:
    path = _csv(tmp_path / "cut.csv", 3_000)
    path.write_bytes(path.read_bytes() + b"2026-05-01,google_ads,acct-9,cmp-1")
    with Workspace.open(make_workspace(tmp_path / "ws")) as ws, pytest.raises(InputError) as caught:
        ingest_paths(ws, [path], stream_over=0, chunk_rows=500)
    assert "wrong number of cells" in str(caught.value)


def test_many_files_adding_up_to_the_limit_are_all_read_when_written(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # Twelve small monthly files in one call: none is large, but together they are, so each is
    # read chunk by chunk as it is written instead of all twelve being held before the first write.
    from mille.sources import stream

    files = [_csv(tmp_path / f"m{i:02d}.csv", 200 + i) for i in range(12)]  # twelve different files
    total = sum(f.stat().st_size for f in files)
    opened: list[Path] = []
    real = stream.text_chunks

    def spy(path: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(stream, "text_chunks", spy)
    with Workspace.open(make_workspace(tmp_path / "small")) as ws:
        ingest_paths(ws, files[:1], stream_over=total // 2)
    assert opened == []  # one small file: read whole
    with Workspace.open(make_workspace(tmp_path / "many")) as ws:
        summary = ingest_paths(ws, files, stream_over=total // 2)
    assert sorted(opened) == files and summary.rows_written == sum(200 + i for i in range(12))
