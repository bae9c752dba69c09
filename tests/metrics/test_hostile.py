"""Hostile definitions: every one is refused with a clear MetricError, never run, never crashes.

Three layers are attacked: filters (SQL text), derived expressions (arithmetic text) and the
YAML file itself. Each case names what the message must say; file-level cases also check that
the error points at the right line and key.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import pytest

from mille.errors import MetricError
from mille.metrics import MetricQuery, load_catalogue, load_text
from mille.metrics.arithmetic import parse_expression
from mille.metrics.filters import compile_filter, parse_filter
from mille.schema import AD_PERFORMANCE, CRM_OPPORTUNITIES

T = ibis.table(AD_PERFORMANCE.ibis_schema(), name="ad_performance")

HOSTILE_FILTERS: list[tuple[str, str]] = [
    # SQL injection through the filter text
    ("platform = 'x'; DROP TABLE ad_performance", "not several statements"),
    ("platform = 'x'; SELECT * FROM ingests", "not several statements"),
    ("platform = 'x' OR 1=1", "left side of a condition must be a column"),
    ("platform = '' OR '1'='1'", "left side of a condition must be a column"),
    ("platform = 'x' -- AND spend > 0", "comments are not allowed"),
    ("platform = 'x' /* hidden */ OR TRUE", "comments are not allowed"),
    ("platform = 'x' UNION SELECT password FROM users", "subquery"),
    ("platform IN (SELECT platform FROM ad_performance)", "subqueries are not allowed"),
    ("EXISTS (SELECT 1 FROM ingests)", "subquery"),
    ("platform = (SELECT 'x')", "only literal values"),
    ("platform = $1", "parameters"),
    ("platform = ?", "parameters"),
    ("platform = 'a' || 'b'", "only literal values"),
    ('"ad_performance"."platform" = \'x\'', "must be a column name"),
    ("t0.spend > 0", "must be a column name"),
    # functions and expressions
    ("lower(platform) = 'x'", "function LOWER()"),
    ("platform = lower('X')", "only literal values"),
    ("read_csv('/etc/passwd') IS NULL", "function"),
    ("spend > 0 AND pg_sleep(10) IS NULL", "function"),
    ("platform::VARCHAR = 'x'", "function CAST()"),
    ("CAST(spend AS INT) > 1", "function CAST()"),
    ("spend + 1 > 2", "must be a column name"),
    ("spend > impressions", "only literal values"),
    ("platform GLOB 'a*'", "not allowed"),
    ("platform SIMILAR TO 'a'", "not allowed"),
    ("platform ~ 'a.*'", "not allowed"),
    ("platform = E'\\x41'", "only literal values"),
    ("spend", "alone is not a condition"),
    ("1", "not allowed"),
    # unknown columns and wrong types
    ("colour = 'red'", "unknown column `colour`"),
    ("platfrom = 'linkedin_ads'", "did you mean `platform`"),
    ("Platform = 'x'", "did you mean `platform`"),
    ("platform = 5", "quote the value"),
    ("spend > 'abc'", "is text but `spend` is a number"),
    ("impressions = TRUE", "TRUE/FALSE compare with true/false columns only"),
    ("date_day > 'yesterday'", "is not a date"),
    ("date_day > 20260901", "quote the value"),
    ("device LIKE 5", "quote the value"),
    ("spend LIKE '1%'", "LIKE applies to text columns"),
    ("platform BETWEEN 'a' AND 'z'", "BETWEEN applies to numbers and dates"),
    ("spend BETWEEN 10 AND 1", "is empty"),
    ("platform = NULL", "never true"),
    ("platform IN ('a', NULL)", "NULL inside IN"),
    ("spend > 1e999", "not a finite number"),
    ("platform IS 'x'", "only IS NULL"),
    # size and nesting
    ("(" * 41 + "spend > 1" + ")" * 41, "deeper than 40"),
    ("NOT " * 400 + "spend > 1", "nested"),
    (" OR ".join(["spend>1"] * 160), "more than 600 parts"),
    ("platform = '" + "x" * 2100 + "'", "longer than 2000"),
    ("platform IN (" + ", ".join(f"'{i}'" for i in range(1001)) + ")", "longer than 2000"),
    ("", "empty filter"),
    ("   ", "empty filter"),
    # unicode tricks
    ("plаtform = 'x'", "non-ASCII character 'а' (CYRILLIC SMALL LETTER A)"),
    ("ｐlatform = 'x'", "non-ASCII"),
    ("platform\u200b = 'x'", "ZERO WIDTH SPACE"),
    ("platform = 'x\u202e'", "RIGHT-TO-LEFT OVERRIDE"),
    ("platform\u00a0= 'x'", "NO-BREAK SPACE"),
    ("platform = 'x'\u0000", "U+0000"),
    ("platform = 'x'\u2028OR TRUE", "LINE SEPARATOR"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE_FILTERS, ids=[f"f{i}" for i in range(len(HOSTILE_FILTERS))])
def test_hostile_filters_are_refused(text: str, message: str) -> None:
    with pytest.raises(MetricError) as err:
        parse_filter(text, AD_PERFORMANCE)
    assert message in err.value.message + " " + (err.value.hint or "")
    # The same text can never reach a query either.
    with pytest.raises(MetricError):
        compile_filter(text, T, AD_PERFORMANCE)


def test_in_lists_are_capped_even_when_short_in_tokens() -> None:
    from mille.metrics import filters as f

    text = "spend IN (" + ", ".join(["1"] * (f.MAX_IN_VALUES + 1)) + ")"
    old = f.MAX_TOKENS, f.MAX_LENGTH
    f.MAX_TOKENS = f.MAX_LENGTH = 10**6  # isolate the IN cap from the length and token caps
    try:
        with pytest.raises(MetricError, match="limited to 1000 values"):
            parse_filter(text, AD_PERFORMANCE)
    finally:
        f.MAX_TOKENS, f.MAX_LENGTH = old


def test_crm_boolean_columns_take_true_false_only() -> None:
    assert parse_filter("is_won = TRUE AND amount > 0", CRM_OPPORTUNITIES)
    for text, message in (("is_won = 'yes'", "compare it with TRUE or FALSE"), ("is_won > TRUE", "= or !=")):
        with pytest.raises(MetricError, match=message):
            parse_filter(text, CRM_OPPORTUNITIES)


def test_accepted_filters_keep_working() -> None:
    for text in ("platform = 'linkedin_ads' AND device IN ('mobile', 'tablet')",
                 "NOT (country IS NULL) OR campaign_name ILIKE '%brand%'",
                 "date_day BETWEEN DATE '2026-09-01' AND '2026-09-30'",
                 "spend >= -0.5 AND impressions <> 0",
                 "campaign_name = 'Café ''Q3'' push'"):
        parse_filter(text, AD_PERFORMANCE)
        compile_filter(text, T, AD_PERFORMANCE)


def test_hostile_filter_in_a_query_is_refused_before_any_sql() -> None:
    cat = load_catalogue()
    with pytest.raises(MetricError, match="not several statements"):
        MetricQuery(cat, cat.resolve("cpm"), filter="1=1; DROP TABLE ad_performance").to_ibis(T)


HOSTILE_EXPRESSIONS: list[tuple[str, str]] = [
    ("__import__('os').system('rm -rf /')", "function call"),
    ("cpm.__class__", "attribute"),
    ("cpm ** 2", "operator `Pow`"),
    ("cpm // 2", "operator `FloorDiv`"),
    ("cpm % 2", "operator `Mod`"),
    ("cpm if cpc else ctr", "IfExp"),
    ("lambda: cpm", "Lambda"),
    ("[cpm, cpc]", "List"),
    ("cpm < cpc", "comparison"),
    ("cpm and cpc", "BoolOp"),
    ("'cpm'", "the value 'cpm'"),
    ("True + cpm", "the value True"),
    ("1j * cpm", "the value 1j"),
    ("1e999 * cpm", "number too large"),
    ("cpm # + cpc", "comments"),
    ("ｃｐｍ / cpc", "U+FF43"),
    ("cpm\u200b / cpc", "U+200B"),
    ("cpm; cpc", "cannot parse"),
    ("(" * 300 + "cpm" + ")" * 300, "longer than 500"),
    ("(" * 210 + "cpm" + ")" * 210, "cannot parse"),
    ("cpm+" * 110 + "cpm", "more than 200 parts"),
    ("-" * 400 + "cpm", "more than 200 parts"),
    ("", "empty expression"),
    ("not cpm", "only unary minus"),
    ("~cpm", "only unary minus"),
    ("(x := 1)", "NamedExpr"),
    ("f'{cpm}'", "JoinedStr"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE_EXPRESSIONS, ids=[f"e{i}" for i in range(len(HOSTILE_EXPRESSIONS))])
def test_hostile_expressions_are_refused(text: str, message: str) -> None:
    with pytest.raises(MetricError) as err:
        parse_expression(text)
    assert message in err.value.message + " " + (err.value.hint or "")


def _metric(**keys: str) -> str:
    base = {"name": "m1", "label": "M", "description": "d", "type": "ratio", "numerator": "spend",
            "denominator": "impressions"}
    base.update(keys)
    body = "".join(f"    {k}: {v}\n" for k, v in base.items())
    return "metrics:\n  - " + body[4:]


# (YAML text, message fragment, line, key)
HOSTILE_FILES: list[tuple[str, str, int | None, str | None]] = [
    (_metric(label="yes"), "`label` should be text, not the boolean true", 3, "metrics.label"),
    (_metric(owner="2024"), "should be text, not the number 2024", 8, "metrics.owner"),
    (_metric(multiplier='"1000"'), "should be a number, not the text '1000'", 8, "metrics.multiplier"),
    (_metric(multiplier=".inf"), "multiplier must be a finite number", 8, "metrics.multiplier"),
    (_metric(multiplier="0"), "multiplier must be a finite number other than 0", 8, "metrics.multiplier"),
    (_metric(filters="platform = 'x'"), "should be a list", 8, "metrics.filters"),
    (_metric(related="cpm"), "should be a list", 8, "metrics.related"),
    (_metric(filters='["platform = \'x\'; DROP TABLE t"]'), "not several statements", 8, "metrics.filters"),
    (_metric(filters='["lower(platform) = \'x\'"]'), "function LOWER()", 8, "metrics.filters"),
    (_metric(name='"CPM"'), "not a valid name", 2, "metrics.name"),
    (_metric(name='"cpm; drop"'), "not a valid name", 2, "metrics.name"),
    (_metric(description='""'), "at least 1 character", 4, "metrics.description"),
    (_metric(fomula="x"), "unknown key `fomula`", 8, "metrics.fomula"),
    (_metric(multipler="1000"), "did you mean `multiplier`", 8, "metrics.multipler"),
    (_metric(unit="percentage"), "did you mean `percent`", 8, "metrics.unit"),
    (_metric(expression="cpm / cpc"), "`expression` does not apply to a ratio metric", 2, "metrics"),
    (_metric(denominator="impresions"), "did you mean `impressions`", 7, "metrics.denominator"),
    (_metric(denominator="reach_max"), "unknown measure", 7, "metrics.denominator"),
    (_metric(attribution_window="forever", attribution_model="last_touch"), "not an attribution window", 8,
     "metrics.attribution_window"),
    (_metric(display="{decimals: 40}"), "less than or equal to 6", 8, "metrics.display.decimals"),
    (_metric(display="{decimal: 2}"), "did you mean `decimals`", 8, "metrics.display.decimal"),
    (_metric(last_reviewed='"last week"'), "should be a date", 8, "metrics.last_reviewed"),
    (_metric(aliases="[cpm]"), "already the name or an alias", 8, "metrics.aliases"),
    ("metrics:\n  - name: m1\n    label: A\n    label: B\n", "written twice", 4, "metrics.label"),
    ("metrics: !!python/object/apply:os.system ['echo pwned']\n", "not valid YAML", 1, None),
    ("metrics:\n  - name: m1\n    label: [unclosed\n", "not valid YAML", None, None),
    ("mesures: []\n", "did you mean `measures`", 1, "mesures"),
    ("- just\n- a list\n", "a metrics file is a mapping", None, None),
    ("metrics: {name: m1}\n", "must be a list", 1, "metrics"),
    ("metrics:\n  - just text\n", "must be a mapping", 2, "metrics"),
    ("measures:\n  - name: r\n    column: reach\n", "cannot be summed", 3, "measures.column"),
    ("measures:\n  - name: r\n    column: reach\n    agg: sum\n", "cannot be summed", 4, "measures.agg"),
    ("measures:\n  - name: r\n    column: platform\n", "only numbers can be summed", 3, "measures.column"),
    ("measures:\n  - name: r\n    column: spend\n    table: users\n", "unknown table", 4, "measures.table"),
    ("measures:\n  - name: r\n    agg: sum\n", "counts rows", 2, "measures.column"),
    ("measures:\n  - name: r\n    column: spend\n    filter: spend > (SELECT 1)\n", "only literal values", 4,
     "measures.filter"),
    ("measures:\n  - name: r\n    column: spend\n    time: platform\n", "not a date column", 4, "measures.time"),
    ("measures:\n  - name: r\n    column: spend\n    source_fields: {linkedin: Total Spent}\n",
     "did you mean `linkedin_ads`", 4, "measures.source_fields.linkedin"),
]


@pytest.mark.parametrize(("text", "message", "line", "key"), HOSTILE_FILES, ids=[f"y{i}" for i in range(len(HOSTILE_FILES))])
def test_hostile_files_are_refused_with_line_and_key(text: str, message: str, line: int | None, key: str | None) -> None:
    path = Path("metrics.yaml")
    with pytest.raises(MetricError) as err:
        load_text(text, path=path)
    e = err.value
    assert message in e.message + " " + (e.hint or ""), e.render()
    assert e.file == "metrics.yaml"
    if line is not None:
        assert e.line == line, e.render()
    if key is not None:
        assert e.key == key, e.render()


def test_alias_bombs_are_refused_without_expanding() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("metrics: *a8")
    with pytest.raises(MetricError, match="aliases expand to too many values"):
        load_text("\n".join(lines) + "\n")


def test_huge_and_binary_files_are_refused(tmp_path: Path) -> None:
    from mille.metrics.files import read_file

    big = tmp_path / "big.yaml"
    big.write_text("metrics: []\n# " + "x" * 1_100_000 + "\n", encoding="utf-8")
    with pytest.raises(MetricError, match="limited to 1,000,000"):
        read_file(big)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"metrics:\n  - name: \xff\xfe\n")
    with pytest.raises(MetricError, match="not UTF-8"):
        read_file(binary)


def test_several_problems_are_all_listed() -> None:
    from mille.metrics.review import validate_file

    text = _metric(denominator="impresions", unit="percentage", owner="5") + "mesures: []\n"
    path = Path(__file__).parent / "fixtures" / "_tmp_several.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        report = validate_file(path)
    finally:
        path.unlink()
    found = {(p.line, p.key) for p in report.problems}
    assert {(7, "metrics.denominator"), (8, "metrics.unit"), (9, "metrics.owner"), (10, "mesures")} <= found
    assert not report.ok and report.errors == len(report.problems)
