"""A large fictitious network register for performance work (``manage.py seed_large``, the query-budget tests).

Bulk inserts only: organisations in every municipality, contacts in them, networks with memberships,
and meetings with attendance and decisions. The vocabulary is the demo's (``demo.py``); every name,
e-mail address and phone number is invented. Adds to what is there (names are numbered after it).
"""

import datetime
import random

from django.utils import timezone

from . import demo
from .models import Attendance, Contact, Decision, Meeting, Membership, Municipality, Network, Organisation

BATCH = 2000

FIRST_NAMES = [
    "Anna", "Karin", "Eva", "Maria", "Sara", "Fatima", "Amina", "Leila", "Hanna", "Ingrid", "Linnea", "Nadia",
    "Sofia", "Petra", "Camilla", "Mona", "Ali", "Ahmed", "Hassan", "Yusuf", "Reza", "Omar", "Lars", "Per",
    "Johan", "Mikael", "Anders", "Henrik", "Göran", "Jonas", "Magnus", "Thomas", "Daniel", "Nils", "Elin", "Maja",
]  # fmt: skip
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Lindberg", "Lindqvist", "Berg", "Holm", "Sjöberg", "Åberg", "Öhman", "Ek", "Strand", "Falk",
    "Demir", "Yilmaz", "Rahimi", "Moradi", "Nur", "Ali", "Hussein", "Mohammed", "Haddad", "Tesfaye", "Abdi",
]  # fmt: skip
TITLES = [
    "Handläggare introduktion", "Introduktionschef", "Rektor SFI", "SFI-lärare", "Studie- och yrkesvägledare",
    "Enhetschef arbetsmarknad", "Samhällskommunikatör", "Hälsokommunikatör", "Arbetsmarknadskonsulent",
    "Etableringshandläggare", "Projektledare", "Samordnare", "Utredare", "Socialsekreterare",
]  # fmt: skip
# (name pattern, kind) of municipal organisations; {place} is a district of the municipality.
ORGANISATIONS = [
    ("Arbetsmarknadsenheten {place}", Organisation.Kind.MUNICIPAL_UNIT),
    ("Vägledningscentrum {place}", Organisation.Kind.MUNICIPAL_UNIT),
    ("Språkskolan {place} (fiktiv)", Organisation.Kind.SFI_PROVIDER),
    ("Föreningen Grannar i {place} (fiktiv)", Organisation.Kind.NON_PROFIT),
    ("Studiecirkeln {place} (fiktiv)", Organisation.Kind.FOLK_HIGH_SCHOOL),
    ("Projekt Vägen in {place} (fiktivt)", Organisation.Kind.ESF_PROJECT),
]
DISTRICTS = {
    "Huddinge": ["Flemingsberg", "Skogås", "Vårby"],
    "Botkyrka": ["Fittja", "Alby", "Tumba"],
    "Haninge": ["Handen", "Jordbro"],
    "Nynäshamn": ["Ösmo", "Sorunda"],
    "Salem": ["Rönninge"],
    "Södertälje": ["Hovsjö", "Ronna", "Geneta"],
    "Tyresö": ["Trollbäcken"],
    "Värmdö": ["Gustavsberg"],
    "Nacka": ["Fisksätra", "Orminge"],
    "Nykvarn": ["Nykvarn centrum"],
}
NETWORK_TOPICS = [
    "SFI-lärare", "Samhällsorientering", "Praktikplatser", "Bosättning", "Hälsa och vård", "Föräldrastöd",
    "Ensamkommande", "Validering", "Studie- och yrkesvägledning", "Språkstöd",
]  # fmt: skip
AGENDA = [
    "1. Föregående protokoll\n2. Läget i kommunerna\n3. Statistiken\n4. Övriga frågor",
    "1. Uppföljning av handlingsplanerna\n2. Insatsbasen: rutiner\n3. Nästa möte",
    "1. Omställningen till etableringslagen\n2. Representanter för SFI\n3. Informationsinsatser",
]
DECISIONS = [
    "Strategen sammanställer kommunernas synpunkter till nästa möte.",
    "Varje kommun utser en kontaktperson för frågan.",
    "Gruppen bjuder in Arbetsförmedlingen till nästa möte.",
    "Kommunerna skickar sina uppgifter till strategen inom fyra veckor.",
    "Frågan lyfts till styrgruppen.",
]


def _ascii(text):
    return text.lower().translate(str.maketrans("åäöéü", "aaoeu")).replace(" ", "")


