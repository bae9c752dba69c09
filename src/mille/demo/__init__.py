"""Demo data with a planted story (see docs/demo.md).

    from mille.demo import generate, build_demo
    data = generate(seed=0)                  # the truth: ad rows, CRM, FX, the story
    result = build_demo("demo-ws", seed=0)   # exports written, ingested, headline, report.html
"""

from mille.demo import present as _present  # registers the demo's terminal and HTML pages
from mille.demo.build import DemoResult, build_demo
from mille.demo.generate import DemoData, generate
from mille.demo.story import Story

__all__ = ["DemoData", "DemoResult", "Story", "build_demo", "generate"]
del _present
