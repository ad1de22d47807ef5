"""Many fictitious action points for performance work (``manage.py seed_large``, the query-budget tests).

Bulk inserts of action points spread over the commitments and strategic areas of the current
assignment (made from the demo's seed texts when there is none), with due dates from years back to
a year ahead, owners, related municipalities, organisations and insatser, and journal notes.
The titles are the demo's kinds of work; everything is fictitious.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from insatsbasen.models import Insats
from natverk.models import Contact, Municipality, Organisation

from . import demo
from .models import ActionPoint, Assignment, Commitment, JournalNote

BATCH = 2000

TITLES = [
    "Informationsinsats i {municipality}",
    "Uppföljning av handlingsplanen i {municipality}",
    "Utbilda administratörer i insatsbasen, {municipality}",
    "Rutin för uppdatering av {municipality}s insatser",
    "Samråd med Arbetsförmedlingen om etableringslotsar, {municipality}",
    "Sammanställ utbudet av specialiserad SFI, {municipality}",
    "Rapport till Länsstyrelsen om mottagandet i {municipality}",
    "Praktikplatser i kommunal verksamhet, {municipality}",
    "Förordning om ersättningar: konsekvenser för {municipality}",
    "Bosättning och vidareflytt: dialog med {municipality}",
]
NOTES = [
    "Kontaktat kommunen, väntar på svar.",
    "Utkast skickat till styrgruppen för synpunkter.",
    "Diskuterat i samordningsgruppen.",
    "Mötet flyttat till nästa månad.",
    "Underlag insamlat från kommunerna.",
]


def seed(size, stdout=None):
    """Add ``size`` action points to the current assignment. Returns what was created, by model."""
    rng = random.Random(2030 + size)
    today = timezone.localdate()
    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=["strateg", "admin-huddinge"])
    }
    strategist = users.get("strateg")
    assignment = Assignment.current()
    if assignment is None:
        assignment = Assignment.objects.create(
            title="Introduktionsstrategens uppdrag",
            description=demo.ASSIGNMENT_DESCRIPTION,
            period_start=today.replace(month=1, day=1),
        )
    commitments = list(assignment.commitments.all())
    if not commitments:
        commitments = Commitment.objects.bulk_create(
            Commitment(assignment=assignment, position=position, title=title)
            for position, title in enumerate(demo.COMMITMENTS, start=1)
        )
    areas = list(assignment.areas.all())
    if not areas:
        areas = list(demo.areas_create(assignment).values())
    municipalities = list(Municipality.objects.order_by("name"))
    organisations = list(Organisation.objects.order_by("pk").values_list("pk", flat=True)[:500])
    contacts = list(Contact.objects.order_by("-pk").values_list("pk", flat=True)[:500])
    insatser = list(Insats.objects.order_by("-pk").values_list("pk", flat=True)[:2000])

    points, plans = [], []
    for index in range(size):
        municipality = municipalities[index % len(municipalities)]
        due = today + datetime.timedelta(days=rng.randrange(-5 * 365, 365))
        kind = rng.choices(ActionPoint.Kind.values, weights=[70, 10, 15, 5])[0]
        if due < today - datetime.timedelta(days=60):
            status = rng.choices(ActionPoint.Status.values, weights=[2, 3, 2, 80, 13])[0]
        else:
            status = rng.choices(ActionPoint.Status.values, weights=[30, 40, 15, 12, 3])[0]
        closed = status in ActionPoint.CLOSED_STATUSES
        owner = rng.random()
        point = ActionPoint(
            title=rng.choice(TITLES).format(municipality=municipality.name),
            description="Fiktiv åtgärdspunkt för prestandatester.",
            commitment=rng.choice(commitments),
            area=rng.choice(areas) if rng.random() < 0.8 else None,
            owner_user=(users.get("admin-huddinge") if owner < 0.1 else strategist) if owner < 0.8 else None,
            owner_contact_id=rng.choice(contacts) if owner >= 0.8 and contacts else None,
            due_date=due if kind != ActionPoint.Kind.WATCH else None,
            expected_month=due.replace(day=1) if kind == ActionPoint.Kind.WATCH else None,
            status=status,
            priority=rng.choice(ActionPoint.Priority.values),
            kind=kind,
            completed_at=timezone.make_aware(datetime.datetime.combine(due, datetime.time(15))) if closed else None,
            completion_note="Genomförd." if status == ActionPoint.Status.DONE else "",
            created_by=strategist,
        )
        points.append(point)
        # A third are regional (no municipality, read by everyone), the rest tied to one or two.
        tied = [] if rng.random() < 0.33 else [municipality, *rng.sample(municipalities, k=rng.choice([0, 0, 1]))]
        plans.append(
            (
                {m.pk for m in tied},
                rng.sample(organisations, k=min(len(organisations), rng.choice([0, 0, 1, 2]))),
                rng.sample(insatser, k=min(len(insatser), rng.choice([0, 0, 0, 1]))),
            )
        )
    ActionPoint.objects.bulk_create(points, batch_size=BATCH)

    MunicipalityLink = ActionPoint.municipalities.through
    OrganisationLink = ActionPoint.organisations.through
    InsatsLink = ActionPoint.insatser.through
    municipality_links, organisation_links, insats_links, notes = [], [], [], []
    for point, (municipality_ids, organisation_ids, insats_ids) in zip(points, plans, strict=True):
        municipality_links += [MunicipalityLink(actionpoint_id=point.pk, municipality_id=pk) for pk in municipality_ids]
        organisation_links += [OrganisationLink(actionpoint_id=point.pk, organisation_id=pk) for pk in organisation_ids]
        insats_links += [InsatsLink(actionpoint_id=point.pk, insats_id=pk) for pk in insats_ids]
        for _number in range(rng.choice([0, 1, 1, 2, 3])):
            day = (point.due_date or point.expected_month) - datetime.timedelta(days=rng.randrange(1, 90))
            notes.append(JournalNote(action_point=point, date=day, text=rng.choice(NOTES), author=strategist))
    MunicipalityLink.objects.bulk_create(municipality_links, batch_size=BATCH)
    OrganisationLink.objects.bulk_create(organisation_links, batch_size=BATCH)
    InsatsLink.objects.bulk_create(insats_links, batch_size=BATCH)
    JournalNote.objects.bulk_create(notes, batch_size=BATCH)
    created = {
        "action points": len(points),
        "related municipalities": len(municipality_links),
        "related organisations": len(organisation_links),
        "related insatser": len(insats_links),
        "journal notes": len(notes),
        "strategic areas in use": len(areas),
    }
    if stdout:
        stdout.write("uppdrag: " + ", ".join(f"{count} {name}" for name, count in created.items()) + "\n")
    return created
