"""Reading the spreadsheets people have: CSV as German Excel writes it (semicolon, comma or tab;
UTF-8 with or without BOM, UTF-16, or Windows-1252) and XLSX. Nothing here raises on bad input:
what cannot be read becomes a file-level problem, and values that do not convert raise
`ValueError` with a message for the row-level report."""

import codecs
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from bruecken.spreadsheets import FORMULA_PREFIXES

DELIMITERS = [";", ",", "\t"]
MAX_COLUMNS = 200
MAX_ROWS = 200_000  # a file (or a zip bomb of a workbook) stops being read here


def _too_many(table):
    table.problems.append(
        _("The file has more than %(rows)s rows; split it into smaller files.")
        % {"rows": number_format(MAX_ROWS, force_grouping=True)}
    )


@dataclass
class Table:
    file_format: str = ""
    encoding: str = ""
    delimiter: str = ""
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # (spreadsheet row number, [cells])
    problems: list = field(default_factory=list)  # file-level messages

    @property
    def ok(self):
        return not self.problems


def decode(data):
    """The text and the encoding it was in: a BOM decides; else strict UTF-8; else
    Windows-1252 (what Excel writes as "CSV" on German Windows); else Latin-1, which
    decodes every byte."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1", errors="replace"), "latin-1"  # not reached


def sniff_delimiter(text):
    """The delimiter that splits the first lines into the same, largest number of fields."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return ";"
    best, best_score = ";", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        consistent = sum(1 for count in counts if count == counts[0])
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _file_problem(table, message):
    table.problems.append(message)
    return table


def _trim(rows):
    """Drop trailing empty cells and empty rows; the first non-empty row is the header."""
    header, body = None, []
    for number, cells in rows:
        cells = list(cells[:MAX_COLUMNS])
        while cells and (cells[-1] is None or str(cells[-1]).strip() == ""):
            cells.pop()
        if not cells:
            continue
        if header is None:
            header = (number, cells)
        else:
            body.append((number, cells))
    return header, body


def _headers(cells):
    headers = []
    for index, cell in enumerate(cells, start=1):
        text = " ".join(str(cell if cell is not None else "").split())
        headers.append(text or _("Column %(number)s") % {"number": index})
    return headers


def read_csv(data, table):
    text, table.encoding = decode(data)
    text = text.replace("\x00", "")
    table.delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=table.delimiter)
    rows = []
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS + 1:
                _too_many(table)
                break
            rows.append((number, cells))
    except csv.Error as error:
        return _file_problem(
            table,
            _("The file could not be read as CSV after row %(row)s (%(error)s).")
            % {"row": len(rows), "error": error},
        )
    return rows


def read_xlsx(data, table):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on broken files
        return _file_problem(
            table, _("The file is not a readable XLSX workbook. Save it again as XLSX or CSV.")
        )
    rows = []
    try:
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                _too_many(table)
                break
            rows.append((number, list(cells[:MAX_COLUMNS])))
    except Exception:
        return _file_problem(
            table,
            _("The workbook could not be read after row %(row)s. Save it again as XLSX or CSV.")
            % {"row": len(rows)},
        )
    finally:
        workbook.close()
    return rows


def read_table(data, filename=""):
    """Parse the bytes of an uploaded file into headers and rows; never raises."""
    table = Table()
    name = (filename or "").lower()
    if not data or not data.strip():
        return _file_problem(table, _("The file is empty."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        table.file_format = "xls"
        return _file_problem(
            table, _("Old Excel files (.xls) cannot be read. Save the file as XLSX or CSV.")
        )
    if data.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm")):
        table.file_format = "xlsx"
        rows = read_xlsx(data, table)
    else:
        table.file_format = "csv"
        rows = read_csv(data, table)
    if table.problems:
        return table
    header, body = _trim(rows)
    if header is None:
        return _file_problem(table, _("The file has no rows."))
    table.headers = _headers(header[1])
    table.rows = body
    if not body:
        table.problems.append(_("The file has a header row but no data rows."))
    return table


# Values


def text(value):
    """A cell as text: stripped; the apostrophe that protects a formula-like cell removed."""
    if value is None:
        return ""
    if type(value) is str and "\r" not in value:
        # Most cells (every CSV cell): the checks below for other types are for spreadsheets.
        value = value.strip()
        if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
            return value[1:]
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    value = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        value = value[1:]
    return value


DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"]


def parse_date(value):
    """dd.mm.yyyy (German), ISO yyyy-mm-dd, or a date cell of a workbook."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    if not raw:
        return None
    raw = raw.split(" ")[0].split("T")[0]  # a time after the date is ignored
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    if DATE_SHAPE.match(raw):
        # Written like a date, but no such day (31.02.): say so rather than ask for a format.
        raise ValueError(_("this date does not exist"))
    raise ValueError(_("not a date; write it as dd.mm.yyyy (e.g. 31.12.2024) or yyyy-mm-dd"))


DATE_SHAPE = re.compile(r"^(\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})$")
MONTH_YEAR = re.compile(r"^(\d{1,2})[./](\d{4})$")


def parse_year(value):
    """A year: 1980, or a full date where spreadsheets keep one (07.01.1980, 1980-01-07, a date
    cell, 01/1980) gives its year. A date that does not exist (31.02.1980) is an error."""
    if isinstance(value, datetime.date):
        return value.year
    raw = text(value)
    if not raw:
        return None
    month_year = MONTH_YEAR.match(raw)
    if month_year:
        if not 1 <= int(month_year.group(1)) <= 12:
            raise ValueError(_("this date does not exist"))
        return int(month_year.group(2))
    if DATE_SHAPE.match(raw.split(" ")[0].split("T")[0]):
        return parse_date(raw).year
    return parse_integer(value)


MAX_DIGITS = 15
GERMAN_NUMBER = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")


def parse_decimal(value):
    """A number with a decimal comma (1.234,5) or point (1234.5)."""
    if isinstance(value, bool):
        raise ValueError(_("not a number"))
    if isinstance(value, int) and abs(value) >= 10 ** (MAX_DIGITS + 1):
        raise ValueError(_("the number is too large"))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        raw = text(value).replace(" ", "").replace("\u00a0", "")
        if not raw:
            return None
        if GERMAN_NUMBER.match(raw):
            raw = raw.replace(".", "").replace(",", ".")
        elif "," in raw:
            if raw.count(",") > 1 or "." in raw:
                raise ValueError(_("not a number"))
            raw = raw.replace(",", ".")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise ValueError(_("not a number")) from None
    if not number.is_finite():
        raise ValueError(_("not a number"))
    if number and number.adjusted() > MAX_DIGITS:
        # No field takes more; and a huge exponent (1e999999) would cost time to convert.
        raise ValueError(_("the number is too large"))
    return number


def parse_integer(value):
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(_("not a whole number"))
    return int(number)


TRUE = {"1", "x", "ja", "j", "yes", "y", "true", "wahr", "✓", "✔"}
FALSE = {"0", "nein", "n", "no", "false", "falsch", "-", ""}


def parse_bool(value):
    if isinstance(value, bool):
        return value
    raw = text(value).casefold()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise ValueError(_("write yes or no (ja/nein, x or empty)"))


def split_list(value):
    """Several values in one cell: separated by commas, semicolons, slashes or line breaks."""
    return [part.strip() for part in re.split(r"[,;|/\n]+", text(value)) if part.strip()]


def is_zip(data):
    return zipfile.is_zipfile(io.BytesIO(data))
