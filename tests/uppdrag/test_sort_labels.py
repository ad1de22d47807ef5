"""The action points' sort options are Swedish in both directions (django-filter's "(descending)" is not)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_every_sort_option_is_written_in_swedish(client_as):
    html = client_as("strateg").get("/uppdrag/atgardspunkter/").content.decode()
    select = html.split('name="sort"')[1].split("</select>")[0]
    labels = [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]
    assert "Slutdatum, senaste först" in labels and "Prioritet, lägsta först" in labels
    assert not any("descending" in label or "fallande" in label for label in labels), labels
    assert len(labels) == len(set(labels)) == 9
