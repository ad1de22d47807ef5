"""Django admin writes through the same services as the portal: a walk over every admin change form of insatsbasen."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django import forms
from django.contrib import admin

from insatsbasen.models import (
    Category,
    FreshnessSnapshot,
    Insats,
    InsatsChange,
    Place,
    SearchLog,
    SearchWeek,
    TargetGroup,
)

COMPLETE = {
    "languages": ["sv"],
    "how_to_apply": "Anmäl dig hos din handläggare.",
    "function_email": "sfi@huddinge.exempel.se",
    "is_remote": True,
}


def _values(form, data):
    for bound in form:
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
            continue
        if value is None:
            continue
        # value() is already what the widget renders (pks for relations, JSON text for JSON fields).
        if isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(item) for item in value]
        else:
            data[bound.html_name] = str(value)


def admin_form_data(response, **changes):
    """What the browser would post back from an admin change form, with ``changes``."""
    data = {}
    _values(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _values(formset.management_form, data)
        for form in formset.forms:
            _values(form, data)
    data.update(changes)
    return data


def change_url(obj):
    return f"/admin/insatsbasen/{obj._meta.model_name}/{obj.pk}/change/"


@pytest.fixture
def admin_client(client_as):
    return client_as("admin")


def search_hits(client, query):
    response = client.get("/insatser/", {"q": query})
    return [insats.name for insats in response.context["page"]]


def test_every_insatsbasen_model_in_admin_is_walked():
    registered = {model for model in admin.site._registry if model._meta.app_label == "insatsbasen"}
    # A model added to admin must get its case below (a write path through services, or read-only).
    assert registered == {Category, TargetGroup, Insats, InsatsChange, SearchLog, SearchWeek, FreshnessSnapshot}


def test_an_admin_edit_of_an_insats_records_history_bumps_the_version_and_refreshes_search(
    admin_client, make_insats, cast
):
    insats = make_insats("Cykelskola för vuxna", short_description="Lär dig i lugn takt", capacity=25, **COMPLETE)
    form = admin_client.get(change_url(insats))
    assert form.status_code == 200
    response = admin_client.post(
        change_url(insats), admin_form_data(form, capacity="40", name="Trafikträning för vuxna", reason="Fler platser")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    insats.refresh_from_db()
    assert (insats.capacity, insats.version, insats.updated_by) == (40, 2, cast["admin"])
    changes = {change.field: change for change in InsatsChange.objects.filter(insats=insats)}
    assert set(changes) == {"capacity", "name"}
    assert (changes["capacity"].old_value, changes["capacity"].new_value) == ("25", "40")
    assert changes["capacity"].changed_by == cast["admin"] and changes["capacity"].reason == "Fler platser"
    assert search_hits(admin_client, "trafikträning") == ["Trafikträning för vuxna"]
    assert search_hits(admin_client, "cykelskola") == []


def test_an_admin_edit_without_a_reason_says_it_came_from_admin(admin_client, make_insats):
    insats = make_insats("Språkcafé", **COMPLETE)
    form = admin_client.get(change_url(insats))
    admin_client.post(change_url(insats), admin_form_data(form, hours="Ons 17–19"))
    assert InsatsChange.objects.get(insats=insats).reason == "Ändrad i Django admin"


def test_places_changed_in_the_admin_inline_are_in_the_history(admin_client, make_insats):
    insats = make_insats("Språkcafé", **COMPLETE)
    Place.objects.create(insats=insats, street_address="Storgatan 1", city="Huddinge")
    form = admin_client.get(change_url(insats))
    response = admin_client.post(change_url(insats), admin_form_data(form, **{"places-0-street_address": "Torget 3"}))
    assert response.status_code == 302
    change = InsatsChange.objects.get(insats=insats)
    assert (change.field, change.old_value, change.new_value) == (
        "places",
        "Storgatan 1, Huddinge",
        "Torget 3, Huddinge",
    )
    insats.refresh_from_db()
    assert insats.version == 2


def test_a_stale_admin_form_is_refused_and_overwrites_nothing(admin_client, make_insats):
    insats = make_insats("Språkcafé", capacity=25, **COMPLETE)
    form = admin_client.get(change_url(insats))
    Insats.objects.filter(pk=insats.pk).update(version=2, capacity=30)
    response = admin_client.post(change_url(insats), admin_form_data(form, capacity="40"))
    assert response.status_code == 200 and "Någon annan sparade" in response.content.decode()
    insats.refresh_from_db()
    assert (insats.capacity, insats.version) == (30, 2)


def test_admin_cannot_publish_what_the_gate_refuses(admin_client, make_insats):
    insats = make_insats("Nästan tom", status=Insats.Status.DRAFT, **{**COMPLETE, "how_to_apply": ""})
    form = admin_client.get(change_url(insats))
    response = admin_client.post(change_url(insats), admin_form_data(form, status="published"))
    assert response.status_code == 200 and "Den kan inte publiceras ännu" in response.content.decode()
    insats.refresh_from_db()
    assert insats.status == Insats.Status.DRAFT and not InsatsChange.objects.filter(insats=insats).exists()


def test_an_insats_added_in_admin_gets_its_created_row(admin_client, taxonomy, municipalities):
    form = admin_client.get("/admin/insatsbasen/insats/add/")
    data = admin_form_data(
        form,
        name="Jobbklubb",
        short_description="Stöd att söka jobb",
        category=str(taxonomy["categories"]["praktik"].pk),
        owner_municipality=str(municipalities["Huddinge"].pk),
        intake="continuous",
        status="draft",
        languages='["sv"]',
        funding="[]",
    )
    response = admin_client.post("/admin/insatsbasen/insats/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    insats = Insats.objects.get(name="Jobbklubb")
    assert insats.changes.get().field == "created" and insats.review_due_on is not None
    assert search_hits(admin_client, "jobbklubb") == ["Jobbklubb"]


def test_admin_actions_go_through_the_status_service(admin_client, make_insats):
    complete = make_insats("Hel", status=Insats.Status.DRAFT, **COMPLETE)
    incomplete = make_insats("Halv", status=Insats.Status.DRAFT, **{**COMPLETE, "languages": []})
    response = admin_client.post(
        "/admin/insatsbasen/insats/",
        {"action": "publish_selected", "_selected_action": [complete.pk, incomplete.pk]},
        follow=True,
    )
    assert "minst ett undervisningsspråk" in response.content.decode()
    complete.refresh_from_db()
    incomplete.refresh_from_db()
    assert (complete.status, complete.version) == (Insats.Status.PUBLISHED, 2)
    assert (incomplete.status, incomplete.version) == (Insats.Status.DRAFT, 1)
    assert complete.changes.get().field == "status" and not incomplete.changes.exists()
    admin_client.post("/admin/insatsbasen/insats/", {"action": "archive_selected", "_selected_action": [complete.pk]})
    complete.refresh_from_db()
    assert complete.status == Insats.Status.ARCHIVED and complete.version == 3


def test_an_insats_is_archived_never_deleted_in_admin(admin_client, make_insats):
    insats = make_insats("Språkcafé", **COMPLETE)
    assert admin_client.get(f"{change_url(insats)[: -len('change/')]}delete/").status_code == 403
    response = admin_client.post(
        "/admin/insatsbasen/insats/", {"action": "delete_selected", "_selected_action": [insats.pk]}
    )
    assert Insats.objects.filter(pk=insats.pk).exists() and response.status_code in (200, 302)


def test_a_category_change_refreshes_its_insatser_review_dates_and_search_text(admin_client, make_insats):
    insats = make_insats("Yrkessvenska", verified_days_ago=0, **COMPLETE)
    category = insats.category
    form = admin_client.get(change_url(category))
    response = admin_client.post(
        change_url(category), admin_form_data(form, review_interval_months="12", name="Svenska som andraspråk")
    )
    assert response.status_code == 302
    insats.refresh_from_db()
    assert insats.review_due_on == insats.last_confirmed_on + relativedelta(months=12)
    assert "Yrkessvenska" in search_hits(admin_client, "andraspråk")


def test_a_target_group_rename_refreshes_the_search_text(admin_client, make_insats, taxonomy):
    group = taxonomy["groups"]["unga"]
    make_insats("Läxhjälp", target_groups=[group], **COMPLETE)
    form = admin_client.get(change_url(group))
    response = admin_client.post(change_url(group), admin_form_data(form, name="Tonåringar"))
    assert response.status_code == 302
    assert search_hits(admin_client, "tonåringar") == ["Läxhjälp"]


def test_the_rows_the_portal_writes_are_read_only_in_admin(admin_client, make_insats, municipalities, cast):
    insats = make_insats("Språkcafé", **COMPLETE)
    change = InsatsChange.objects.create(insats=insats, changed_by=cast["admin"], field="name", new_value="x")
    log = SearchLog.objects.create(query="körkort", week=datetime.date.today())
    week = SearchWeek.objects.create(week=datetime.date.today(), searches=3)
    snapshot = FreshnessSnapshot.objects.create(
        day=datetime.date.today(), municipality=municipalities["Huddinge"], maintained=2, fresh=1
    )
    for obj, field in ((change, "new_value"), (log, "query"), (week, "searches"), (snapshot, "fresh")):
        before = getattr(obj, field)
        assert admin_client.get(change_url(obj)).status_code == 200  # shown to read
        response = admin_client.post(change_url(obj), {field: "99"})
        assert response.status_code == 403
        obj.refresh_from_db()
        assert getattr(obj, field) == before
        add_url = f"/admin/insatsbasen/{obj._meta.model_name}/add/"
        assert admin_client.get(add_url).status_code == 403
