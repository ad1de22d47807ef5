"""Role scoping: the one place that reads roles answers for every member of the cast."""

import pytest

from intro_sodertorn import access
from intro_sodertorn.models import Role

pytestmark = pytest.mark.django_db


def test_municipal_roles_are_scoped_to_their_municipality(cast, municipalities):
    huddinge, botkyrka = municipalities["Huddinge"], municipalities["Botkyrka"]
    assert access.insats_admin_municipality_ids(cast["admin-huddinge"]) == {huddinge.pk}
    assert access.insats_admin_municipality_ids(cast["admin-botkyrka"]) == {botkyrka.pk}
    assert access.municipality_ids(cast["admin-botkyrka"], Role.Kind.INSATS_ADMIN, side="intro") == set()
    assert access.municipality_ids(cast["admin-botkyrka"], Role.Kind.INSATS_ADMIN, side="sfi") == {botkyrka.pk}
    assert access.stat_reporter_municipality_ids(cast["rapportor-botkyrka"]) == {botkyrka.pk}
    assert access.intro_manager_municipality_ids(cast["introchef-botkyrka"]) == {botkyrka.pk}
    assert access.has_role(cast["admin-huddinge"], Role.Kind.INSATS_ADMIN, huddinge)
    assert not access.has_role(cast["admin-huddinge"], Role.Kind.INSATS_ADMIN, botkyrka)


def test_regional_roles(cast):
    assert access.is_strategist(cast["strateg"])
    assert not access.is_strategist(cast["admin-huddinge"])
    assert access.is_stat_admin(cast["statistik-region"])
    assert not access.is_stat_admin(cast["strateg"])


def test_a_reader_and_an_anonymous_visitor_hold_no_roles(cast):
    from django.contrib.auth.models import AnonymousUser

    assert access.roles_of(cast["lasare"]) == []
    assert access.roles_of(AnonymousUser()) == []
    assert access.any_municipality_ids(cast["lasare"]) == set()


def test_a_user_may_hold_several_roles_in_several_municipalities(cast, municipalities):
    user = cast["lasare"]
    Role.objects.create(user=user, kind=Role.Kind.INSATS_ADMIN, municipality=municipalities["Salem"], side="intro")
    Role.objects.create(user=user, kind=Role.Kind.STAT_REPORTER, municipality=municipalities["Tyresö"])
    access.forget_roles(user)
    assert access.any_municipality_ids(user) == {municipalities["Salem"].pk, municipalities["Tyresö"].pk}


def test_a_deactivated_user_holds_no_roles(cast):
    user = cast["strateg"]
    user.is_active = False
    access.forget_roles(user)
    assert not access.is_strategist(user)


def test_a_municipal_role_without_municipality_is_refused_by_the_database(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=cast["lasare"], kind=Role.Kind.INSATS_ADMIN, side="intro")
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=cast["lasare"], kind=Role.Kind.STRATEGIST, municipality_id=1)


def test_role_required_sends_anonymous_to_login_and_refuses_others(cast, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    @access.role_required(Role.Kind.STRATEGIST)
    def view(request):
        return HttpResponse("ok")

    request = rf.get("/uppdrag/")
    request.user = AnonymousUser()
    assert view(request).status_code == 302
    request.user = cast["lasare"]
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = cast["strateg"]
    assert view(request).status_code == 200


def test_django_admin_is_for_system_administrators_only(client_as):
    assert client_as("admin").get("/admin/").status_code == 200
    assert client_as("strateg").get("/admin/").status_code == 302
