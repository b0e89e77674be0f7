"""Spreadsheets finance can use (报表下载): each column says what it holds, so one table renders as an XLSX sheet
(yuan as numbers with two decimals, real dates, bold frozen header with a filter, widths to fit) or as CSV with a
BOM (yuan with two decimals, dates as people write them), with Chinese headers, institution names and words for
codes. No text cell is ever taken for a formula: a payee typed as `=1+2` stays the text `=1+2`."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from api.words import shown_width, word
from domain.actor import SHANGHAI


class Kind(Enum):
    TEXT = "text"
    INSTITUTION = "institution"  # an institution id, shown by its name
    DISTRICT = "district"  # a district id, shown by its name
    WORD = "word"  # a code of a closed vocabulary, shown in Chinese
    FLAG = "flag"  # yes or no, shown 是 or left empty
    WORDS = "words"  # a list of such codes (findings)
    MONEY = "money"  # whole fen, shown in yuan
    COUNT = "count"
    DATETIME = "datetime"  # ISO 8601 with an offset, shown in Beijing time
    DATE = "date"  # a day as written (a statement's date); kept as text where it is no date


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # 中文 English
    kind: Kind = Kind.TEXT
    words: Mapping[str, str] | None = None  # a WORD column's own words, where a code means something else here


@dataclass(frozen=True)
class Sheet:
    title: str  # the XLSX sheet's name (at most 31 characters)
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]


# A text starting with one of these is a formula to Excel, LibreOffice and WPS (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMATS = {Kind.MONEY: "#,##0.00", Kind.COUNT: "0", Kind.DATETIME: "yyyy-mm-dd hh:mm", Kind.DATE: "yyyy-mm-dd"}


def shown_name(names: Callable[[str], str], code: str) -> str:
    """An institution's or district's name; a code the network does not know, as its word ("total" is 合计) or as it is."""
    named = names(code)
    return word(named) if named == code else named


def cell_value(column: Column, value: Any, names: Callable[[str], str]) -> Any:
    """What a cell holds: a number, a date or a text, from a read model's value."""
    if value is None or value == "":
        return None
    if column.kind is Kind.MONEY:
        return Decimal(int(value)) / 100
    if column.kind is Kind.COUNT:
        return int(value)
    if column.kind is Kind.DATETIME:
        return datetime.fromisoformat(str(value)).astimezone(SHANGHAI).replace(tzinfo=None, second=0, microsecond=0)
    if column.kind is Kind.DATE:
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if column.kind in (Kind.INSTITUTION, Kind.DISTRICT):
        return shown_name(names, str(value))
    if column.kind is Kind.FLAG:
        return "是" if value else None
    if column.kind is Kind.WORD:
        return column.words.get(str(value), str(value)) if column.words else word(str(value))
    if column.kind is Kind.WORDS:
        return "；".join(word(v) for v in value)
    return str(value)


def shown_rows(sheet: Sheet, names: Callable[[str], str]) -> list[list[str]]:
    """The sheet's rows as a page shows them: the same values as the downloads, as text."""
    return [[_shown(cell_value(c, row.get(c.key), names), grouped=True) for c in sheet.columns] for row in sheet.rows]


def xlsx_bytes(sheets: Sequence[Sheet], names: Callable[[str], str]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title[:31])
        ws.append([c.title for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [shown_width(c.title) for c in sheet.columns]
        for r, row in enumerate(sheet.rows, start=2):
            for n, column in enumerate(sheet.columns):
                value = cell_value(column, row.get(column.key), names)
                cell = ws.cell(row=r, column=n + 1, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl takes a text starting with "=" for a formula; it is text
                    if value.startswith(FORMULA_STARTS):
                        cell.quotePrefix = True  # and Excel keeps it text when edited
                elif column.kind in _FORMATS and value is not None:
                    cell.number_format = _FORMATS[column.kind]
                widths[n] = max(widths[n], shown_width(_shown(value)))
        for n, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(n)].width = min(width + 2, 60)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(1, len(sheet.rows) + 1)}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_text(sheet: Sheet, names: Callable[[str], str]) -> str:
    """CSV with a BOM (Excel then reads the Chinese), yuan with two decimals, dates as people write them, and a
    text that Excel would take for a formula prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.title for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([_csv_cell(cell_value(c, row.get(c.key), names)) for c in sheet.columns])
    return "\ufeff" + out.getvalue()


def _csv_cell(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return _shown(value)


def _shown(value: Any, grouped: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if grouped else f"{value:.2f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)
