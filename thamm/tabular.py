"""Reading uploaded spreadsheets safely, and writing ones that never run a formula (DESIGN.md §9).

Used by every import (results, candidates) and export. A file is judged by its content, never by
its name: XLSX is a zip archive (read with openpyxl, which parses its XML with defusedxml), CSV is
UTF-8 text. Limits keep a hostile or broken file from exhausting memory or time.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .exceptions import DomainError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# Rows scanned, empty ones included: a sheet padded with a million empty rows stops here.
MAX_SCANNED_ROWS = 200_000
# An XLSX whose content would unpack to more than this is refused (a "zip bomb").
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Columns read from a sheet: openpyxl pads each row to the sheet's last used column, which a
# hostile file puts at XFD (16,384 columns); nothing we import has more than a few dozen.
MAX_COLUMNS = 60
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # data rows, empty ones left out
    line_numbers: list[int]  # the file's own line/row number of each data row


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "date") and callable(value.date):  # datetime from a date cell
        value = value.date()
    return str(value).strip()


def read_table(upload) -> Table:
    """Read an uploaded CSV or XLSX; raise DomainError with a message for the person uploading."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(_("The file is larger than 5 MB."))
    if upload.size == 0:
        raise DomainError(_("The file is empty."))
    head = upload.read(4)
    upload.seek(0)
    table = _read_xlsx(upload) if head == b"PK\x03\x04" else _read_csv(upload)
    if not table.headers:
        raise DomainError(_("The file is empty."))
    if not table.rows:
        raise DomainError(_("The file has column names but no rows."))
    if len(table.rows) > MAX_ROWS:
        raise DomainError(
            _("The file has more than %(max)s rows: split it into smaller files.")
            % {"max": f"{MAX_ROWS:,}"}
        )
    return table


def _read_csv(upload) -> Table:
    raw = upload.read()
    if b"\x00" in raw:
        raise DomainError(_("This is not a CSV or XLSX file."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(
            _("The file is not in UTF-8: save it as “CSV UTF-8” and upload it again.")
        ) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    headers: list[str] = []
    rows, numbers = [], []
    try:
        for number, record in enumerate(reader, start=1):
            if number > MAX_SCANNED_ROWS:
                raise DomainError(_("The file has too many rows."))
            values = [_cell(v) for v in record]
            if not headers:
                if any(values):
                    headers = values
                continue
            if any(values):
                rows.append(values)
                numbers.append(number)
    except csv.Error as exc:
        raise DomainError(_("This is not a CSV or XLSX file.")) from exc
    return Table(headers, rows, numbers)


def _read_xlsx(upload) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(upload) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise DomainError(_("The spreadsheet is too large once unpacked."))
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except DomainError:
        raise
    except Exception as exc:  # a broken or disguised archive: openpyxl raises many kinds
        raise DomainError(_("This is not a CSV or XLSX file.")) from exc
    try:
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > MAX_SCANNED_ROWS:
            raise DomainError(
                _(
                    "The sheet's rows run to row %(rows)s, most of them empty: delete the empty "
                    "rows below your data and upload it again."
                )
                % {"rows": f"{sheet.max_row:,}"}
            )
        headers: list[str] = []
        rows, numbers = [], []
        rows_iter = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        for number, record in enumerate(rows_iter, start=1):
            if number > MAX_SCANNED_ROWS:
                raise DomainError(_("The file has too many rows (empty rows count too)."))
            values = [_cell(v) for v in record]
            if not headers:
                if any(values):
                    headers = values
                continue
            if any(values):
                rows.append(values)
                numbers.append(number)
                if len(rows) > MAX_ROWS:
                    break
    except DomainError:
        raise
    except Exception as exc:
        raise DomainError(_("The spreadsheet could not be read.")) from exc
    finally:
        workbook.close()
    # Trailing empty header cells (formatting) are not columns.
    while headers and not headers[-1]:
        headers.pop()
    return Table(headers, [r[: len(headers)] for r in rows], numbers)


def safe_cell(value) -> str:
    """A cell value a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_csv(headers: list[str], rows) -> bytes:
    """CSV (UTF-8 with a byte-order mark, so spreadsheets read accents) with formula-safe cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def write_xlsx(headers: list[str], rows, *, title: str = "Sheet") -> bytes:
    """XLSX whose every cell is text: nothing a user typed can run as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    # Sheet names may not contain / \ ? * [ ] : and are at most 31 characters.
    safe_title = "".join("-" if ch in "/\\?*[]:" else ch for ch in title)[:31] or "Sheet"
    sheet = book.create_sheet(title=safe_title)

    def text_cells(values):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
            cell.data_type = "s"  # a string, even when it starts with "="
            cells.append(cell)
        return cells

    sheet.append(text_cells(headers))
    for row in rows:
        sheet.append(text_cells(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
