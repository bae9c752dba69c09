"""Results as Markdown: a glossary page ready for a docs site or a wiki.

``render_markdown(result)`` uses the renderer a result type registers with
:func:`renders_markdown`; anything else becomes a Markdown table of its ``rows()``.
Text from definitions is escaped so a caveat containing ``|`` or ``*`` cannot break the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mille.analysis.glossary import GlossaryPage, MetricList
from mille.metrics.display import NO_VALUE, format_number
from mille.platforms import label as platform_label
from mille.results import Result

MarkdownRenderer = Callable[[Any], str]
_MARKDOWN: dict[type, MarkdownRenderer] = {}
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")


def renders_markdown(result_type: type) -> Callable[[MarkdownRenderer], MarkdownRenderer]:
    def register(fn: MarkdownRenderer) -> MarkdownRenderer:
        _MARKDOWN[result_type] = fn
        return fn

    return register


def render_markdown(result: Result) -> str:
    for cls in type(result).__mro__:
        fn = _MARKDOWN.get(cls)
        if fn is not None:
            return fn(result)
    return table(result.rows())


def esc(text: object) -> str:
    """Plain text safe inside Markdown (and inside a table cell)."""
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{text.replace(chr(10), ' ')}{fence}".replace("|", "\\|")


def table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    if not rows:
        return "_(no rows)_\n"
    cols = columns or list(dict.fromkeys(k for r in rows for k in r))
    out = ["| " + " | ".join(esc(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        out.append("| " + " | ".join(NO_VALUE if r.get(c) is None else esc(r.get(c)) for c in cols) + " |")
    return "\n".join(out) + "\n"


@renders_markdown(MetricList)
def list_markdown(result: MetricList) -> str:
    lines = ["# Metrics", "", "| metric | label | formula | owner | version |", "|---|---|---|---|---|"]
    for m in result.metrics:
        lines.append(f"| [{esc(m.name)}](#{m.name}) | {esc(m.label)} | "
                     f"{esc(m.formula)} | {esc(m.owner)} | {code(m.version)} |")
    return "\n".join(lines) + "\n"


@renders_markdown(GlossaryPage)
def page_markdown(page: GlossaryPage) -> str:
    d = page.definition
    out = [f'<a id="{page.name}"></a>', "", f"## {esc(page.label)}", "", f"{code(page.name)} · version {code(page.version)} · {esc(page.origin)}"
           + (f" ({esc(page.change)} built-in)" if page.change else ""), "", esc(d["description"]), ""]
    facts = [("Formula", f"{esc(page.formula)} ({esc(page.formula_note)})"),
             ("Unit", f"{esc(d['unit'])}, {esc(d['direction'].replace('_', ' '))}"),
             ("Filters", " AND ".join(code(f) for f in page.effective_filters) or "none")]
    if d["type"] == "ratio" and d["min_base"]:
        facts.append(("Minimum base", f"{d['min_base']:,} {esc(d['denominator'])}"))
    if d.get("attribution_window"):
        facts.append(("Attribution", f"{esc(d['attribution_model'])}, {esc(d['attribution_window'])} window"))
    facts.append(("Owner", esc(d["owner"])))
    facts.append(("Review", esc(d["review_cadence"]) + (f", last {d['last_reviewed']}" if d.get("last_reviewed") else "")))
    if d.get("aliases"):
        facts.append(("Also called", ", ".join(code(a) for a in d["aliases"])))
    out += [f"- **{k}**: {v}" for k, v in facts] + [""]
    if d.get("how_to_read"):
        out += ["### How to read it", "", esc(d["how_to_read"]), ""]
    if d.get("what_moves_it"):
        out += ["### What moves it", "", *(f"- {esc(x)}" for x in d["what_moves_it"]), ""]
    if page.related:
        out += ["### Read it beside", "",
                *(f"- [{esc(r.label)}](#{r.name}) ({code(r.name)}): {esc(r.formula)}"
                  for r in page.related), ""]
    if d.get("caveats"):
        out += ["### Caveats", "", *(f"- {esc(x)}" for x in d["caveats"]), ""]
    if page.source_fields:
        names = list(page.source_fields)
        platforms = sorted({p for f in page.source_fields.values() for p in f})
        out += ["### Where the numbers come from", "",
                "| platform | " + " | ".join(esc(page.measures.get(n, {}).get("label", n)) for n in names) + " |",
                "|---|" + "---|" * len(names)]
        for p in platforms:
            cells = [code(page.source_fields[n][p]) if p in page.source_fields[n] else NO_VALUE for n in names]
            out.append(f"| {esc(platform_label(p, p))} | " + " | ".join(cells) + " |")
        out.append("")
    if page.live is not None:
        out += _live(page)
    elif page.live_note:
        out += [f"_Live figures: {esc(page.live_note)}._", ""]
    return "\n".join(out)


def _live(page: GlossaryPage) -> list[str]:
    live = page.live
    assert live is not None
    d = page.definition

    def value(v: float | None) -> str:
        return esc(format_number(v, d["unit"], d["display"]["decimals"], prefix=d["display"]["prefix"],
                                 suffix=d["display"]["suffix"], currency=live.currency))

    prev = live.previous_period
    head = ["scope", page.label] + ([f"{page.label} ({prev['label']})", "change"] if prev else [])
    head += [page.measures[n]["label"] for n in page.measures]
    out = [f"### Live figures, {esc(live.period['label'])}"
           + (f" against {esc(prev['label'])}" if prev else ""), "",
           "| " + " | ".join(esc(h) for h in head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for cell in [live.total, *live.platforms]:
        scope = "**all platforms**" if cell.platform is None else esc(platform_label(cell.platform, cell.platform))
        row = [scope, value(cell.value) + (" (thin)" if cell.thin else "")]
        if prev:
            pct = NO_VALUE if cell.change_pct is None else f"{cell.change_pct * 100:+.1f} %"
            row += [value(cell.previous_value), pct]
        row += [esc(format_number(cell.measures.get(n), page.measures[n]["unit"], page.measures[n]["decimals"],
                                  currency=live.currency)) for n in page.measures]
        out.append("| " + " | ".join(row) + " |")
    return [*out, "", "Every ratio is the ratio of the summed columns beside it.", ""]
