"""Duplicate detection and the one-click representation check, at the service level."""

import datetime

import pytest

from natverk import services

from . import factories

pytestmark = pytest.mark.django_db


def test_names_are_normalised_for_comparison():
    assert services.normalise_name("  Åsa  Berg-Lind ") == "asa berg lind"
    assert services.normalise_name("Anna-Karin Berg") == services.normalise_name("anna karin  berg")


@pytest.mark.parametrize("name", ["Yusuf Demir", "yusuf demir", "Jusuf Demir", "Yusuf Demir-"])
def test_a_similar_name_at_the_same_organisation_is_a_possible_duplicate(register, name):
    candidates = services.contact_find_duplicates(name, "", register["sfi_botkyrka"])
    assert [contact for contact, _reason in candidates] == [register["yusuf"]]


def test_a_similar_name_at_another_organisation_is_not_a_duplicate(register):
    assert services.contact_find_duplicates("Jusuf Demir", "", register["sfi_huddinge"]) == []


def test_the_same_name_at_another_organisation_is_perhaps_the_same_person(register):
    candidates = services.contact_find_duplicates("Yusuf Demir", "", register["sfi_huddinge"])
    assert [contact for contact, _reason in candidates] == [register["yusuf"]]


def test_two_colleagues_with_close_names_are_not_duplicates(register):
    factories.contact("Karin Alm", register["sfi_botkyrka"], register["botkyrka"])
    assert services.contact_find_duplicates("Karin Ahl", "", register["sfi_botkyrka"]) == []


def test_the_same_email_is_a_duplicate_whatever_the_name_and_case(register):
    candidates = services.contact_find_duplicates("Någon Annan", "Yusuf.Demir@Exempel.se", None)
    assert [contact for contact, _reason in candidates] == [register["yusuf"]]


def test_an_anonymised_contact_is_never_a_duplicate(register):
    services.contact_anonymise(register["yusuf"], None)
    assert services.contact_find_duplicates(register["yusuf"].name, "", register["sfi_botkyrka"]) == []


def test_representation_counts_only_current_memberships_of_current_member_municipalities(register, municipalities):
    network = register["network"]
    missing = {
        m.name for m in services.network_municipalities_without_representative(network, datetime.date(2026, 3, 1))
    }
    assert "Botkyrka" not in missing and "Huddinge" not in missing and "Salem" in missing
    # Nacka and Nykvarn joined in 2011: in 2010 they were not members, so they are not "missing".
    missing_2010 = {
        m.name for m in services.network_municipalities_without_representative(network, datetime.date(2010, 6, 1))
    }
    assert "Nacka" not in missing_2010 and "Nykvarn" not in missing_2010
    # Yusuf's membership started 2025: in 2010 Botkyrka had no representative.
    assert "Botkyrka" in missing_2010
