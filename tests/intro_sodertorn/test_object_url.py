"""``{% object_url %}`` (intro_sodertorn/templatetags/portal.py) gives exactly what ``{% url %}`` gives."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from intro_sodertorn.templatetags.portal import object_url

NAMES = ["natverk:contact_detail", "natverk:organisation_detail", "insatsbasen:detail", "uppdrag:actionpoint_detail"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 98, 987654321, 2**40])
def test_the_address_is_that_of_reverse(name, pk):
    assert object_url(name, pk) == reverse(name, args=[pk])


def test_under_a_script_prefix_and_in_a_template():
    set_script_prefix("/portal/")
    try:
        assert object_url("natverk:contact_detail", 12) == reverse("natverk:contact_detail", args=[12])
        assert object_url("natverk:contact_detail", 12).startswith("/portal/")
    finally:
        clear_script_prefix()
    rendered = Template("{% load portal %}<a href=\"{% object_url 'natverk:contact_detail' pk %}\">").render(
        Context({"pk": 5})
    )
    assert rendered == f'<a href="{reverse("natverk:contact_detail", args=[5])}">'


def test_a_key_that_is_not_a_number_is_refused():
    with pytest.raises((ValueError, TypeError)):
        object_url("natverk:contact_detail", "5/../../admin")
    with pytest.raises(NoReverseMatch):
        object_url("natverk:contact_list", 5)  # a page without a key
