"""The list's filters: the provider filter offers exactly the organisations that provide an insats; the language
filter finds exactly the insatser offered in the language (jsonb containment on PostgreSQL, text elsewhere)."""

from insatsbasen.forms import InsatsFilter
from natverk.models import Organisation


def test_the_provider_filter_offers_each_organisation_that_provides_an_insats_once_and_no_other(make_insats):
    folkhogskola = Organisation.objects.create(name="Folkhögskolan i Söder")
    studieforbund = Organisation.objects.create(name="Studieförbundet Väst")
    Organisation.objects.create(name="Föreningen utan insatser")
    make_insats("Svenska för föräldrar", provider=folkhogskola)
    make_insats("Svenska på kvällstid", provider=folkhogskola)
    make_insats("Praktik i vården", provider=studieforbund)

    choices = list(InsatsFilter({}).filters["provider"].queryset)

    assert choices == [folkhogskola, studieforbund]


def test_the_language_filter_finds_exactly_the_insatser_offered_in_that_language(make_insats, client_as):
    arabic = make_insats("Föräldragrupp på arabiska", languages=["ar", "sv"])
    make_insats("Föräldragrupp på somaliska", languages=["so"])
    # A code that starts with the asked code must not match ("arc", Aramaic, is not "ar").
    make_insats("Samtal på aramaiska", languages=["arc"])

    response = client_as("lasare").get("/insatser/", {"language": "ar"})

    assert [insats.pk for insats in response.context["page"]] == [arabic.pk]


def test_the_list_page_draws_every_filter_choice_with_its_label_and_keeps_the_chosen_one_selected(
    make_insats, client_as
):
    provider = Organisation.objects.create(name="Folkhögskolan i Söder")
    make_insats("Svenska för föräldrar", provider=provider)

    html = client_as("lasare").get("/insatser/", {"provider": provider.pk, "status": "published"}).content.decode()

    assert '<label class="form-label" for="id_provider">' in html
    assert f'<option value="{provider.pk}" selected>Folkhögskolan i Söder</option>' in html
    assert '<select name="status" class="form-select" id="id_status">' in html
    assert '<option value="published" selected>' in html
