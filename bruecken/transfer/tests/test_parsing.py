import codecs
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook

from bruecken.transfer import parsing
from bruecken.transfer.importers import (
    ORGANISATION_COLUMNS,
    PERSON_COLUMNS,
    normalise,
    suggest_mapping,
)

ROWS = "Name;Kommune\r\nVerein Düren;Bonn\r\n"


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + ROWS.encode(), "utf-8-sig"),
        (ROWS.encode(), "utf-8"),
        (ROWS.encode("cp1252"), "cp1252"),
        (codecs.BOM_UTF16_LE + ROWS.encode("utf-16-le"), "utf-16"),
    ],
)
def test_encodings_are_detected(data, encoding):
    table = parsing.read_table(data, "liste.csv")
    assert table.ok
    assert table.encoding == encoding
    assert table.headers == ["Name", "Kommune"]
    assert table.rows == [(2, ["Verein Düren", "Bonn"])]


def test_bytes_undefined_in_cp1252_fall_back_to_latin1():
    table = parsing.read_table(b"Name;Kommune\r\nA\x81;Bonn\r\n", "x.csv")
    assert table.ok
    assert table.encoding == "latin-1"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_is_sniffed(delimiter):
    text = delimiter.join(["Name", "Kommune", "Beschreibung"]) + "\n"
    text += delimiter.join(["A", "Bonn", '"mit; Komma, und Tab"']) + "\n"
    table = parsing.read_table(text.encode(), "x.csv")
    assert table.delimiter == delimiter
    assert table.rows[0][1] == ["A", "Bonn", "mit; Komma, und Tab"]


def test_quoted_line_breaks_keep_spreadsheet_row_numbers():
    table = parsing.read_table(b'Name;Adresse\n"A";"Zeile 1\nZeile 2"\nB;C\n', "x.csv")
    assert [number for number, _cells in table.rows] == [2, 3]


def test_empty_rows_and_trailing_cells_are_dropped():
    table = parsing.read_table(b"Name;Kommune;;\n;;;\nA;Bonn;;\n", "x.csv")
    assert table.headers == ["Name", "Kommune"]
    assert table.rows == [(3, ["A", "Bonn"])]


def test_missing_header_names_are_numbered():
    with translation.override("en"):
        table = parsing.read_table(b"Name;;Kommune\nA;x;Bonn\n", "x.csv")
    assert table.headers == ["Name", "Column 2", "Kommune"]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "x.csv"),
        (b"   \n", "x.csv"),
        (b"Name;Kommune\n", "x.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "alt.xls"),
        (b"PK\x03\x04broken", "x.xlsx"),
        (b"not a workbook", "x.xlsx"),
    ],
)
def test_unreadable_files_give_file_level_messages(data, name):
    table = parsing.read_table(data, name)
    assert not table.ok
    assert all(isinstance(message, str) and message for message in table.problems)


def test_xlsx_is_read_with_typed_cells():
    data = xlsx_bytes(
        [
            ["Name", "Kommune", "Gegründet", "Seit"],
            ["Verein Düren", "Bonn", 1995, datetime.datetime(2020, 5, 1)],
        ]
    )
    table = parsing.read_table(data, "liste.xlsx")
    assert table.ok and table.file_format == "xlsx"
    assert table.headers == ["Name", "Kommune", "Gegründet", "Seit"]
    number, cells = table.rows[0]
    assert number == 2
    assert parsing.parse_integer(cells[2]) == 1995
    assert parsing.parse_date(cells[3]) == datetime.date(2020, 5, 1)


def test_xlsx_is_recognised_by_content_whatever_the_name():
    table = parsing.read_table(xlsx_bytes([["Name"], ["A"]]), "liste.csv")
    assert table.file_format == "xlsx"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31.12.2024", datetime.date(2024, 12, 31)),
        ("1.2.2024", datetime.date(2024, 2, 1)),
        ("2024-12-31", datetime.date(2024, 12, 31)),
        ("31.12.24", datetime.date(2024, 12, 31)),
        ("2024-12-31T10:00:00", datetime.date(2024, 12, 31)),
        (datetime.date(2024, 1, 1), datetime.date(2024, 1, 1)),
        ("", None),
        (None, None),
    ],
)
def test_dates(value, expected):
    assert parsing.parse_date(value) == expected


@pytest.mark.parametrize("value", ["morgen", "31.12", "2024"])
def test_bad_dates(value):
    # The message in the source language, whichever language an earlier test left active.
    with translation.override("en"), pytest.raises(ValueError, match=r"dd\.mm\.yyyy"):
        parsing.parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1,5", Decimal("1.5")),
        ("1.234,56", Decimal("1234.56")),
        ("1.234.567", Decimal("1234567")),
        ("1234.5", Decimal("1234.5")),
        ("-0,25", Decimal("-0.25")),
        ("1 234,5", Decimal("1234.5")),
        (2.5, Decimal("2.5")),
        ("", None),
    ],
)
def test_decimal_commas(value, expected):
    assert parsing.parse_decimal(value) == expected


@pytest.mark.parametrize("value", ["1,2,3", "1.234,5,6", "abc", "NaN", "inf", "1,5.3"])
def test_bad_numbers(value):
    with pytest.raises(ValueError):
        parsing.parse_decimal(value)


def test_integers_accept_a_decimal_comma_zero():
    assert parsing.parse_integer("1995,0") == 1995
    assert parsing.parse_integer(1995.0) == 1995
    with pytest.raises(ValueError):
        parsing.parse_integer("1995,5")


@pytest.mark.parametrize(
    ("value", "expected"), [("ja", True), ("x", True), ("Nein", False), ("", False), ("yes", True)]
)
def test_booleans(value, expected):
    assert parsing.parse_bool(value) is expected


def test_apostrophe_protecting_a_formula_is_removed():
    assert parsing.text("'+49 228 123") == "+49 228 123"
    assert parsing.text("'=1+1") == "=1+1"
    assert parsing.text("'s Hertogenbosch") == "'s Hertogenbosch"


def test_normalised_headers():
    assert normalise("E-Mail-Adresse") == normalise("e-mail adresse ") == "emailadresse"
    assert normalise("Gründungsjahr") == "gruendungsjahr"


def test_mapping_suggested_from_german_headers():
    headers = ["Organisationsname", "Art", "Kommune", "E-Mail", "Länder", "Telefon", "Sonstiges"]
    mapping = suggest_mapping(headers, ORGANISATION_COLUMNS)
    assert mapping == {
        "0": "name",
        "1": "kind",
        "2": "municipality",
        "3": "email",
        "4": "countries",
        "5": "phone",
    }


def test_mapping_suggested_from_english_headers():
    headers = ["Organisation", "Kind", "Municipality", "AGS", "Email", "Website", "Founded"]
    mapping = suggest_mapping(headers, ORGANISATION_COLUMNS)
    assert list(mapping.values()) == [
        "name",
        "kind",
        "municipality",
        "ags",
        "email",
        "website",
        "founded",
    ]


def test_each_field_is_suggested_once():
    mapping = suggest_mapping(["Name", "Name", "E-Mail"], PERSON_COLUMNS)
    assert mapping == {"0": "name", "2": "email"}


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 3)
    table = parsing.read_table(b"Name\n" + b"A\n" * 5, "x.csv")
    assert not table.ok
    table = parsing.read_table(xlsx_bytes([["Name"]] + [["A"]] * 5), "x.xlsx")
    assert not table.ok
