"""CSV downloads: formula injection is defused, phone numbers are left alone, leading zeros
are kept."""

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


def test_numbers_with_a_leading_zero_stay_text_in_a_spreadsheet():
    """A spreadsheet drops the leading zero of 01018012345 (and of 0301, 0155): written as a
    text formula of digits only, it shows the number as written."""
    assert csv_safe("01018012345") == '="01018012345"'
    assert csv_safe("0301") == '="0301"'
    assert csv_safe("0155") == '="0155"'
    # Every fødselsnummer alike, so that its column is all text.
    assert csv_safe("25817230787") == '="25817230787"'
    assert csv_safe("123456789012345678") == '="123456789012345678"'
    # Short numbers without a leading zero stay numbers (ids, counts, phone numbers).
    assert csv_safe("4601") == "4601"
    assert csv_safe(987654321) == "987654321"
    assert csv_safe("91234567") == "91234567"


def test_the_text_formula_carries_digits_only():
    """CSV injection stays defused: anything but digits is never put inside the formula."""
    for text in ('0"&HYPERLINK("x")&"', "0123 ", "0x12", "01018012345=1+1", "０１２３"):
        assert not csv_safe(text).startswith('="'), text
    assert csv_safe('="0123"') == '\'="0123"'
    line = "".join(csv_lines(["fnr"], [["01018012345"]]))
    assert line == '\ufefffnr\r\n"=""01018012345"""\r\n'


def test_a_count_of_zero_stays_a_number():
    """A lone 0 has no leading zero to keep: a count column is numbers throughout."""
    assert csv_safe(0) == csv_safe("0") == "0"
    assert csv_safe("0155") == '="0155"'
