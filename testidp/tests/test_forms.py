"""The login form takes any checksum-valid fødselsnummer (O-5); synthetic ones outside prod."""

from testidp.forms import LoginForm
from tests.factories import new_fnr


def test_a_valid_synthetic_number_is_accepted_with_spaces_removed():
    fnr = new_fnr()
    form = LoginForm({"fnr": f" {fnr[:6]} {fnr[6:]} "})
    assert form.is_valid()
    assert form.cleaned_data["fnr"] == fnr


def test_a_wrong_check_digit_is_refused():
    fnr = new_fnr()
    form = LoginForm({"fnr": fnr[:10] + str((int(fnr[10]) + 1) % 10)})
    assert not form.is_valid()
    assert "ikke gyldig" in form.errors["fnr"][0]


def test_synthetic_numbers_are_refused_where_they_are_off(settings):
    settings.ALLOW_SYNTHETIC_FNR = False
    assert not LoginForm({"fnr": new_fnr()}).is_valid()


def test_an_empty_field_asks_for_the_number():
    form = LoginForm({"fnr": ""})
    assert not form.is_valid()
    assert "Skriv inn fødselsnummeret" in form.errors["fnr"][0]
