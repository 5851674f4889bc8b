"""The viewer's asset files (``viewer/assets/``), shipped as package data."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["TEMPLATE", "asset_text", "assets_dir", "ui_strings"]

#: the page's Jinja2 template, rendered by pyvis (see ecograph.viewer.page)
TEMPLATE = "page.html"


def assets_dir() -> Path:
    """The folder of the asset files, as a path on disk (pyvis loads templates from a folder)."""
    return Path(str(resources.files(__package__) / "assets"))


@cache
def asset_text(name: str) -> str:
    """The text of ``assets/<name>`` exactly as stored (no newline translation: the page's
    Content-Security-Policy pins the scripts by the hash of these bytes)."""
    return (resources.files(__package__) / "assets" / name).read_bytes().decode("utf-8")


@lru_cache(maxsize=1)
def ui_strings() -> dict[str, dict[str, Any]]:
    """The page's UI strings by language (``assets/ui.json``): ``{"zh": {...}, "en": {...}}``."""
    return json.loads(asset_text("ui.json"))
