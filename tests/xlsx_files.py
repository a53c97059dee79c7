"""Spreadsheets of the shapes a hostile or careless writer makes and openpyxl's writer never does:
no <dimension>, millions of empty cells, a <dimension> that understates the rows, a namespace
prefix. Used by the import tests and by benchmarks/hostile_uploads.py."""

import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

SHEET = "xl/worksheets/sheet1.xml"
MAIN = MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _cell(ref: str, value, prefix: str) -> str:
    if value is None:
        return f'<{prefix}c r="{ref}" s="0"/>'
    if isinstance(value, int | float):
        return f'<{prefix}c r="{ref}"><{prefix}v>{value}</{prefix}v></{prefix}c>'
    text = escape(str(value))
    return (
        f'<{prefix}c r="{ref}" t="inlineStr"><{prefix}is><{prefix}t>{text}</{prefix}t>'
        f"</{prefix}is></{prefix}c>"
    )


def _row(number: int, values, prefix: str) -> str:
    cells = "".join(
        _cell(f"{get_column_letter(i)}{number}", v, prefix) for i, v in enumerate(values, 1)
    )
    return f'<{prefix}row r="{number}">{cells}</{prefix}row>'


def sheet_xlsx(
    rows: Iterable[list],
    *,
    dimension: str | None = None,
    empty_rows: int = 0,
    empty_cells_per_row: int = 0,
    prefix: str = "",
) -> bytes:
    """An XLSX whose first sheet holds `rows` (None for an empty cell), then `empty_rows` rows of
    `empty_cells_per_row` formatted empty cells; with a <dimension> only if one is given (which
    may well understate the sheet). The sheet is written as a stream, so a 100 MB one costs
    little memory."""
    base = io.BytesIO()
    Workbook().save(base)
    out = io.BytesIO()
    ns = f'xmlns:{prefix[:-1]}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != SHEET:
                target.writestr(item, source.read(item.filename))
                continue
            with target.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(
                    f'<?xml version="1.0" encoding="UTF-8"?><{prefix}worksheet {ns}>'.encode()
                )
                if dimension:
                    sheet.write(f'<{prefix}dimension ref="{dimension}"/>'.encode())
                sheet.write(f"<{prefix}sheetData>".encode())
                number = 0
                for number, values in enumerate(rows, 1):
                    sheet.write(_row(number, values, prefix).encode())
                empty = (f'<{prefix}c s="0"/>' * empty_cells_per_row).encode()
                close = f"</{prefix}row>".encode()
                for extra in range(number + 1, number + 1 + empty_rows):
                    sheet.write(f'<{prefix}row r="{extra}">'.encode() + empty + close)
                sheet.write(f"</{prefix}sheetData></{prefix}worksheet>".encode())
    return out.getvalue()


def with_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook `data` with `parts` added or replaced (name → content)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename not in parts:
                target.writestr(item.filename, source.read(item.filename))
        for name, body in parts.items():
            target.writestr(name, body)
    return out.getvalue()


def sheet_with(cells: str, *, rows: int, root: str = "worksheet", before: str = "") -> bytes:
    body = (f'<row r="1">{cells}</row>' * rows).encode()
    return (
        (
            f'<?xml version="1.0" encoding="UTF-8"?>{before}<{root} xmlns="{MAIN_NS}" '
            f'xmlns:y="{MAIN_NS}"><sheetData>'
        ).encode()
        + body
        + f"</sheetData></{root}>".encode()
    )
