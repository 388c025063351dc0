"""Write the dashboards as JSON into deploy/grafana/dashboards/ (``--check``: only say whether
the committed files are what the code makes; exit 1 when not).

Run ``.venv/bin/python -m tools.grafana.generate`` after changing tools/grafana/ and commit
the JSON: Grafana's file provider reads the JSON, not this code."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import Dashboard, RowPanel

from tools.grafana.dashboards import DASHBOARDS

FOLDER = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "dashboards"


def render(board: Dashboard) -> str:
    """The dashboard as Grafana's JSON model, panels numbered in order, keys sorted, so the
    same code gives byte-identical files."""
    for number, panel in enumerate(board.panels or (), start=1):
        panel.id_val = number
        if isinstance(panel, RowPanel):
            panel.collapsed = False
    return json.dumps(board, cls=JSONEncoder, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def rendered() -> dict[str, str]:
    """File name → content of every dashboard."""
    return {f"{name}.json": render(make()) for name, make in DASHBOARDS.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    stale = []
    for name, text in rendered().items():
        path = FOLDER / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"ditulis {path}")
    if stale:
        print(f"perlu dibuat ulang: {', '.join(stale)} (python -m tools.grafana.generate)",
              file=sys.stderr)  # fmt: skip
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
