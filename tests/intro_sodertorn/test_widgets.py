"""FastSelect writes the same <select> as Django's Select, only without a template per option."""

import re

from django import forms

from intro_sodertorn.widgets import FastSelect

CHOICES = [
    ("", "---------"),
    ("ar", "Arabiska"),
    ("sv", "Svenska"),
    ("Nordiska", [("da", "Danska"), ("no", "Norska <nynorsk & bokmål>")]),
    ("so", "Somaliska"),
]


def same_markup(html):
    # Django's templates put line breaks between the options; the browser ignores them.
    return re.sub(r">\s+<", "><", str(html).strip())


def test_fast_select_writes_the_same_html_as_djangos_select_with_groups_escaping_and_the_chosen_value():
    attrs = {"class": "form-select", "id": "id_language"}
    for value in [None, "", "sv", "no", "unknown"]:
        fast = FastSelect(attrs=attrs, choices=CHOICES).render("language", value)
        plain = forms.Select(attrs=attrs, choices=CHOICES).render("language", value)
        assert same_markup(fast) == same_markup(plain)


def test_fast_select_marks_the_chosen_option_selected_and_escapes_labels():
    html = FastSelect(choices=CHOICES).render("language", "no")

    assert '<option value="no" selected>Norska &lt;nynorsk &amp; bokmål&gt;</option>' in html
    assert html.count(" selected") == 1
    assert '<optgroup label="Nordiska">' in html
