"""An insats's texts in the public languages: written by its administrators, with history and a version check,
shown on the public pages in the reader's language, else the Swedish text."""

import pytest
from django.urls import reverse

from insatsbasen import services
from insatsbasen.models import InsatsChange, InsatsText, ReferralCount

pytestmark = pytest.mark.django_db

ARABIC = {"summary": "دروس اللغة السويدية للبالغين.", "for_whom": "البالغون الجدد.", "how_to_apply": "اتصل بنا."}


@pytest.fixture
def insats(make_insats):
    return make_insats("SFI för föräldrar", "Huddinge", languages=["sv", "ar"], short_description="Svenska för vuxna.")


def test_an_administrator_writes_the_arabic_texts_with_history(insats, client_as):
    client = client_as("admin-huddinge")
    assert "Bara på svenska" in client.get(reverse("insatsbasen:texts", args=[insats.pk])).content.decode()
    url = reverse("insatsbasen:text_edit", args=[insats.pk, "ar"])
    page = client.get(url).content.decode()
    assert 'dir="rtl"' in page and "Svenska för vuxna." in page, "the form is right-to-left, the Swedish beside it"
    response = client.post(url, {**ARABIC, "version": 0})
    assert response.status_code == 302
    text = InsatsText.objects.get(insats=insats, language="ar")
    assert (text.summary, text.version) == (ARABIC["summary"], 1)
    history = InsatsChange.objects.filter(insats=insats, field__startswith="text:ar:")
    assert history.count() == 3
    detail = client.get(reverse("insatsbasen:detail", args=[insats.pk])).content.decode()
    assert "Kort beskrivning (العربية)" in detail


def test_a_stale_save_keeps_the_input_and_writes_nothing(insats, client_as, cast):
    services.insats_text_save(insats, "ar", ARABIC, cast["strateg"], expected_version=0)
    client = client_as("admin-huddinge")
    url = reverse("insatsbasen:text_edit", args=[insats.pk, "ar"])
    response = client.post(url, {**ARABIC, "summary": "نص أقدم", "version": 0})  # opened before the first save
    assert response.status_code == 200 and "Någon annan sparade" in response.content.decode()
    assert "نص أقدم" in response.content.decode()
    assert InsatsText.objects.get(insats=insats, language="ar").summary == ARABIC["summary"]


def test_emptying_every_text_removes_the_language(insats, cast):
    services.insats_text_save(insats, "ar", ARABIC, cast["strateg"], expected_version=0)
    services.insats_text_save(insats, "ar", {}, cast["strateg"], expected_version=1)
    assert not InsatsText.objects.filter(insats=insats).exists()


def test_other_municipalities_and_readers_may_not_write_and_a_bad_language_is_404(insats, client_as):
    url = reverse("insatsbasen:text_edit", args=[insats.pk, "ar"])
    assert client_as("admin-botkyrka").get(url).status_code == 403
    assert client_as("lasare").post(url, ARABIC).status_code == 403
    assert client_as("admin-huddinge").get(reverse("insatsbasen:text_edit", args=[insats.pk, "xx"])).status_code == 404
    assert not InsatsText.objects.exists()


def test_the_public_pages_show_the_translation_and_else_the_swedish(insats, anonymous_client, cast):
    services.insats_text_save(insats, "ar", ARABIC, cast["strateg"], expected_version=0)
    arabic = anonymous_client.get(f"/katalog/ar/{insats.pk}/").content.decode()
    assert f'<p class="lead mt-3" lang="ar">{ARABIC["summary"]}</p>' in arabic
    assert ARABIC["how_to_apply"] in arabic and "Svenska för vuxna." not in arabic
    somali = anonymous_client.get(f"/katalog/so/{insats.pk}/").content.decode()
    assert "Svenska för vuxna." in somali and ARABIC["summary"] not in somali
    listing = anonymous_client.get("/katalog/ar/").content.decode()
    assert ARABIC["summary"] in listing
    sheet = anonymous_client.get(f"/katalog/ar/{insats.pk}/hanvisning/").content.decode()
    own, swedish = sheet.split("data-referral-sv", 1)
    assert ARABIC["summary"] in own and ARABIC["summary"] not in swedish and "Svenska för vuxna." in swedish
    assert ReferralCount.objects.get().language == "ar"


def test_the_statistics_count_the_texts_per_municipality_and_language(insats, client_as, cast):
    services.insats_text_save(insats, "ar", ARABIC, cast["strateg"], expected_version=0)
    from insatsbasen.stats import tables

    table = next(table for table in tables(cast["strateg"]) if table.get("full_width"))  # the texts table
    row = next(row for row in table["rows"] if row[0] == "Huddinge")
    assert row[1] == 1 and row[table["header"].index("العربية")] == 1 and row[table["header"].index("Soomaali")] == 0
