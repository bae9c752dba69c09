"""Demo data with a planted story (see docs/demo.md)."""
