"""Renderers: results → terminal tables, JSON, CSV, HTML. No computation happens here."""
