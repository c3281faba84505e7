"""Small builders for tests: a minimal valid data folder that a test can then break."""

from __future__ import annotations

import textwrap
from pathlib import Path

HANDBOOK = """\
kind: handbook
title: Sổ tay thử
organisation: Ban Chấp hành thử
status: Dự thảo
circulation: Lưu hành nội bộ
version: "1.0"
date: "2024-12-15"
budgets:
  total: 1000
  pages:
    index.md: 500
status_method:
  on_track_ratio: 0.95
  min_points: 3
pages:
  indicators: index.md
  documents: index.md
"""

SOURCES = """\
kind: sources
sources:
  - id: src-a
    publisher: Báo Thử
    title: Bài thử
    date: "2024-12"
    url: https://example.org/a
"""

INDICATORS = """\
kind: indicators
indicators:
  - id: growth
    name: Tăng trưởng
    unit: "%"
    decimals: 1
    illustrative: true
    values:
      2020: 2.5
      2021: 5.0
      2024: 10.25
    target:
      value: 8
      year: 2025
      direction: at_least
      base_year: 2020
      trend: linear
  - id: national
    name: Bình quân cả nước
    unit: "%"
    source: src-a
    values:
      2024: 6.4
"""


def write_project(root: Path, files: dict[str, str] | None = None, page: str = "# Trang\n") -> Path:
    """A tiny valid project (data + one page); ``files`` overrides or adds data files by relative path."""
    data = {"data/handbook.yaml": HANDBOOK, "data/sources.yaml": SOURCES, "data/indicators.yaml": INDICATORS}
    data.update(files or {})
    for rel, text in data.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            continue
        path.write_text(textwrap.dedent(text), encoding="utf-8") if isinstance(text, str) else path.write_bytes(text)
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text(page, encoding="utf-8")
    return root
