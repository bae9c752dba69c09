"""From bytes on disk to text mille can read: container, encoding and delimiter, never the name.

Platforms save what their users' spreadsheets like: Google Ads' "Excel .csv" and LinkedIn's
exports are UTF-16LE with a BOM and TAB-separated under a ``.csv`` name; Meta writes UTF-8 with a
BOM; re-saves from European Excel use ``;``. So the container is sniffed from magic bytes, the
encoding from the BOM (UTF-8 without one, cp1252 as the last resort), and the delimiter from the
header row found later (see :mod:`mille.sources.layout`).
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from mille.errors import InputError

XLSX_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE: legacy .xls or an encrypted .xlsx
PARQUET_MAGIC = b"PAR1"
HEAD_BYTES = 256 * 1024
_BLANK = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"


@dataclass
class Payload:
    """One file's bytes and what they are."""

    path: Path
    data: bytes
    file_hash: str
    container: str  # text, xlsx, parquet
    encoding: str = "utf-8"  # for text: utf-8, utf-8-sig, utf-16-le, utf-16-be, cp1252
    bom: int = 0
    streamed: bool = False  # too large to hold: ``data`` is only the head (see mille.sources.stream)

    @property
    def name(self) -> str:
        return self.path.name


def load(path: Path, *, stream_over: int | None = None) -> Payload:
    """The file's bytes and what they are. A text or Parquet file larger than ``stream_over``
    bytes is not held: only its head is read, and its hash computed in one pass."""
    try:
        size = path.stat().st_size
        if stream_over is not None and size > stream_over:
            return _load_streamed(path)
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", file=path, hint="check the path or the glob") from None
    except IsADirectoryError:
        raise InputError("this is a folder, not a file", file=path) from None
    except PermissionError:
        raise InputError("cannot read the file (permission denied)", file=path) from None
    digest = hashlib.sha256(data).hexdigest()
    _check_not_empty(data, path)
    if data.startswith(CFB_MAGIC):
        raise InputError(
            "this is a password-protected workbook or a legacy .xls file, which mille cannot open",
            file=path,
            hint="open it in Excel, remove the password, and save it as .xlsx or .csv",
        )
    if data.startswith(XLSX_MAGIC):
        return Payload(path, data, digest, "xlsx")
    if data.startswith(PARQUET_MAGIC) and data.endswith(PARQUET_MAGIC):
        return Payload(path, data, digest, "parquet")
    encoding, bom = sniff_encoding(data, path)
    return Payload(path, data, digest, "text", encoding, bom)


def _check_not_empty(data: bytes, path: Path) -> None:
    if not data[:4096].strip(_BLANK) and not data.strip(_BLANK):
        raise InputError(
            "the file is empty", file=path, hint="download the export again; it has no header and no rows"
        )


def _load_streamed(path: Path) -> Payload:
    from mille.sources import stream

    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
        f.seek(-min(len(PARQUET_MAGIC), len(head)), 2)
        last = f.read()
    if len(head) < HEAD_BYTES:  # the whole file is in the head
        _check_not_empty(head, path)
    if head.startswith(PARQUET_MAGIC) and last == PARQUET_MAGIC:
        digest, _ = stream.scan(path, "binary", 0)
        return Payload(path, b"", digest, "parquet", streamed=True)
    if head.startswith((XLSX_MAGIC, CFB_MAGIC)):
        return load(path)  # workbooks are read whole
    encoding, bom = sniff_encoding(head, path)
    digest, encoding = stream.scan(path, encoding, bom)
    return Payload(path, head, digest, "text", encoding, bom, streamed=True)


