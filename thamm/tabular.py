"""Reading uploaded spreadsheets safely, and writing ones that never run a formula (DESIGN.md §9).

Used by every import (results, candidates) and export. A file is judged by its content, never by
its name: XLSX is a zip archive (read with openpyxl, which parses its XML with defusedxml), CSV is
UTF-8 text. Limits keep a hostile or broken file from exhausting memory or time:

- a web request reads only small files (`needs_worker` says which, from sizes alone, parsing
  nothing); anything larger is read by a Celery worker, so no upload can hold a web process;
- before openpyxl parses a workbook, its XML is streamed once and its cells and rows counted
  (`_scan_xlsx`): a sheet of millions of empty cells is refused in a fraction of a second,
  before anything slow runs;
- every row of the sheet is read, whatever its `<dimension>` element declares.
"""

import csv
import io
import re
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
# XML elements a workbook may hold, in all its parts (cells, their values, shared strings, styles,
# names…): about 20,000 rows of 50 cells. Counted before parsing, whatever the elements are called;
# openpyxl takes some 3 s of a worker per million.
MAX_ELEMENTS = 3_000_000
# Bytes of one row's XML: openpyxl holds a whole row in memory (a row of a million cells would
# take gigabytes); a row of a few hundred formatted cells is a few tens of KB.
MAX_ROW_BYTES = 2 * 1024 * 1024
# Characters in one cell: nothing we import is longer than an e-mail address or a name.
MAX_CELL_CHARS = 1_000
# Columns read from a sheet: openpyxl pads each row to the sheet's last used column, which a
# hostile file puts at XFD (16,384 columns); nothing we import has more than a few dozen.
MAX_COLUMNS = 60
# Files a web request may read itself (a few hundred rows); larger ones go to a worker.
SYNC_CSV_BYTES = 256 * 1024
SYNC_XLSX_UNPACKED_BYTES = 2 * 1024 * 1024
SYNC_XLSX_ELEMENTS = 40_000
# What a broken, disguised or unusual archive makes zipfile raise.
ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"


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
    text = str(value).strip()
    if len(text) > MAX_CELL_CHARS:
        raise DomainError(
            _("A cell holds more than %(max)s characters: this is not a file of the template.")
            % {"max": f"{MAX_CELL_CHARS:,}"}
        )
    return text


def _check_size(upload) -> None:
    if upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(_("The file is larger than 5 MB."))
    if upload.size == 0:
        raise DomainError(_("The file is empty."))


def _is_xlsx(upload) -> bool:
    head = upload.read(4)
    upload.seek(0)
    return head == XLSX_MAGIC


