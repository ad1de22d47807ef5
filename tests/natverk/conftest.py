import datetime

import pytest

from . import factories


@pytest.fixture
def register(cast, municipalities):
    """A small register: an SFI network with a Botkyrka and a Huddinge representative and a past member."""
    botkyrka, huddinge = municipalities["Botkyrka"], municipalities["Huddinge"]
    sfi_botkyrka = factories.organisation("SFI Botkyrka", botkyrka)
    sfi_huddinge = factories.organisation("SFI Huddinge", huddinge)
    yusuf = factories.contact(
        "Yusuf Demir", sfi_botkyrka, botkyrka, email="yusuf.demir@exempel.se", notes="Föredrar möten på förmiddagen."
    )
    mona = factories.contact("Mona Fredriksson", sfi_huddinge, huddinge, email="mona.fredriksson@exempel.se")
    rolf = factories.contact("Rolf Engström", sfi_huddinge, huddinge, email="rolf.engstrom@exempel.se")
    network = factories.network()
    factories.member(network, yusuf, botkyrka)
    factories.member(network, mona, huddinge)
    factories.member(network, rolf, huddinge, valid_to=datetime.date(2025, 6, 30))
    return {
        "botkyrka": botkyrka,
        "huddinge": huddinge,
        "sfi_botkyrka": sfi_botkyrka,
        "sfi_huddinge": sfi_huddinge,
        "yusuf": yusuf,
        "mona": mona,
        "rolf": rolf,
        "network": network,
    }
