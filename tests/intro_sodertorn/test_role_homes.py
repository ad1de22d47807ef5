"""A home page worth opening for every role: the reader, the intro manager and the system administrator."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from insatsbasen.models import Insats
from intro_sodertorn.models import AuditEvent
from tests.insatsbasen.conftest import make_insats  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_reader_gets_the_search_recent_insatser_and_categories(make_insats, client_as):  # noqa: F811
    published = make_insats("Cykelskola för vuxna, Fittja", municipality="Botkyrka")
    draft = make_insats("Utkast som ingen ska se", status=Insats.Status.DRAFT)
    response = client_as("lasare").get(reverse("home"))
    body = response.content.decode()
    assert 'id="home-search-q"' in body and f'action="{reverse("search")}"' in body
    assert reverse("insatsbasen:detail", args=[published.pk]) in body
    assert reverse("insatsbasen:detail", args=[draft.pk]) not in body
    assert f"{reverse('insatsbasen:index')}?category={published.category_id}" in body


def test_the_intro_manager_sees_the_freshness_of_their_own_municipality(make_insats, client_as):  # noqa: F811
    today = timezone.localdate()
    late = make_insats("Sen insats", municipality="Botkyrka")
    make_insats("Färsk insats", municipality="Botkyrka")
    make_insats("Huddinges insats", municipality="Huddinge")
    Insats.objects.filter(pk=late.pk).update(review_due_on=today - datetime.timedelta(days=40))
    response = client_as("introchef-botkyrka").get(reverse("home"))
    panel = next(p for p in response.context["panels"] if p.template == "insatsbasen/home_freshness.html")
    rows = {row.name: (row.active, row.due, row.overdue) for row in panel.context["rows"]}
    assert rows == {"Botkyrka": (2, 1, 1)}
    assert reverse("natverk:municipality_detail", args=["0127"]) in response.content.decode()


def test_the_system_administrator_gets_people_without_roles_and_failed_logins(client_as, cast):
    newcomer = get_user_model().objects.create_user("ny-person", first_name="Nora", last_name="Ny")
    AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN_FAILED)
    response = client_as("admin").get(reverse("home"))
    panel = next(p for p in response.context["panels"] if p.template == "includes/home_sysadmin.html")
    assert newcomer in panel.context["without_roles"]
    assert cast["lasare"] in panel.context["without_roles"]  # the reader has no role either
    assert cast["strateg"] not in panel.context["without_roles"]
    assert panel.context["failed_logins"] == 1
    body = response.content.decode()
    assert reverse("admin:auth_user_change", args=[newcomer.pk]) in body
    assert f"{reverse('audit_log')}?kind=login_failed" in body
    assert "Kontakta systemadministratören" not in body  # they are the system administrator


def test_only_the_system_administrator_gets_that_panel(client_as):
    for username in ("lasare", "strateg", "admin-huddinge"):
        response = client_as(username).get(reverse("home"))
        assert all(p.template != "includes/home_sysadmin.html" for p in response.context["panels"])
