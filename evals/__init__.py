"""The evaluation suite: datasets, a pure scorer, metrics, a plain-RAG baseline and reports.

Kept outside ``assistant/`` so the product never imports it; it reaches the core only through the public API.
"""
