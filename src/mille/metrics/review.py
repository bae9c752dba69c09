"""Reviewing a definitions file: what ``mille metrics validate`` reports.

Every problem in the file at once (not just the first), each with file, line, key and a hint;
warnings for definitions that compute but probably not what was meant (a percentage without
``multiplier: 100``, a review that is overdue); and what the file changes in the catalogue,
with the version of every metric it defines or changes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from mille.errors import MetricError
from mille.metrics.catalogue import WORKSPACE_FILE, check_document
from mille.metrics.files import read_file
from mille.results import Result


class ProblemItem(Result):
    severity: str
    message: str
    file: str | None
    line: int | None
    key: str | None
    entry: str | None
    hint: str | None


class ValidationReport(Result):
    file: str | None
    exists: bool
    ok: bool
    errors: int
    warnings: int
    problems: list[ProblemItem]
    measures: list[str]
    metrics: list[str]
    replaced: list[str]
    overridden: list[str]
    catalogue_size: int
    versions: dict[str, str]

    def rows(self) -> list[dict[str, Any]]:
        return [p.to_dict() for p in self.problems]


def validate_file(path: Path | None, *, today: date | None = None) -> ValidationReport:
    """Check a definitions file on top of the built-ins; ``None`` checks the built-ins alone."""
    today = today or date.today()
    if path is None or not path.exists():
        from mille.metrics.catalogue import builtin_path

        if path is not None and path.name != WORKSPACE_FILE:
            raise MetricError("no such file", file=path, hint="give the path of a metrics YAML file")
        doc = read_file(builtin_path())
        cat, chk, _ = check_document(doc, "built-in", base=_empty(), today=today)
        return _report(None if path is None else str(path), False, cat, chk, {}, names=[])
    try:
        doc = read_file(path)
    except MetricError as exc:  # unreadable, too large, duplicated keys: one problem, still a report
        from mille.metrics.validation import Checker

        chk = Checker(None, str(path))
        chk.problems.append(_as_problem(exc))
        return _report(str(path), True, None, chk, {}, names=[])
    cat, chk, summary = check_document(doc, str(path), today=today)
    names = sorted(set(summary["metrics"]) | set(summary["overridden"]))
    return _report(str(path), True, cat, chk, summary, names=names)


def _empty() -> Any:
    from mille.metrics.catalogue import Catalogue

    return Catalogue()


def _as_problem(exc: MetricError) -> Any:
    from mille.metrics.validation import Problem

    return Problem("error", exc.message, exc.file, exc.line, exc.key, None, exc.hint)


def _report(file: str | None, exists: bool, cat: Any, chk: Any, summary: dict[str, list[str]],
            names: list[str]) -> ValidationReport:
    errors = [p for p in chk.problems if p.severity == "error"]
    versions: dict[str, str] = {}
    if cat is not None and not errors:
        versions = {n: cat.version(n) for n in names}
    return ValidationReport(
        file=file,
        exists=exists,
        ok=not errors,
        errors=len(errors),
        warnings=len(chk.problems) - len(errors),
        problems=[ProblemItem(severity=p.severity, message=p.message, file=p.file, line=p.line,
                              key=p.key, entry=p.entry, hint=p.hint)
                  for p in sorted(chk.problems, key=lambda p: (p.line is None, p.line or 0))],
        measures=summary.get("measures", []),
        metrics=summary.get("metrics", []),
        replaced=summary.get("replaced", []),
        overridden=summary.get("overridden", []),
        catalogue_size=len(cat.metrics) if cat is not None else 0,
        versions=versions,
    )