def seed(size, stdout=None, meetings=None):
    """Add ``size`` contacts (with organisations, networks and memberships) and ``meetings`` meetings
    (default: one per twenty contacts) with attendance and decisions. Returns what was created, by model."""
    rng = random.Random(2026 + size)
    now = timezone.now()
    today = timezone.localdate()
    meetings = size // 20 if meetings is None else meetings
    municipalities = list(Municipality.objects.order_by("name"))
    offset = Contact.objects.count()

    organisations = []
    for index in range(-(-size // 25)):
        municipality = municipalities[index % len(municipalities)]
        pattern, kind = ORGANISATIONS[(index // len(municipalities)) % len(ORGANISATIONS)]
        place = rng.choice(DISTRICTS.get(municipality.name, [municipality.name]))
        organisations.append(
            Organisation(
                name=f"{pattern.format(place=place)} {offset + index + 1}",
                kind=kind,
                municipality=municipality,
                notes="Fiktiv organisation för prestandatester.",
            )
        )
    Organisation.objects.bulk_create(organisations, batch_size=BATCH)

    contacts = []
    for index in range(size):
        organisation = organisations[index % len(organisations)]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        number = offset + index + 1
        active_at = now - datetime.timedelta(days=rng.randrange(0, 5 * 365))
        contacts.append(
            Contact(
                name=f"{first} {last}",
                title=rng.choice(TITLES),
                organisation=organisation,
                municipality_id=organisation.municipality_id,
                email=f"{_ascii(first)}.{_ascii(last)}.{number}@exempel.se",
                phone=f"08-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                is_active=rng.random() < 0.9,
                last_activity_at=active_at,
            )
        )
    Contact.objects.bulk_create(contacts, batch_size=BATCH)

    network_offset = Network.objects.count()
    networks = [
        Network(
            name=f"Nätverket för {rng.choice(NETWORK_TOPICS).lower()} {network_offset + index + 1} (fiktivt)",
            kind=rng.choice(Network.Kind.values),
            purpose=rng.choice([purpose for _name, _kind, purpose in demo.NETWORKS]),
            convenor=rng.choice(contacts) if contacts else None,
        )
        for index in range(-(-size // 100))
    ]
    Network.objects.bulk_create(networks, batch_size=BATCH)
    if not networks and meetings:
        # Meetings without new contacts: they are held by the networks already there, with their members.
        networks = list(Network.objects.order_by("pk")) or Network.objects.bulk_create(
            [Network(name="Nätverk (fiktivt)")]
        )

    # Every contact is a member of one network; one in ten memberships has ended.
    memberships = []
    members_of = {network.pk: [] for network in networks}
    for membership in Membership.objects.filter(network__in=networks).select_related("contact"):
        members_of[membership.network_id].append(membership.contact)
    for index, contact in enumerate(contacts):
        network = networks[index % len(networks)]
        valid_from = today - datetime.timedelta(days=rng.randrange(200, 15 * 365))
        ended = rng.random() < 0.1
        memberships.append(
            Membership(
                network=network,
                contact=contact,
                role=rng.choice(["Ledamot", "Representant för SFI", "Introduktionschef", "Sammankallande"]),
                municipality_id=contact.municipality_id,
                valid_from=valid_from,
                valid_to=valid_from + datetime.timedelta(days=rng.randrange(30, 180)) if ended else None,
            )
        )
        members_of[network.pk].append(contact)
    Membership.objects.bulk_create(memberships, batch_size=BATCH)

    meeting_rows = []
    for index in range(meetings):
        network = networks[index % len(networks)]
        meeting_rows.append(
            Meeting(
                network=network,
                date=today - datetime.timedelta(days=rng.randrange(-60, 15 * 365)),
                place=f"{rng.choice(municipalities).name} kommunhus, sal {rng.randint(1, 9)}",
                agenda=rng.choice(AGENDA),
                notes="Fiktiva anteckningar för prestandatester.",
            )
        )
    Meeting.objects.bulk_create(meeting_rows, batch_size=BATCH)

    attendances, decisions = [], []
    for meeting in meeting_rows:
        if meeting.date > today:
            continue  # A coming meeting has no attendance list or decisions yet.
        members = members_of[meeting.network_id]
        for contact in rng.sample(members, k=min(len(members), rng.randint(4, 12))):
            status = Attendance.Status.EXCUSED if rng.random() < 0.15 else Attendance.Status.PRESENT
            attendances.append(Attendance(meeting=meeting, contact=contact, status=status))
        for position, text in enumerate(rng.sample(DECISIONS, k=rng.randint(1, 3)), start=1):
            decisions.append(Decision(meeting=meeting, text=text, position=position))
    Attendance.objects.bulk_create(attendances, batch_size=BATCH)
    Decision.objects.bulk_create(decisions, batch_size=BATCH)

    created = {
        "organisations": len(organisations),
        "contacts": len(contacts),
        "networks": len(networks),
        "memberships": len(memberships),
        "meetings": len(meeting_rows),
        "attendances": len(attendances),
        "decisions": len(decisions),
    }
    if stdout:
        stdout.write("natverk: " + ", ".join(f"{count} {name}" for name, count in created.items()) + "\n")
    return created
