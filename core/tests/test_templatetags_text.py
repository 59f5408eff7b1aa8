"""The `breakable` filter: break points inside long tokens, everything escaped."""

from django.template import Context, Template

from core.templatetags.text import breakable


def test_an_email_address_may_break_after_its_at_sign_and_dots():
    assert breakable("kari.nordmann@example.com") == "kari.<wbr>nordmann@<wbr>example.<wbr>com"


def test_a_link_may_break_after_a_run_of_slashes_and_before_its_query_value():
    assert breakable("https://a.no/x?kommunenummer=0301") == (
        "https://<wbr>a.<wbr>no/<wbr>x?<wbr>kommunenummer=<wbr>0301"
    )


def test_words_and_a_trailing_dot_are_left_alone():
    assert breakable("Storgata 1. Oslo") == "Storgata 1. Oslo"


def test_the_value_is_escaped_and_an_entity_is_never_split():
    assert breakable("<b>a&b</b>") == "&lt;b&gt;a&amp;<wbr>b&lt;/<wbr>b&gt;"


def test_in_a_template_the_output_is_not_escaped_twice():
    rendered = Template("{% load text %}{{ v|breakable }}").render(Context({"v": "a@b.no"}))
    assert rendered == "a@<wbr>b.<wbr>no"


def test_nothing_for_none():
    assert breakable(None) == ""
