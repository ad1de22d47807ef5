"""The organisation list counts each organisation's active contacts (only those of the page's organisations)."""

import pytest
from django.urls import reverse

from natverk.models import Contact, Organisation

pytestmark = pytest.mark.django_db


def test_each_organisation_shows_its_active_contacts_and_none_is_zero(client_as):
    busy = Organisation.objects.create(name="Arbetsförmedlingen Huddinge")
    Organisation.objects.create(name="Biblioteket i Salem")
    for name, active in (("Anna", True), ("Bo", True), ("Cecilia", False)):
        Contact.objects.create(name=name, organisation=busy, is_active=active)
    Contact.objects.create(name="Utan organisation")
    response = client_as("lasare").get(reverse("natverk:organisation_list"))
    counts = {o.name: o.contact_count for o in response.context["page"].object_list}
    assert counts == {"Arbetsförmedlingen Huddinge": 2, "Biblioteket i Salem": 0}
