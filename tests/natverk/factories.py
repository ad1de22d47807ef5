"""Small builders for the network register tests."""

import datetime

from natverk.models import Contact, Membership, Network, Organisation


def organisation(name="SFI Botkyrka", municipality=None, kind=Organisation.Kind.SFI_PROVIDER):
    return Organisation.objects.create(name=name, municipality=municipality, kind=kind)


def contact(name, organisation=None, municipality=None, email="", notes="", **extra):
    return Contact.objects.create(
        name=name, organisation=organisation, municipality=municipality, email=email, notes=notes, **extra
    )


def network(name="Södertörns SFI-nätverk", kind=Network.Kind.NETWORK):
    return Network.objects.create(name=name, kind=kind)


def member(network, contact, municipality=None, role="Representant för SFI", valid_from=None, valid_to=None):
    return Membership.objects.create(
        network=network,
        contact=contact,
        municipality=municipality,
        role=role,
        valid_from=valid_from or datetime.date(2025, 1, 1),
        valid_to=valid_to,
    )
