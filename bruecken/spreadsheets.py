"""Writing the staff's lists as spreadsheets: CSV as German Excel reads it (semicolon, CRLF;
UTF-8 with BOM, or Windows-1252) and XLSX, streamed or spooled so that memory stays flat; and
the download response for either. The transfer exports and the advisory overview use these.

Cells that a spreadsheet would take for a formula (= + - @) are escaped with an apostrophe,
which the import removes again (transfer/parsing.py)."""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

# Excel escapes cells that would start a formula with an apostrophe; so do our exports.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ENCODINGS = {"utf-8": "utf-8-sig", "cp1252": "cp1252"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape(value):
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def date_cell(value):
    """A date, or the local date of a moment, as German spreadsheets write it (31.12.2026);
    empty for none. The import reads it back (transfer/parsing.py)."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return value.strftime("%d.%m.%Y")


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows, encoding="utf-8"):
    """Encoded CSV lines (semicolon, CRLF as Excel writes them); characters Windows-1252
    cannot hold become "?"."""
    codec = ENCODINGS.get(encoding, "utf-8-sig")
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    if codec == "utf-8-sig":
        yield "\ufeff".encode()
        codec = "utf-8"
    for row in rows:
        yield writer.writerow([escape(value) for value in row]).encode(codec, errors="replace")


def xlsx_file(rows, title):
    """A workbook (write-only, so memory stays flat) in a temporary file, rewound."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=escape(value) if value != "" else None)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula
            if number == 0:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    handle = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return handle


def download(request, rows, basename):
    """`rows` (the header first) as the file the request asks for: `format=xlsx`, else CSV,
    in Windows-1252 with `encoding=cp1252`, else UTF-8 with BOM. Named by `basename` and the
    day."""
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "xlsx":
        return FileResponse(
            xlsx_file(rows, basename),
            as_attachment=True,
            filename=f"{basename}-{stamp}.xlsx",
            content_type=XLSX_TYPE,
        )
    encoding = "cp1252" if request.GET.get("encoding") == "cp1252" else "utf-8"
    response = StreamingHttpResponse(
        csv_stream(rows, encoding),
        content_type=f"text/csv; charset={'windows-1252' if encoding == 'cp1252' else 'utf-8'}",
    )
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.csv"'
    return response
