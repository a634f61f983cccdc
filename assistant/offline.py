"""Offline switches, set once at every entry point: no model hub or telemetry is ever reachable here."""

from __future__ import annotations

import os

_SWITCHES = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def enable_offline_mode() -> None:
    """Set the switches unless the user set them explicitly (setdefault keeps an override possible)."""
    for key, value in _SWITCHES.items():
        os.environ.setdefault(key, value)
