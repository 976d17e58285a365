"""Platform Enforcement Watch: transparency data in, a static comparison site out.

Stages (see ``pipeline.py``, the only module that knows their order):
fetch/ingest (raw published files -> ``data/``), then build (load, model, check,
chart, render, publish).
"""
