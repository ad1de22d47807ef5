from django.utils import timezone

from insatsbasen.models import Insats


def test_everyone_logged_in_reads_non_archived_but_archived_only_editors(cast, make_insats):
    open_one = make_insats("Praktik i kommunen")
    archived = make_insats("Gammal kurs", status=Insats.Status.ARCHIVED)
    assert set(Insats.objects.visible_to(cast["lasare"])) == {open_one}
    assert set(Insats.objects.visible_to(cast["admin-botkyrka"])) == {open_one}
    assert set(Insats.objects.visible_to(cast["admin-huddinge"])) == {open_one, archived}
    assert set(Insats.objects.visible_to(cast["strateg"])) == {open_one, archived}


def test_only_admins_of_the_owning_municipality_and_the_strategist_edit(cast, make_insats):
    huddinge = make_insats("Samhällsorientering Huddinge")
    botkyrka = make_insats("SFI Botkyrka", municipality="Botkyrka")
    assert set(Insats.objects.editable_by(cast["admin-huddinge"])) == {huddinge}
    assert set(Insats.objects.editable_by(cast["admin-botkyrka"])) == {botkyrka}
    assert set(Insats.objects.editable_by(cast["strateg"])) == {huddinge, botkyrka}
    assert set(Insats.objects.editable_by(cast["admin"])) == {huddinge, botkyrka}
    assert not Insats.objects.editable_by(cast["lasare"]).exists()
    assert not Insats.objects.editable_by(cast["introchef-botkyrka"]).exists()


def test_a_participating_municipality_finds_the_cross_municipal_insats_but_cannot_edit_it(
    cast, make_insats, municipalities
):
    insats = make_insats("Gemensam validering")
    insats.participating_municipalities.add(municipalities["Botkyrka"])
    assert list(Insats.objects.for_municipality(municipalities["Botkyrka"])) == [insats]
    assert not Insats.objects.editable_by(cast["admin-botkyrka"]).exists()


def test_due_for_review_uses_the_category_interval_or_the_override(make_insats, taxonomy):
    today = timezone.localdate()
    old = make_insats("Gammal", verified_days_ago=200)
    fresh = make_insats("Färsk", verified_days_ago=20)
    override = make_insats("Tät kontroll", verified_days_ago=40, review_interval_months=1)
    validation = make_insats("Validering", verified_days_ago=200, category=taxonomy["categories"]["validering"])
    due = set(Insats.objects.due_for_review(today))
    assert old in due and override in due
    assert fresh not in due and validation not in due  # validation is reviewed every 12 months
    confirmed = timezone.localdate(validation.last_verified_at)  # the day in Stockholm
    assert validation.review_due_on == confirmed.replace(year=confirmed.year + 1)


def test_published_leaves_out_drafts(make_insats):
    published = make_insats("Publicerad")
    make_insats("Utkast", status=Insats.Status.DRAFT)
    assert list(Insats.objects.published()) == [published]
