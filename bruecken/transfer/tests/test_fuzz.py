"""The parser and the row checks on random and malformed input: never an exception, always a
file-level or row-level message."""

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bruecken.transfer import parsing
from bruecken.transfer.importers import IMPORTERS, suggest_mapping

from .test_parsing import xlsx_bytes

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["Bonn", "05314000", "MSO", "31.12.2024", "1,5", "=1+1", "'+49", "GH, TG", "ja", ""]
    ),
)
HEADERS = st.lists(
    st.sampled_from(
        [
            "Name",
            "Art",
            "Kommune",
            "AGS",
            "E-Mail",
            "Telefon",
            "Länder",
            "Gründungsjahr",
            "Einwilligung am",
            "Webseite",
            "Von",
            "Bis",
            "Partner",
            "Organisation",
            "Land",
        ]
    ),
    min_size=1,
    max_size=8,
)


def assert_messages(table):
    assert isinstance(table, parsing.Table)
    if not table.ok:
        assert all(isinstance(m, str) and m for m in table.problems)


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(["x.csv", "x.xlsx", "x.txt", ""]))
def test_random_bytes(data, name):
    assert_messages(parsing.read_table(data, name))


@FUZZ
@given(
    text=st.text(
        alphabet=st.sampled_from(list("ab;,\t\"'\n\r =+-@0123456789.äöüß\x00")), max_size=500
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_random_csvish_text(text, encoding):
    data = text.encode(encoding, errors="replace")
    assert_messages(parsing.read_table(data, "x.csv"))


@FUZZ
@given(position=st.integers(min_value=0, max_value=10_000), byte=st.integers(0, 255))
def test_broken_xlsx(position, byte):
    data = bytearray(xlsx_bytes([["Name", "Kommune"], ["A", "Bonn"]]))
    data[position % len(data)] = byte
    assert_messages(parsing.read_table(bytes(data), "x.xlsx"))


@FUZZ
@given(cut=st.integers(min_value=1, max_value=5000))
def test_truncated_xlsx(cut):
    data = xlsx_bytes([["Name", "Kommune"], ["A", "Bonn"]])
    assert_messages(parsing.read_table(data[:cut], "x.xlsx"))


def test_xlsx_with_a_garbage_sheet():
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<<<not xml")
    table = parsing.read_table(handle.getvalue(), "x.xlsx")
    assert not table.ok


@pytest.mark.django_db
@FUZZ
@given(
    kind=st.sampled_from(sorted(IMPORTERS)),
    headers=HEADERS,
    rows=st.lists(st.lists(CELL, max_size=9), max_size=6),
)
def test_row_checks_never_raise(office, kind, headers, rows):
    importer_class = IMPORTERS[kind]
    mapping = suggest_mapping(headers, importer_class.columns)
    importer = importer_class(office, headers, mapping)
    numbered = [(number, cells) for number, cells in enumerate(rows, start=2)]
    plans, problems = importer.check(numbered)
    for problem in problems:
        assert set(problem) == {"row", "column", "value", "reason", "level"}
        assert problem["level"] in ("error", "warning")
        assert problem["reason"]
        assert problem["row"] == 0 or problem["row"] in {n for n, _c in numbered}
    assert all(plan.row in {n for n, _c in numbered} for plan in plans)