def _unpacked_size(upload) -> int:
    """The size an XLSX unpacks to, from the archive's directory (nothing is decompressed)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except ZIP_ERRORS as exc:
        raise DomainError(_("This is not a CSV or XLSX file.")) from exc
    finally:
        upload.seek(0)
    if size > MAX_UNPACKED_BYTES:
        raise DomainError(_("The spreadsheet is too large once unpacked."))
    return size


def needs_worker(upload) -> bool:
    """Whether this upload is too big to be read within a web request: a CSV by its size; an XLSX
    by the size it unpacks to (from the zip directory), and when that is small, by the XML
    elements it holds (counted, not parsed: a few milliseconds). Raises DomainError for a file
    refused on these counts alone."""
    _check_size(upload)
    if _is_xlsx(upload):
        if _unpacked_size(upload) > SYNC_XLSX_UNPACKED_BYTES:
            return True
        return _scan_xlsx(upload).elements > SYNC_XLSX_ELEMENTS
    return upload.size > SYNC_CSV_BYTES


def read_table(upload) -> Table:
    """Read an uploaded CSV or XLSX; raise DomainError with a message for the person uploading."""
    _check_size(upload)
    table = _read_xlsx(upload) if _is_xlsx(upload) else _read_csv(upload)
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
    try:
        return _collect(reader, too_many=_("The file has too many rows."))
    except csv.Error as exc:
        raise DomainError(_("This is not a CSV or XLSX file.")) from exc


def _collect(records, *, too_many: str) -> Table:
    """The header (the first row with a value) and the data rows with their line numbers,
    empty rows left out; at most MAX_SCANNED_ROWS rows are looked at, and reading stops past
    MAX_ROWS data rows (read_table refuses the file then)."""
    headers: list[str] = []
    rows, numbers = [], []
    for number, record in enumerate(records, start=1):
        if number > MAX_SCANNED_ROWS:
            raise DomainError(too_many)
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
    return Table(headers, rows, numbers)


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]{0,400})")
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")


@dataclass
class _Counts:
    elements: int = 0  # XML elements in all the parts
    rows: int = 0  # the highest row number a sheet reaches


def _too_many_elements() -> DomainError:
    return DomainError(
        _(
            "The spreadsheet holds too much (more than %(max)s cells and other items), most of it "
            "probably empty formatting: delete the empty rows and columns around your data (or "
            "save it as CSV) and upload it again."
        )
        % {"max": f"{MAX_ELEMENTS:,}"}
    )


def _scan_part(stream, counts: _Counts) -> None:
    """Stream one part of the workbook and count its XML elements and rows, without parsing it
    (decompressing and counting bytes is some fifty times faster than openpyxl's parse).

    Every start tag counts, whatever its name, prefix or place: each "<" not opening an end tag,
    a comment or a declaration (in UTF-16 every "<" of a tag counts, so it is only counted
    more). Rows are found by their tag, with any prefix; a row longer than MAX_ROW_BYTES, or
    numbered past MAX_SCANNED_ROWS, is refused."""
    rows = _RowCounter(counts)
    tail, offset = b"", 0
    while chunk := stream.read(1024 * 1024):
        data = tail + chunk
        # Tokens lying wholly in the tail were counted with the previous chunk.
        counts.elements += _start_tags(data) - _start_tags(tail)
        if counts.elements > MAX_ELEMENTS:
            raise _too_many_elements()
        # Row tags near the end may be cut: they are read whole with the next chunk.
        rows.read(data, start=offset - len(tail), upto=len(data) - len(_TAIL))
        offset += len(chunk)
        tail = data[-len(_TAIL) :]
    rows.read(tail, start=offset - len(tail), upto=len(tail))
    rows.end(offset)


_TAIL = b" " * 512  # what is carried from one chunk to the next (longer than any row tag)


class _RowCounter:
    def __init__(self, counts: _Counts):
        self.counts, self.last = counts, -1

    def read(self, data: bytes, *, start: int, upto: int) -> None:
        for row in _ROW_TAG.finditer(data):
            position = start + row.start()
            if row.start() >= upto or position <= self.last:
                continue  # read with the next chunk, or already read
            if self.last >= 0 and position - self.last > MAX_ROW_BYTES:
                raise _too_long_row()
            self.last = position
            self.counts.rows += 1
            number = _ROW_NUMBER.search(row.group(1))
            if number:
                self.counts.rows = max(self.counts.rows, int(number.group(1)))
            if self.counts.rows > MAX_SCANNED_ROWS:
                raise _too_many_rows(self.counts.rows)

    def end(self, size: int) -> None:
        if self.last >= 0 and size - self.last > MAX_ROW_BYTES:
            raise _too_long_row()


def _start_tags(data: bytes) -> int:
    return data.count(b"<") - data.count(b"</") - data.count(b"<!") - data.count(b"<?")


def _too_long_row() -> DomainError:
    return DomainError(
        _(
            "A row of the spreadsheet holds too many cells: delete the empty columns to the "
            "right of your data (or save it as CSV) and upload it again."
        )
    )


def _too_many_rows(rows: int) -> DomainError:
    return DomainError(
        _(
            "The sheet's rows run to row %(rows)s, most of them empty: delete the empty "
            "rows below your data and upload it again."
        )
        % {"rows": f"{rows:,}"}
    )


def _scan_xlsx(upload) -> _Counts:
    """Count every part's elements and rows before openpyxl parses anything (openpyxl itself
    reads a whole sheet at load time when it has no <dimension>, and parses styles, names and
    shared strings whatever they hold)."""
    _unpacked_size(upload)
    counts = _Counts()
    try:
        with zipfile.ZipFile(upload) as archive:
            # Every part, whatever its name: the workbook's relations may put a sheet anywhere.
            for info in archive.infolist():
                with archive.open(info) as stream:
                    _scan_part(stream, counts)
    except DomainError:
        raise
    except ZIP_ERRORS as exc:
        raise DomainError(_("This is not a CSV or XLSX file.")) from exc
    finally:
        upload.seek(0)
    return counts


def _read_xlsx(upload) -> Table:
    from openpyxl import load_workbook

    _scan_xlsx(upload)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # a broken or disguised archive: openpyxl raises many kinds
        raise DomainError(_("This is not a CSV or XLSX file.")) from exc
    try:
        sheet = workbook.worksheets[0]
        # The <dimension> element is the writer's claim, not the truth: a sheet that declares
        # A1:F2 may hold more rows, and every one of them is read.
        sheet.reset_dimensions()
        table = _collect(
            sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS),
            too_many=_("The file has too many rows (empty rows count too)."),
        )
    except DomainError:
        raise
    except Exception as exc:
        raise DomainError(_("The spreadsheet could not be read.")) from exc
    finally:
        workbook.close()
    # Trailing empty header cells (formatting) are not columns.
    headers = table.headers
    while headers and not headers[-1]:
        headers.pop()
    return Table(headers, [r[: len(headers)] for r in table.rows], table.line_numbers)


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
