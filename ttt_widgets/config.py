"""Configuration: ``TTT_`` environment variables first, then embedded defaults."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "env"]


def env(name: str, default: str | None = None) -> str | None:
    """Read ``TTT_<name>`` from the environment (empty counts as unset)."""
    value = os.environ.get(f"TTT_{name}", "").strip()
    return value or default


def data_dir(create: bool = True) -> Path:
    """The kit's data directory: ``TTT_DATA_DIR`` or the user data directory (e.g. ``~/.local/share/ttt-workshop-kit``)."""
    configured = env("DATA_DIR")
    if configured:
        path = Path(configured).expanduser()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("ttt-workshop-kit", appauthor=False))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path