def sniff_encoding(data: bytes, path: Path | None = None) -> tuple[str, int]:
    """The encoding and BOM length: from the BOM, else UTF-8 if the head decodes, else cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        _check_bom(data, 3, "UTF-8", path)
        return "utf-8", 3
    if data.startswith(codecs.BOM_UTF16_LE):
        _check_bom(data, 2, "UTF-16LE", path)
        return "utf-16-le", 2
    if data.startswith(codecs.BOM_UTF16_BE):
        _check_bom(data, 2, "UTF-16BE", path)
        return "utf-16-be", 2
    head = data[:HEAD_BYTES]
    # UTF-16 without a BOM: every other byte of ASCII text is NUL.
    if len(head) >= 4 and head[1:40:2].count(0) >= 15 and head[0:40:2].count(0) == 0:
        return "utf-16-le", 0
    if b"\x00" in head:
        raise InputError(
            "the file is binary, not text, CSV or XLSX",
            file=path,
            hint="give mille the CSV, TSV or XLSX file the platform exported",
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut by the head's end
            return "cp1252", 0
    return "utf-8", 0


def _check_bom(data: bytes, bom: int, says: str, path: Path | None) -> None:
    """Refuse a byte-order mark that contradicts the bytes after it: read as the BOM says, such a
    file is gibberish, and "unknown columns" would hide why."""
    sample = data[bom : bom + 4096]
    if len(sample) < 8:
        return
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if says == "UTF-8":
        actual = "UTF-16LE" if odd > half * 0.3 else "UTF-16BE" if even > half * 0.3 else None
    elif says == "UTF-16LE":
        actual = "UTF-16BE" if even > half * 0.3 and odd < even / 4 else ("UTF-8" if _plain_text(sample) else None)
    else:
        actual = "UTF-16LE" if odd > half * 0.3 and even < odd / 4 else ("UTF-8" if _plain_text(sample) else None)
    if actual is not None:
        raise InputError(
            f"the file's byte-order mark says {says} but the text after it is {actual}: its encoding "
            "is mislabelled, so its columns cannot be read",
            file=path,
            expected=f"a {actual} file with a {actual} byte-order mark (or none)",
            hint="open the file in a text editor or spreadsheet and save it again as UTF-8 CSV, or "
            "download the export again",
        )


def _plain_text(sample: bytes) -> bool:
    """Bytes that are 8-bit text, not UTF-16: no NUL, valid UTF-8, nearly all printable ASCII
    (UTF-16 text in any script has NULs or invalid UTF-8 sequences)."""
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:
            return False
    printable = sum(1 for b in sample if 32 <= b < 127 or b in (9, 10, 13))
    return printable >= 0.9 * len(sample)


def decode_head(payload: Payload, limit: int = HEAD_BYTES) -> str:
    """The first ``limit`` bytes as text (the header and preamble are always in there)."""
    chunk = payload.data[payload.bom : payload.bom + limit]
    if payload.encoding.startswith("utf-16") and len(chunk) % 2:
        chunk = chunk[:-1]
    # Only for finding the header: damage further down is reported when the body is decoded.
    return chunk.decode(payload.encoding, errors="ignore")


def to_utf8(payload: Payload) -> tuple[bytes, int]:
    """The text as UTF-8 bytes (what the CSV reader takes) and where it starts (after a BOM)."""
    if payload.encoding == "utf-8":
        return payload.data, payload.bom  # no copy of a large file
    body = payload.data[payload.bom :]
    try:
        return body.decode(payload.encoding).encode("utf-8"), 0
    except UnicodeDecodeError as exc:
        line = body[: exc.start].decode(payload.encoding, errors="ignore").count("\n") + 1
        raise InputError(
            f"the text cannot be decoded as {payload.encoding} (byte {exc.start + payload.bom})",
            file=payload.path,
            line=line,
            hint="the file is damaged or truncated; download it again",
        ) from None


def check_utf8(payload: Payload, data: bytes) -> bytes:
    """Fall back to cp1252 when a BOM-less file turns out not to be UTF-8 after its head."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if payload.bom:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(
                "the file says it is UTF-8 (BOM) but has bytes that are not",
                file=payload.path,
                line=line,
                hint="the file is damaged; download it again",
            ) from None
        payload.encoding = "cp1252"
        return data.decode("cp1252", errors="replace").encode("utf-8")
    return data


_LINE = re.compile(rb"\r\n|\n|\r")


def line_offsets(data: bytes, count: int, start: int = 0) -> list[int]:
    """Byte offsets of the starts of the first ``count`` lines from ``start``."""
    offsets = [start]
    for m in _LINE.finditer(data, start):
        if len(offsets) >= count:
            break
        offsets.append(m.end())
    return offsets
