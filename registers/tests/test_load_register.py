"""manage.py load_register FILE.json (O-2): loads, replaces, and on bad input changes nothing."""

import json

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from registers.models import SyntheticKrrEntry, SyntheticPerson
from registers.synthetic import SyntheticFolkeregister
from tests.factories import SyntheticPersonFactory, register_file_entry, years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def write_file(tmp_path):
    def write(*entries, text=None):
        path = tmp_path / "register.json"
        path.write_text(text if text is not None else json.dumps({"personer": list(entries)}))
        return path

    return write


def test_good_file_is_loaded_and_count_printed(write_file, capsys):
    parent = register_file_entry()
    child = register_file_entry(birth_date=years_ago(7), foreldre=[parent["foedselsnummer"]])

    call_command("load_register", str(write_file(parent, child)))

    assert "Loaded 2 persons" in capsys.readouterr().out
    assert SyntheticPerson.objects.count() == 2
    assert [c.fnr for c in SyntheticFolkeregister().children(parent["foedselsnummer"])] == [
        child["foedselsnummer"]
    ]


def test_person_with_same_number_is_replaced(write_file):
    existing = SyntheticPersonFactory(first_name="Gammel")

    call_command("load_register", str(write_file(register_file_entry(foedselsnummer=existing.fnr))))

    assert list(SyntheticPerson.objects.values_list("fnr", "first_name")) == [
        (existing.fnr, "Kari")
    ]


def test_bad_checksum_fails_and_leaves_database_unchanged(write_file):
    existing = SyntheticPersonFactory(first_name="Uendret")
    bad = register_file_entry()
    bad["foedselsnummer"] = bad["foedselsnummer"][:10] + str(
        (int(bad["foedselsnummer"][10]) + 1) % 10
    )
    path = write_file(register_file_entry(foedselsnummer=existing.fnr, fornavn="Ny"), bad)

    with pytest.raises(CommandError, match=r"nothing was changed.*personer\[1\]: foedselsnummer"):
        call_command("load_register", str(path))

    assert list(SyntheticPerson.objects.values_list("first_name", flat=True)) == ["Uendret"]


def test_missing_file_fails_with_clear_message(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.json"):
        call_command("load_register", str(tmp_path / "missing.json"))


def test_invalid_json_fails_naming_line_and_column(write_file):
    path = write_file(text='{"personer": [\n  {"foedselsnummer": }\n]}')

    with pytest.raises(CommandError, match=r"not valid JSON: .* line 2 column"):
        call_command("load_register", str(path))

    assert SyntheticPerson.objects.count() == 0


def test_file_that_is_not_utf8_fails_with_clear_message(write_file):
    path = write_file()
    path.write_bytes(b'{"personer": [{"fornavn": "\xe6"}]}')

    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("load_register", str(path))


def test_bad_input_exits_non_zero_from_the_command_line(write_file, capsys):
    path = write_file(text="not json")

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "load_register", str(path)])

    assert exited.value.code != 0
    assert "not valid JSON" in capsys.readouterr().err


def test_absent_bostedsadresse_loads_person_without_address(write_file):
    entry = register_file_entry(bostedsadresse=None)

    call_command("load_register", str(write_file(entry)))

    assert SyntheticFolkeregister().person(entry["foedselsnummer"]).address is None


def test_absent_krr_loads_person_without_krr_entry(write_file):
    entry = register_file_entry(krr=None)

    call_command("load_register", str(write_file(entry)))

    assert SyntheticPerson.objects.filter(fnr=entry["foedselsnummer"]).exists()
    assert not SyntheticKrrEntry.objects.exists()
