"""Fictitious demo data for the network register (called first of all apps by manage.py load_demo).

The organisations and networks are those the 2010 seed documents name; every person is invented
(none of the names in the seeds is used). Dates are relative to today so the pages look alive.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Attendance, Contact, Decision, Meeting, Membership, Municipality, Network, Organisation

K = Organisation.Kind

REGIONAL_ORGANISATIONS = [
    ("Arbetsförmedlingen", K.EMPLOYMENT_SERVICE, "https://arbetsformedlingen.se"),
    ("Länsstyrelsen i Stockholms län", K.COUNTY_BOARD, "https://www.lansstyrelsen.se/stockholm"),
    ("Migrationsverket", K.MIGRATION_AGENCY, "https://www.migrationsverket.se"),
    ("SKL – Sveriges Kommuner och Landsting", K.SKL, "https://skr.se"),
    ("KSL – Kommunförbundet Stockholms Län", K.KSL, "https://www.storsthlm.se"),
    ("Stockholms läns landsting", K.COUNTY_COUNCIL, "https://www.regionstockholm.se"),
    ("Försäkringskassan", K.SOCIAL_INSURANCE, "https://www.forsakringskassan.se"),
    ("Samordningsförbundet Södertörn (Finsam)", K.COORDINATION_ASSOCIATION, ""),
    ("Transkulturellt centrum", K.COUNTY_COUNCIL, ""),
    ("ESF-projektet Directa", K.ESF_PROJECT, ""),
    ("ESF-projektet Diversa", K.ESF_PROJECT, ""),
    ("Finsamprojektet Exigo", K.ESF_PROJECT, ""),
    ("Introduktion Södertörn, regionalt kansli", K.OTHER, ""),
    ("Röda Korset Södertörn", K.NON_PROFIT, ""),
    ("Studieförbundet Vuxenskolan Södertörn", K.FOLK_HIGH_SCHOOL, ""),
    ("Föreningen Nya Grannar (fiktiv)", K.NON_PROFIT, ""),
]

# (network name, kind, purpose)
NETWORKS = [
    (
        "Södertörns SFI-nätverk",
        Network.Kind.NETWORK,
        "SFI-ansvariga i Södertörnskommunerna: utbud, omställningen och SFI:s roll i etableringen.",
    ),
    (
        "Samordningsgruppen för introduktionschefer",
        Network.Kind.COORDINATION_GROUP,
        "Introduktionscheferna följer upp handlingsplaner, insatsbasen och statistiken.",
    ),
    (
        "Styrgruppen Introduktion Södertörn",
        Network.Kind.STEERING_GROUP,
        "Enhetschefer från varje kommun och Arbetsförmedlingen styr det gemensamma arbetet.",
    ),
    (
        "Styrgruppen Samhällsinformation",
        Network.Kind.STEERING_GROUP,
        "Planerar samhällsinformationen och informationsinsatser hos deltagande aktörer.",
    ),
    (
        "Referensgrupp Directa/Diversa",
        Network.Kind.REFERENCE_GROUP,
        "Referensgrupp för ESF-projekten Directa och Diversa.",
    ),
    (
        "Referensgrupp regionalt kansli samhällsorientering",
        Network.Kind.REFERENCE_GROUP,
        "Referensgrupp för genomförandet av ett regionalt gemensamt kansli för samhällsorientering.",
    ),
]

# Invented people: (first name, last name) per municipality for intro chief, SFI representative, unit head.
MUNICIPAL_PEOPLE = {
    "Värmdö": [("Karin", "Alm"), ("Petra", "Sjöberg"), ("Henrik", "Wall")],
    "Huddinge": [("Lars", "Öberg"), ("Mona", "Fredriksson"), ("Eva-Lena", "Strand")],
    "Botkyrka": [None, ("Yusuf", "Demir"), ("Camilla", "Rosén")],
    "Salem": [("Annika", "Borg"), None, ("Thomas", "Ljung")],
    "Haninge": [("Nadia", "Berglund"), ("Göran", "Hägg"), ("Susanne", "Lund")],
    "Tyresö": [("Per", "Nordin"), ("Ingrid", "Vik"), ("Mats", "Ahlgren")],
    "Södertälje": [("Fatima", "Rahimi"), ("Jonas", "Blom"), ("Helena", "Ek")],
    "Nynäshamn": [("Kristina", "Dahl"), ("Ali", "Yilmaz"), ("Bo", "Frisk")],
    "Nacka": [("Sofia", "Lundgren"), ("Magnus", "Krantz"), None],
    "Nykvarn": [("Linnea", "Holmberg"), None, None],
}

REGIONAL_PEOPLE = [
    # (first, last, title, organisation)
    ("Gunilla", "Åkerman", "Sakområdesspecialist etablering", "Arbetsförmedlingen"),
    ("Reza", "Moradi", "Etableringsprojektledare", "Arbetsförmedlingen"),
    ("Cecilia", "Falk", "Handläggare integration", "Länsstyrelsen i Stockholms län"),
    ("Pontus", "Grahn", "Utredare", "KSL – Kommunförbundet Stockholms Län"),
    ("Hanna", "Westin", "Handläggare nyanländas etablering", "SKL – Sveriges Kommuner och Landsting"),
    ("Daniel", "Sund", "Förbundschef", "Samordningsförbundet Södertörn (Finsam)"),
    ("Marie", "Ekholm", "Projektledare", "ESF-projektet Directa"),
    ("Ahmed", "Nur", "Projektledare", "ESF-projektet Diversa"),
    ("Lena", "Hed", "Verksamhetschef", "Transkulturellt centrum"),
    ("Birger", "Nylén", "Enhetschef mottagning", "Migrationsverket"),
    ("Elin", "Sandell", "Samordnare", "Röda Korset Södertörn"),
]

CAST_CONTACTS = {
    # username: (title, organisation name or None for the municipal intro unit, municipality)
    "strateg": ("Introduktionsstrateg", "Introduktion Södertörn, regionalt kansli", None),
    "introchef-botkyrka": ("Introduktionschef", None, "Botkyrka"),
    "admin-botkyrka": ("SFI-samordnare", "sfi", "Botkyrka"),
    "admin-huddinge": ("Handläggare introduktion", None, "Huddinge"),
}


def _email(first, last):
    plain = f"{first}.{last}".lower()
    for a, b in (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e")):
        plain = plain.replace(a, b)
    return f"{plain}@exempel.se"


def _contact(first, last, title, organisation, municipality, email=None):
    contact, _created = Contact.objects.get_or_create(
        email=email or _email(first, last),
        defaults={
            "name": f"{first} {last}",
            "title": title,
            "organisation": organisation,
            "municipality": municipality,
            "phone": f"08-{sum(map(ord, first + last)) % 900 + 100} {sum(map(ord, last)) % 90 + 10} 00",
        },
    )
    return contact


def _member(network, contact, role, municipality, valid_from, valid_to=None):
    Membership.objects.get_or_create(
        network=network,
        contact=contact,
        valid_from=valid_from,
        defaults={"role": role, "municipality": municipality, "valid_to": valid_to},
    )


def load(stdout=None):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=600)
    orgs = {}
    for name, kind, website in REGIONAL_ORGANISATIONS:
        orgs[name], _c = Organisation.objects.get_or_create(
            name=name, municipality=None, defaults={"kind": kind, "website": website}
        )
    intro_units, sfi_units = {}, {}
    municipalities = {m.name: m for m in Municipality.objects.all()}
    for name, municipality in municipalities.items():
        intro_units[name], _c = Organisation.objects.get_or_create(
            name=f"Introduktionsenheten {name}", municipality=municipality, defaults={"kind": K.MUNICIPAL_UNIT}
        )
        sfi_units[name], _c = Organisation.objects.get_or_create(
            name=f"SFI {name}", municipality=municipality, defaults={"kind": K.SFI_PROVIDER}
        )
    networks = {}
    for name, kind, purpose in NETWORKS:
        networks[name], _c = Network.objects.get_or_create(name=name, defaults={"kind": kind, "purpose": purpose})
    sfi, coordination, steering, info, directa, so_ref = (networks[name] for name, _k, _p in NETWORKS)

    # The cast users who work in the register get a contact with the same e-mail.
    users = {user.username: user for user in get_user_model().objects.filter(username__in=CAST_CONTACTS)}
    cast = {}
    for username, (title, org_name, municipality_name) in CAST_CONTACTS.items():
        user = users.get(username)
        if user is None:
            continue
        municipality = municipalities.get(municipality_name)
        if org_name == "sfi":
            organisation = sfi_units[municipality_name]
        elif org_name:
            organisation = orgs[org_name]
        else:
            organisation = intro_units[municipality_name]
        cast[username] = _contact(user.first_name, user.last_name, title, organisation, municipality, user.email)
    strategist = cast.get("strateg")
    for network in (sfi, coordination, steering, info, so_ref):
        network.convenor = strategist
        network.save(update_fields=["convenor"])

    people = {}
    for name, trio in MUNICIPAL_PEOPLE.items():
        municipality = municipalities[name]
        chief, sfi_rep, head = trio
        if name == "Botkyrka":
            people[(name, "chief")] = cast.get("introchef-botkyrka")
        elif chief:
            people[(name, "chief")] = _contact(*chief, "Introduktionschef", intro_units[name], municipality)
        if sfi_rep:
            people[(name, "sfi")] = _contact(*sfi_rep, "Rektor SFI", sfi_units[name], municipality)
        if head:
            people[(name, "head")] = _contact(*head, "Enhetschef arbetsmarknad", intro_units[name], municipality)
    regional = {last: _contact(first, last, title, orgs[org], None) for first, last, title, org in REGIONAL_PEOPLE}

    for name, municipality in municipalities.items():
        # Nykvarn and Salem have no SFI representative: the one-click check shows them.
        if people.get((name, "sfi")):
            _member(sfi, people[(name, "sfi")], "Representant för SFI", municipality, start)
        if people.get((name, "chief")):
            _member(coordination, people[(name, "chief")], "Introduktionschef", municipality, start)
        if people.get((name, "head")):
            _member(steering, people[(name, "head")], "Ledamot", municipality, start)
    if strategist:
        _member(sfi, strategist, "Sammankallande", None, start)
        _member(coordination, strategist, "Sammankallande", None, start)
        _member(steering, strategist, "Föredragande", None, start)
    _member(steering, regional["Åkerman"], "Ledamot för Arbetsförmedlingen", None, start)
    for last in ("Falk", "Grahn"):
        _member(so_ref, regional[last], "Ledamot", None, start)
    for last in ("Ekholm", "Nur", "Sund", "Moradi"):
        _member(directa, regional[last], "Ledamot", None, start)
    for key in (("Salem", "chief"), ("Botkyrka", "head"), ("Södertälje", "chief")):
        if people.get(key):
            _member(info, people[key], "Ledamot", municipalities[key[0]], start)

    # History: former representatives whose memberships ended.
    former_sfi = _contact("Rolf", "Engström", "Tidigare rektor SFI", sfi_units["Salem"], municipalities["Salem"])
    _member(
        sfi, former_sfi, "Representant för SFI", municipalities["Salem"], start, today - datetime.timedelta(days=90)
    )
    former_chief = _contact(
        "Agneta", "Malm", "Tidigare introduktionschef", intro_units["Nykvarn"], municipalities["Nykvarn"]
    )
    _member(
        coordination,
        former_chief,
        "Introduktionschef",
        municipalities["Nykvarn"],
        start,
        today - datetime.timedelta(days=200),
    )
    Contact.objects.filter(pk=former_chief.pk).update(is_active=False)

    # A contact untouched for three years: the retention review lists her.
    old = _contact("Siv", "Granqvist", "Tidigare samordnare", orgs["Röda Korset Södertörn"], None)
    three_years_ago = timezone.now() - datetime.timedelta(days=3 * 365)
    Contact.objects.filter(pk=old.pk).update(
        is_active=False, updated_at=three_years_ago, last_activity_at=three_years_ago
    )

    _meetings(sfi, coordination, steering, today, strategist)
    if stdout:
        stdout.write(
            f"natverk: {Organisation.objects.count()} organisations, {Contact.objects.count()} contacts, "
            f"{Network.objects.count()} networks, {Meeting.objects.count()} meetings"
        )


def _meeting(network, day, place, agenda, notes, decisions, strategist, excused=()):
    meeting, created = Meeting.objects.get_or_create(
        network=network, date=day, defaults={"place": place, "agenda": agenda, "notes": notes, "created_by": None}
    )
    if not created or day > timezone.localdate():
        # A coming meeting has no attendance list yet.
        return meeting
    for membership in network.memberships.current(day).select_related("contact"):
        status = Attendance.Status.EXCUSED if membership.contact.name in excused else Attendance.Status.PRESENT
        Attendance.objects.get_or_create(meeting=meeting, contact=membership.contact, defaults={"status": status})
    for position, text in enumerate(decisions, start=1):
        Decision.objects.create(meeting=meeting, text=text, position=position)
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    Contact.objects.filter(attendances__meeting=meeting, is_active=True).update(last_activity_at=when)
    return meeting


def _meetings(sfi, coordination, steering, today, strategist):
    _meeting(
        sfi,
        today - datetime.timedelta(days=21),
        "Huddinge kommunhus, sal 3",
        "1. Introduktionsstrategens uppdrag\n2. Omställningen till etableringslagen\n3. Representanter för SFI",
        "Nätverket vill ha en gemensam bild av utbudet av specialiserad SFI i regionen.",
        [
            "SFI-nätverket utser en representant till omställningsarbetet per kommun.",
            "Strategen sammanställer utbudet av specialiserad SFI till nästa möte.",
        ],
        strategist,
        excused=("Ingrid Vik",),
    )
    _meeting(
        coordination,
        today - datetime.timedelta(days=45),
        "Botkyrka, Tumba",
        "1. Uppföljning av handlingsplanerna\n2. Insatsbasen: rutiner och administratörer\n3. Statistiken",
        "Alla fyra handlingsplaner följdes upp. Rutinerna för insatsbasen följs redan upp i uppdragen.",
        # Not the insatsbasen points: uppdrag's demo already has those as action points of its own, and
        # uppdrag loads after natverk, so a decision here with the same content would look like a missed link.
        [
            "Kommunerna skickar sina reviderade handlingsplaner till strategen senast den 15 januari.",
            "Arbetsförmedlingen bjuds in till nästa möte för att berätta om etableringslotsarna.",
        ],
        strategist,
    )
    _meeting(
        steering,
        today + datetime.timedelta(days=14),
        "Haninge, Handens centrum",
        "1. Områden för fortsatt gemensamt strategiskt arbete\n2. Samhällsorienteringen\n3. Bosättningsfrågan",
        "",
        [],
        strategist,
    )
