"""Large exports read in chunks: a bounded slice of rows in memory, whatever the file's size.

A 10M-row connector dump is 1.3 GB of text; read whole, its bytes, its cells and its unified
columns would all be held at once (about 0.6 GB per million rows). Files above
:data:`STREAM_BYTES` are therefore hashed and checked in one pass over their bytes (nothing kept),
then read :data:`CHUNK_ROWS` rows at a time by pyarrow's streaming CSV reader (or Parquet row
batches), each chunk unified and written before the next is read. The transaction of the ingest
keeps the guarantee of the whole-file path: a bad row in the last chunk rolls back the first.

Only the bytes between the header and the footer reach the CSV reader; UTF-16 and cp1252 files
are transcoded to UTF-8 on the way, block by block.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from mille.errors import InputError
from mille.sources.layout import Layout
from mille.sources.progress import Position

STREAM_BYTES = 64 << 20  # files larger than this are read in chunks
CHUNK_ROWS = 1_000_000
_READ_BLOCK = 16 << 20
_TAIL_BYTES = 1 << 20
_LINE = re.compile(r"\r\n|\n|\r")


def scan(path: Path, encoding: str, bom: int) -> tuple[str, str]:
    """One pass over the file's bytes: its SHA-256, and its encoding confirmed (a BOM-less file
    whose head was UTF-8 but whose body is not is cp1252, as on the whole-file path)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")() if encoding == "utf-8" else None
    offset = 0
    with path.open("rb") as f:
        while block := f.read(_READ_BLOCK):
            digest.update(block)
            if decoder is not None:
                try:
                    decoder.decode(block[bom:] if offset == 0 else block)
                except UnicodeDecodeError:
                    if bom:
                        raise InputError("the file says it is UTF-8 (BOM) but has bytes that are not", file=path,
                                         hint="the file is damaged; download it again") from None
                    encoding, decoder = "cp1252", None
            offset += len(block)
    return digest.hexdigest(), encoding


def body_bounds(path: Path, head: str, layout: Layout, encoding: str, bom: int, footer: str | None) -> tuple[int, int]:
    """Byte offsets of the first data row and of the end of the last one (footer notes and
    trailing blank lines cut, as :func:`mille.sources.delimited._trim_tail` does)."""
    from mille.sources.delimited import _trim_tail

    ends = [m.end() for m in _LINE.finditer(head)]
    index = layout.header_index
    text_start = ends[index] if index < len(ends) else len(head)
    start = bom + len(head[:text_start].encode(encoding))
    size = path.stat().st_size
    tail_from = max(start, size - _TAIL_BYTES)
    if encoding.startswith("utf-16") and (tail_from - bom) % 2:
        tail_from += 1
    with path.open("rb") as f:
        f.seek(tail_from)
        tail = f.read().decode(encoding, errors="ignore").encode("utf-8")
    end, _ = _trim_tail(tail, 0, footer)
    dropped = tail[end:].decode("utf-8", errors="ignore")
    return start, max(start, size - len(dropped.encode(encoding)))


class _Body:
    """The file's bytes from ``start`` to ``end``, as UTF-8, for pyarrow's reader."""

    def __init__(self, path: Path, start: int, end: int, encoding: str) -> None:
        self._file: BinaryIO = path.open("rb")
        self._file.seek(start)
        self._start, self._left = start, end - start
        utf8 = encoding == "utf-8"
        # cp1252 is the last resort for text that is not UTF-8: its five unassigned bytes are
        # replaced, as on the whole-file path; UTF-16 must decode.
        errors = "replace" if encoding == "cp1252" else "strict"
        self._decoder = None if utf8 else codecs.getincrementaldecoder(encoding)(errors=errors)
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        want = self._left if size is None or size < 0 else min(size, self._left)
        if want <= 0:
            return b"" if self._decoder is None else self._decoder.decode(b"", final=True).encode("utf-8")
        block = self._file.read(want)
        self._left -= len(block)
        if self._decoder is None:
            return block
        return self._decoder.decode(block, final=self._left <= 0).encode("utf-8")

    @property
    def consumed(self) -> int:
        """The file offset reached (the reader reads ahead of the rows it has handed out)."""
        return self._file.tell()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self._file.close()
        self.closed = True


