"""Where the app's files are: the repository root, the shipped data and the fonts."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
FONT_DIR = DATA_DIR / "fonts"  # DejaVu Sans, shipped so rendering needs no system fonts
