"""The bundled chart libraries: the files are the ones recorded (versions, hashes, licences),
and nothing the dashboard or the report ships points at a CDN."""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from pathlib import Path

STATIC = Path(str(resources.files("mille.report") / "static"))
SHIPPED = [STATIC, Path(str(resources.files("mille.web")))]


def test_vendored_files_match_their_record() -> None:
    record = json.loads((STATIC / "vendor" / "vendor.json").read_text(encoding="utf-8"))
    names = {p["name"]: p for p in record["packages"]}
    assert set(names) == {"vega", "vega-lite", "vega-embed"}
    for p in record["packages"]:
        data = (STATIC / "vendor" / p["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == p["sha256"], p["file"]
        assert p["license"] == "BSD-3-Clause" and "Redistribution and use" in p["license_text"]
        assert p["npm_tarball_integrity"].startswith("sha512-")
        # The build names its own version (vega-embed and vega-lite print it; vega in its banner).
        assert p["version"].encode() in data
    notice = (STATIC / "vendor" / "NOTICE.md").read_text(encoding="utf-8")
    for p in record["packages"]:
        assert f"| {p['version']} |" in notice


def test_no_cdn_anywhere() -> None:
    """Templates, styles and our scripts never load anything from another host."""
    pattern = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?(https?:)?//|cdn\.|unpkg|jsdelivr""",
                         re.I)
    for root in SHIPPED:
        for path in root.rglob("*"):
            if path.suffix in (".j2", ".html", ".css") or (path.suffix == ".js" and "vendor" not in path.parts):
                assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_scripts_can_be_inlined() -> None:
    from mille.report.html import CHART_SCRIPT, VENDOR_SCRIPTS, asset_text, inline_script

    for name in (*VENDOR_SCRIPTS, CHART_SCRIPT):
        inline_script(asset_text(name))  # raises when a file holds <!-- or <script
