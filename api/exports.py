"""CSV and XLSX downloads of the read models (one sheet / one file per table)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

Table = tuple[Sequence[str], Sequence[Sequence[Any]]]  # headers, rows


def write_csv(path: Path, table: Table) -> None:
    headers, rows = table
    with path.open("w", newline="", encoding="utf-8-sig") as f:  # the BOM makes Excel read the Chinese headers
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows(rows)


def write_xlsx(path: Path, sheets: dict[str, Table]) -> None:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    for title, (headers, rows) in sheets.items():
        sheet = workbook.create_sheet(title[:31])
        sheet.append(list(headers))
        for row in rows:
            sheet.append([", ".join(v) if isinstance(v, list) else v for v in row])
        sheet.freeze_panes = "A2"
    workbook.save(path)
