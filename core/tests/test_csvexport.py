"""CSV downloads: formula injection is defused, phone numbers are left alone."""

from core.csvexport import csv_lines, csv_safe


def test_formulas_are_defused():
    assert csv_safe('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("+1+2") == "'+1+2"
    assert csv_safe("-A1") == "'-A1"


def test_plain_values_and_phone_numbers_are_kept():
    assert csv_safe("+4791234567") == "+4791234567"
    assert csv_safe("+47 912 34 567") == "+47 912 34 567"
    assert csv_safe("Kari Nordmann") == "Kari Nordmann"
    assert csv_safe(None) == ""
    assert csv_safe(12) == "12"


def test_lines_are_semicolon_separated_with_a_bom_first():
    lines = list(csv_lines(["a", "b"], [["1;2", "x"]]))
    assert lines[0] == "\ufeffa;b\r\n"
    assert lines[1] == '"1;2";x\r\n'
