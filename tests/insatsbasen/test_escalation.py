"""Overdue reviews: the owner's administrators on the matching side, a reminder two weeks after they were told, then
one escalation digest to the strategist per run, nothing twice. Frozen time relative to today."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from insatsbasen import services
from insatsbasen.models import Category, Insats
from intro_sodertorn.models import ReminderLog, Role

TODAY = timezone.localdate()


def on(days):
    """Run the nightly job ``days`` after today, at night."""
    moment = datetime.datetime.combine(TODAY + datetime.timedelta(days=days), datetime.time(2, 30))
    with time_machine.travel(timezone.make_aware(moment), tick=False):
        return services.review_reminders_send()


@pytest.fixture
def due(make_insats):
    """``due(name, municipality, overdue_days, category_slug)``: an insats whose review came that many days ago."""

    def make(name, municipality="Huddinge", overdue_days=0, category="sfi"):
        insats = make_insats(name, municipality=municipality, category=Category.objects.get(slug=category))
        Insats.objects.filter(pk=insats.pk).update(review_due_on=TODAY - datetime.timedelta(days=overdue_days))
        insats.refresh_from_db()
        return insats

    return make


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]


def test_reviews_reach_the_side_of_the_category_where_roles_are_split(cast, due, municipalities):
    intro = cast["admin-huddinge"].__class__.objects.create_user("intro-botkyrka", "intro-botkyrka@exempel.se")
    Role.objects.create(
        user=intro, kind=Role.Kind.INSATS_ADMIN, municipality=municipalities["Botkyrka"], side=Role.Side.INTRO
    )
    due("SFI kväll", municipality="Botkyrka", category="sfi")
    due("Praktik i vården", municipality="Botkyrka", category="praktik")
    # Huddinge has only an intro-side administrator: she answers for its SFI insatser too.
    due("SFI Flemingsberg", municipality="Huddinge", category="sfi")
    on(0)
    sfi, intro_side, huddinge = (
        mails_to("admin-botkyrka@exempel.se"),
        mails_to("intro-botkyrka@exempel.se"),
        mails_to("admin-huddinge@exempel.se"),
    )
    assert len(sfi) == len(intro_side) == len(huddinge) == 1
    assert "SFI kväll" in sfi[0].body and "Praktik i vården" not in sfi[0].body
    assert "Praktik i vården" in intro_side[0].body and "SFI kväll" not in intro_side[0].body
    assert "SFI Flemingsberg" in huddinge[0].body


def test_one_escalation_digest_names_the_municipalities_without_administrators_and_a_second_run_sends_nothing(
    cast, due
):
    for index in range(3):
        due(f"Salems kurs {index}", municipality="Salem", overdue_days=index)
    due("Nykvarns kurs", municipality="Nykvarn", overdue_days=5)
    due("Huddinges kurs", municipality="Huddinge")
    on(0)
    strategist = mails_to("strateg@exempel.se")
    assert len(strategist) == 1, [message.subject for message in strategist]
    body = strategist[0].body
    assert "Salem (3)" in body and "Nykvarn (1)" in body and "Nykvarns kurs" in body
    assert "Huddinges kurs" not in body, "Huddinge has an administrator: she is told first"
    assert "Kommuner utan insatsadministratörer" in body
    sent, logged = len(mail.outbox), ReminderLog.objects.count()
    assert on(0) == 0
    assert on(1) == 0
    assert (len(mail.outbox), ReminderLog.objects.count()) == (sent, logged)


def test_the_reminder_comes_two_weeks_after_the_owner_was_told_then_the_strategist_once(cast, due):
    # Two months overdue when the job first sees it (e.g. the job was down): the digest today, and no reminder the
    # next day although the due date is long past.
    insats = due("SFI grund", overdue_days=60)
    on(0)
    assert [m.to for m in mail.outbox] == [["admin-huddinge@exempel.se"]]
    assert "SFI grund" in mail.outbox[0].body and "?review=due" in mail.outbox[0].body
    for day in (1, 7, 13):
        on(day)
    assert len(mail.outbox) == 1
    on(14)
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["admin-huddinge@exempel.se"]
    assert "Påminnelse" in mail.outbox[1].body
    on(14)
    on(20)
    assert len(mail.outbox) == 2
    on(28)
    assert len(mail.outbox) == 3 and mail.outbox[2].to == ["strateg@exempel.se"]
    assert "Huddinge (1)" in mail.outbox[2].body and "SFI grund" in mail.outbox[2].body
    for day in (28, 29, 60):
        on(day)
    assert len(mail.outbox) == 3
    insats.refresh_from_db()
    assert insats.unverified_since == TODAY and insats.review_notices == services.ESCALATED


def test_many_escalations_in_one_run_are_one_email(cast, due):
    for index in range(35):
        due(f"Kurs {index:02}", municipality=["Huddinge", "Salem", "Nykvarn", "Botkyrka"][index % 4])
    for day in (0, 14, 28):
        on(day)
    strategist = mails_to("strateg@exempel.se")
    # Day 0: Salem and Nykvarn, nobody to tell; day 28: Huddinge and Botkyrka, told twice without a reaction.
    assert len(strategist) == 2
    assert all(f"Kurs {index:02}" in strategist[1].body for index in range(35) if index % 4 in (0, 3))


def test_a_verified_insats_is_not_escalated(cast, due):
    insats = due("SFI grund")
    on(0)
    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(12))), tick=False):
        services.insats_verify(insats, cast["admin-huddinge"])
    for day in (14, 28):
        on(day)
    assert len(mail.outbox) == 1


def test_show_all_opens_exactly_the_users_own_due_list(cast, due, client_as, make_insats):
    mine = [due(f"Huddinge {index:02}", overdue_days=index) for index in range(10)]
    due("Botkyrkas", municipality="Botkyrka")
    make_insats("Huddinge färsk", verified_days_ago=1)
    client = client_as("admin-huddinge")
    home = client.get("/").content.decode()
    assert "10 av dina insatser ska granskas" in home
    assert 'href="/insatser/?review=due&amp;sort=review_due_on"' in home
    listed = client.get("/insatser/?review=due&sort=review_due_on")
    assert listed.context["page"].paginator.count == 10
    assert {insats.pk for insats in listed.context["page"]} == {insats.pk for insats in mine}
    # The strategist's "mine" is every municipality's due list.
    assert client_as("strateg").get("/insatser/?review=due").context["page"].paginator.count == 11


def test_the_review_filter_is_offered_to_editors_only(client_as, make_insats):
    make_insats("Språkcafé")
    assert 'name="review"' in client_as("admin-huddinge").get("/insatser/").content.decode()
    assert 'name="review"' not in client_as("lasare").get("/insatser/").content.decode()