def text_chunks(path: Path, layout: Layout, encoding: str, bounds: tuple[int, int], *,
                chunk_rows: int = CHUNK_ROWS, position: Position | None = None
                ) -> Iterator[tuple[pa.Table, np.ndarray]]:
    """The rows between ``bounds`` as all-string tables of ``chunk_rows`` rows, with their lines;
    ``position`` follows the byte the reader has reached (for progress)."""
    position = position if position is not None else Position()
    names = layout.header
    first_line = layout.header_index + 2
    bad: list[Any] = []
    # One parsing thread: with more, the reader reads blocks ahead of the chunk being written, and
    # parsing is a small part of an ingest's time.
    # Blocks of about a chunk's bytes, so that a smaller chunk means less memory.
    block = min(_READ_BLOCK, max(1 << 20, chunk_rows * 256))
    read_options = pacsv.ReadOptions(column_names=names, block_size=block, use_threads=False)
    # Quoted values may span lines; the streaming reader finds row ends by parsing quotes.
    parse_options = pacsv.ParseOptions(delimiter=layout.delimiter, quote_char='"', double_quote=True,
                                       newlines_in_values=True, invalid_row_handler=lambda row: bad.append(row) or "skip")
    convert_options = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                           quoted_strings_can_be_null=False, null_values=[], check_utf8=True)
    body = _Body(path, bounds[0], bounds[1], encoding)
    emitted = 0
    try:
        if bounds[1] <= bounds[0]:
            return
        try:
            reader = pacsv.open_csv(pa.PythonFile(body, mode="r"), read_options=read_options,
                                    parse_options=parse_options, convert_options=convert_options)
            pending: list[pa.RecordBatch] = []
            held = 0
            for batch in reader:
                if bad:
                    raise _bad_row(bad, len(names), path, first_line)
                pending.append(batch)
                held += batch.num_rows
                while held >= chunk_rows:
                    table = pa.Table.from_batches(pending, schema=reader.schema)
                    position.bytes = body.consumed
                    yield _numbered(table.slice(0, chunk_rows), first_line + emitted)
                    emitted += chunk_rows
                    rest = table.slice(chunk_rows)
                    pending, held = rest.to_batches(), rest.num_rows
        except pa.ArrowInvalid as exc:
            raise InputError(f"the rows cannot be read: {str(exc).splitlines()[0]}", file=path,
                             hint="the file is damaged or truncated (an unclosed quote?); download it again") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"the text cannot be decoded as {encoding}", file=path,
                             hint="the file is damaged or truncated; download it again") from exc
        if bad:
            raise _bad_row(bad, len(names), path, first_line)
        position.bytes = bounds[1]
        if held:
            yield _numbered(pa.Table.from_batches(pending, schema=reader.schema), first_line + emitted)
    finally:
        body.close()


def _numbered(table: pa.Table, first: int) -> tuple[pa.Table, np.ndarray]:
    return table, np.arange(first, first + table.num_rows, dtype=np.int64)


def _bad_row(bad: list[Any], width: int, path: Path, first_line: int) -> InputError:
    row = bad[0]
    number = getattr(row, "number", None)  # the row's line in the body; -1 when pyarrow cannot tell
    line = first_line + number - 1 if number is not None and number > 0 else None
    return InputError(
        f"a row has the wrong number of cells: {row.actual_columns} cells where the header has {width}",
        file=path, line=line, value=(row.text or "")[:80], expected=f"{width} cells per row, like the header",
        hint="the file looks truncated or edited by hand; download the export again",
    )


def parquet_chunks(path: Path, layout: Layout, *, chunk_rows: int = CHUNK_ROWS,
                   position: Position | None = None) -> Iterator[tuple[pa.Table, np.ndarray]]:
    """A Parquet file's row batches, renamed to the detected header; rows count from 2 (line 1
    would be the header of the same table saved as CSV)."""
    position = position if position is not None else Position()
    try:
        reader = pq.ParquetFile(path)
        total, size = max(reader.metadata.num_rows, 1), path.stat().st_size
        done = 0
        for batch in reader.iter_batches(batch_size=chunk_rows):
            table = pa.Table.from_batches([batch]).rename_columns(layout.header)
            position.bytes = int(size * min(1.0, (done + table.num_rows) / total))
            yield _numbered(table, 2 + done)
            done += table.num_rows
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"the Parquet file cannot be read: {str(exc).splitlines()[0]}", file=path) from None


def parquet_schema(path: Path) -> pa.Schema:
    try:
        return pq.ParquetFile(path).schema_arrow
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"the Parquet file cannot be read: {str(exc).splitlines()[0]}", file=path) from None
