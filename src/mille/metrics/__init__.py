"""Metric definitions in plain language: the model, the catalogue, safe filters, compilation.

    from mille.metrics import load_catalogue, MetricQuery
    cat = load_catalogue(workspace_path)          # built-ins + the workspace's metrics.yaml
    q = MetricQuery(cat, cat.resolve("cpm,ctr"), by=["platform"], period=period, grain="month")
    sums = ws.engine.to_arrow(q.to_ibis(ws.ad_performance()))   # one grouped query
    values = q.evaluate(sums)                     # {"cpm": ndarray, "ctr": ndarray}
    cat.version("cpm")                            # hash of the normalised definition
"""

from mille.metrics.catalogue import Catalogue, check_document, load_catalogue, load_text
from mille.metrics.filters import compile_filter, parse_filter
from mille.metrics.model import DefinitionFile, Measure, Metric, MetricOverride
from mille.metrics.query import MetricQuery, ratio, value_of

__all__ = [
    "Catalogue",
    "DefinitionFile",
    "Measure",
    "Metric",
    "MetricOverride",
    "MetricQuery",
    "check_document",
    "compile_filter",
    "load_catalogue",
    "load_text",
    "parse_filter",
    "ratio",
    "value_of",
]
