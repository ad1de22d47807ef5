"""The list's filter choices: the provider filter offers exactly the organisations that provide an insats."""

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
