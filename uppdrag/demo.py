"""Fictitious demo data for uppdrag (called by manage.py load_demo).

The commitments and strategic areas carry the seed documents' own text (the 2010 status
report and the steering group's list of areas); the action points are made from the seeds'
items with fictitious dates placed around today, so some are overdue and some coming.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from natverk.models import Municipality, Network, Organisation

from . import services
from .models import ActionPoint, Assignment, Commitment, Health, JournalNote, StrategicArea

COMMITMENTS = (
    "Genomför minst en informationsinsats hos deltagande aktörer",
    "Producerar och följer en kommunikationsplan för ett effektivt informationsflöde",
    "Sprider kommunernas erfarenheter i samarbetsforum",
    "Initierar kommunöverskridande insatser för målgruppen",
    "Representerar Södertörnskommunerna och driver deras gemensamma ståndpunkter",
    "Arbetar kontinuerligt med den operativa verksamheten för att fånga upp reflektioner på sakfrågor som "
    "uppkommer inom förändringsarbetet",
)

# (title, description, children) — main area → sub-area (A, B ...) → points, as in seed 004.
AREAS = (
    (
        "Etableringsreformen",
        "",
        (
            (
                "Samhällsorienteringen",
                (
                    "Referensgrupp för genomförande av regionalt gemensamt kansli",
                    "Utökad målgrupp",
                ),
            ),
            (
                "Fortsatt uppföljning av genomförandet av omställningen till etableringslagen, dialog med "
                "myndigheter, AF, KSL, SKL m.fl. / av strategisk karaktär",
                (),
            ),
            ("Directa/ Diversa referensgrupp", ()),
            ("Databasen – samordning, utveckling, underhåll, utbildning, administration?", ()),
        ),
    ),
    (
        "Strategiskt påverkansarbete, delregionalt – regionalt",
        "",
        (
            (
                "Bosättningsfrågan",
                (
                    "Regionala överenskommelser – och regional vidareflytt, Länsstyrelsen/KSL",
                    "Arbetskraftsförsörjning/bostad",
                ),
            ),
            (
                "SFI",
                (
                    "Regionalt utbud av specialiserad sfi-utbildning.",
                    "Utredning om SFI-peng (Nacka modell) och fler aktörer. (regeringens satsningar i höstbudgeten)",
                    "Analfabeter",
                    "SFI utbildning kombinerat med AUB (arbetsmarknadsutbildning) anpassat till målgruppen.",
                ),
            ),
            ("Kommunala praktikplatser och koppling introduktion/Matchning Södertörn?", ()),
            (
                "Tema Nyanlända – representation för regionalt strategiskt arbete.",
                (
                    "Att skapa en stabil grund för ett långsiktigt påverkansarbete",
                    "Att skapa allianser till och förankring hos strategiska aktörer",
                ),
            ),
        ),
    ),
    (
        "Kommunens framtida roll",
        "KSO kommunalt Samverkans Organ (Jämtland) – ny org. form från 1/1 2011, "
        "Sjuhärad/Umeå-regionen/Gävleborg/Dalsland/Västernorrland/Skåneregionen/Östsam/Samverk Nordost, "
        "Göteborg, mfl.",
        (
            (
                "Hälsa/Habilitering/Rehabilitering",
                (
                    "Samordningsförbundens roll mot målgruppen",
                    "Tidig nedsatt funktion – 1 års ”lucka” för möjlig etableringsinsats.",
                    "Efter 24 månaders etableringsinsats för dem som ej är etablerade.",
                ),
            ),
            ("Föräldralediga – 1 års ”lucka” för möjlig etableringsinsats", ()),
            ("Elever, grundskola-gymnasiet", ()),
            ("Ensamkommande Barn", ()),
            ("Funktionshindrade/Sjuka", ()),
            ("Samverkan med frivilligorganisation - integration", ()),
        ),
    ),
)

ASSIGNMENT_DESCRIPTION = (
    "Områden där det finns ett fortsatt behov av ett gemensamt strategiskt arbete i delregional samverkan "
    "(på uppdrag av Styrgrupp, Introduktion Södertörn oktober 2010). Tre huvudområden – (som går in i varann)."
)


def areas_create(assignment):
    """The tree of seed 004; returns areas by number ("1", "1.A", "1.A.1")."""
    by_number = {}
    for main_position, (title, description, subs) in enumerate(AREAS, start=1):
        main = StrategicArea.objects.create(
            assignment=assignment, position=main_position, title=title, description=description
        )
        by_number[main.number] = main
        for sub_position, (sub_title, points) in enumerate(subs, start=1):
            sub = StrategicArea.objects.create(
                assignment=assignment, parent=main, position=sub_position, title=sub_title
            )
            by_number[sub.number] = sub
            for point_position, point_title in enumerate(points, start=1):
                point = StrategicArea.objects.create(
                    assignment=assignment, parent=sub, position=point_position, title=point_title
                )
                by_number[point.number] = point
    return by_number


def _org(kind):
    return Organisation.objects.filter(kind=kind).first()


def load(stdout=None):
    if Assignment.objects.exists():
        return
    User = get_user_model()
    strategist = User.objects.get(username="strateg")
    huddinge_admin = User.objects.get(username="admin-huddinge")
    today = timezone.localdate()

    def day(offset):
        return today + datetime.timedelta(days=offset)

    def month(offset):
        """The first day of the month ``offset`` months from now."""
        index = today.year * 12 + today.month - 1 + offset
        return datetime.date(index // 12, index % 12 + 1, 1)

    assignment = Assignment.objects.create(
        title="Introduktionsstrategens uppdrag",
        description=ASSIGNMENT_DESCRIPTION,
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31) + datetime.timedelta(days=181),
    )
    commitments = [
        Commitment.objects.create(assignment=assignment, position=position, title=title)
        for position, title in enumerate(COMMITMENTS, start=1)
    ]
    areas = areas_create(assignment)
    municipality = {m.name: m for m in Municipality.objects.all()}
    sfi_network = Network.objects.filter(name__icontains="SFI").first()

    def point(title, *, commitment=None, area=None, owner=strategist, status="ongoing", kind="action", **fields):
        municipalities = fields.pop("municipalities", [])
        organisations = [org for org in fields.pop("organisations", []) if org]
        notes = fields.pop("notes", [])
        created = ActionPoint.objects.create(
            title=title,
            commitment=commitments[commitment - 1] if commitment else None,
            area=areas[area] if area else None,
            owner_user=owner,
            status=status,
            kind=kind,
            created_by=strategist,
            **fields,
        )
        created.municipalities.set([municipality[name] for name in municipalities if name in municipality])
        created.organisations.set(organisations)
        for offset, text in notes:
            JournalNote.objects.create(action_point=created, date=day(offset), text=text, author=strategist)
        if status in ActionPoint.CLOSED_STATUSES:
            created.status_set(status)
        return created

    # 1. Informationsinsatser
    point(
        "Informationsinsats i Salem",
        commitment=1,
        kind="information",
        status="done",
        due_date=day(-40),
        municipalities=["Salem"],
        completion_note="Genomförd för introduktionsenheten och SFI. Fler tillfällen önskas.",
        notes=[(-40, "Informationen genomförd, ca 20 deltagare.")],
    )
    point(
        "Informationsinsats i Botkyrka",
        commitment=1,
        kind="information",
        status="planned",
        due_date=day(-5),
        municipalities=["Botkyrka"],
        description="Planerad till september, flyttad i väntan på ny lokal.",
    )
    # 2. Kommunikationsplan
    point(
        "Skicka ut kommunikationsplanen",
        commitment=2,
        due_date=day(4),
        description="Förslag diskuterat med ”utvecklare”. Under utveckling – skickas ut till kontaktpersonerna.",
        notes=[(-20, "Har fått namn på kontaktpersoner från Södertälje och Huddinge.")],
    )
    point("Uppdatera www.södertörnskommunerna.se", commitment=2, status="done", due_date=day(-30))
    # 3. Sprider erfarenheter
    point(
        "Rapport till Lst/MIV för projektet § 26",
        commitment=3,
        due_date=day(6),
        priority=ActionPoint.Priority.HIGH,
        description="Utkast till rapport skrivet. Ska in till Migrationsverket senast sista juni enligt villkoren; "
        "här med fiktivt datum.",
        organisations=[_org("lansstyrelsen"), _org("migrationsverket")],
        notes=[(-12, "Utkast skickat till styrgruppen för synpunkter.")],
    )
    point(
        "Presentera KIS (Kommunal IntroduktionsStatistik) i samordningsgruppen",
        commitment=3,
        area="1.D",
        status="done",
        due_date=day(-25),
        kind="information",
    )
    # 4. Kommunöverskridande insatser
    point(
        "Directa och Diversa: starta referensgruppen efter ja från ESF-rådet",
        commitment=4,
        area="1.C",
        due_date=day(20),
        organisations=[_org("esf_project")],
    )
    point(
        "Se över behovsinventeringen från 2009 och Finsamprojekt Exigo",
        commitment=4,
        area="3.A.1",
        status="planned",
        due_date=day(30),
    )
    # 5. Representerar och driver gemensamma ståndpunkter
    point(
        "Generell sammanfattning av ersättningarna före midsommar",
        commitment=5,
        area="1.B",
        status="waiting",
        due_date=day(-3),
        description="Sammanfattningen kommer från SKL; vi väntar på den.",
    )
    point(
        "Intro Södertörns analys och konsekvens av ersättningarna",
        commitment=5,
        area="1.B",
        due_date=day(25),
        description="Ska vara klar senast i augusti enligt planen; här med fiktivt datum.",
    )
    point(
        "Förordning om ersättningar till kommunerna",
        commitment=5,
        area="1.B",
        kind="watch",
        status="waiting",
        owner=None,
        expected_month=month(0),
        expected_text="innan sommaren",
    )
    point(
        "Förordning om samhällsorientering",
        commitment=5,
        area="1.A",
        kind="watch",
        status="waiting",
        owner=None,
        expected_month=month(1),
        expected_text="aug–sep",
        description="Förväntas till månadsskiftet aug–sep.",
    )
    point(
        "Lotskrav (etableringslotsar)",
        commitment=5,
        area="1.B",
        kind="watch",
        status="waiting",
        owner=None,
        expected_month=month(2),
        expected_text="efter sommaren",
        description="Förmodas komma efter sommaren; ej tillräckligt finansierat. Lotsars/AF samarbete med sfi?",
    )
    point(
        "SKL/AF förordning: deltagarförmåga, %-frågan, glappet, SFI och lotsar, tolkkostnader",
        commitment=5,
        area="2.D.1",
        due_date=day(45),
        organisations=[_org("skl"), _org("arbetsformedlingen")],
    )
    # 6. Operativ verksamhet – insatsbasen
    point(
        "Insatsbasen: rutin för uppdatering och kontroll av Huddinges uppgifter",
        commitment=6,
        area="1.D",
        owner=huddinge_admin,
        status="ongoing",
        due_date=day(5),
        municipalities=["Huddinge"],
        description="Kommunalt åtagande: varje kommun ska ordna rutin, följs upp i höst.",
    )
    point(
        "Uppföljning av nyanställda administratörer i insatsbasen",
        commitment=6,
        area="1.D",
        due_date=day(-10),
        description="Behövs uppföljning av nyanställda i oktober. Vissa kommuner behöver ytterligare insats.",
    )
    point(
        "Utbilda administratörer på SFI-sidan",
        commitment=6,
        area="2.B",
        status="planned",
        due_date=day(40),
        municipalities=["Botkyrka", "Värmdö"],
    )
    point(
        "Statistiken i insatsbasen krånglar – Kärnhuset vidtalad",
        commitment=6,
        area="1.D",
        status="waiting",
        due_date=day(14),
    )
    point(
        "Var ska handläggningen av f-stöd prövning ligga för flyktingar?",
        commitment=6,
        area="3.B",
        status="planned",
        due_date=day(60),
    )
    follow_up = point(
        "Uppföljning med introcheferna i samordningsgruppen – alla fyra handlingsplaner",
        commitment=6,
        area="1.D",
        kind="meeting_follow_up",
        due_date=day(2),
    )
    if sfi_network:
        follow_up.networks.add(sfi_network)

    commitments[0].health_set(Health.AT_RISK, "Informationsinsatsen i Botkyrka är försenad.")
    areas["2"].health_set(Health.AT_RISK, "Bosättningsfrågan står still i väntan på regionala överenskommelser.")
    areas["1"].health_set(Health.ON_TRACK, "")

    _journal_fill(assignment, strategist, day)
    _reports_create(assignment, commitments, strategist, day, month, point)
    if stdout:
        stdout.write(f"uppdrag: {ActionPoint.objects.count()} action points")


# Journal notes in the strategist's voice (seed 000), given to points that have none: most points
# then have a history, as a working journal has.
JOURNAL_TEXTS = (
    "Diskuterat i samordningsgruppen; introcheferna ställer sig bakom upplägget.",
    "Kontakt tagen med Arbetsförmedlingens sakområdesspecialist. Återkommer med förslag.",
    "Förslag diskuterat med utvecklare. Under utveckling.",
    "Bokat möte med berörda kommuner. Underlag skickas ut en vecka före.",
    "Lyft frågan till SKL för diskussion.",
    "Avstämning med Länsstyrelsen: inväntar besked om tidsplan.",
    "Underlag skickat till styrgruppen för synpunkter.",
)

# The strategist's narrative per commitment, as seed 000 reports each one.
NARRATIVES_PREVIOUS = {
    1: "Planering av informationsinsatser hos deltagande aktörer.\n\n- Salem: datum bokat\n- Botkyrka: till hösten",
    2: "Förslag till kommunikationsplan diskuterat med utvecklare. Namn på kontaktpersoner efterfrågade.",
    3: "Erfarenheter från kommunerna presenterade i samordningsgruppen.",
}
NARRATIVES_CURRENT = {
    1: (
        "Informationsinsatsen i Salem genomförd med introduktionsenheten och SFI. Botkyrka är flyttad "
        "till hösten efter önskemål från kommunen.\n\n- Salem: genomförd, fler tillfällen önskas\n"
        "- Botkyrka: nytt datum i september"
    ),
    2: (
        "Förslag diskuterat med **utvecklare**. Under utveckling – skickas ut under månaden.\n"
        "Har fått namn från Södertälje och Huddinge."
    ),
    3: (
        "AF och Landstinget har haft träff på transkulturellt centrum inför Arbetsförmedlingens övertagande "
        "av samordningen. KIS presenterades på SKL:s konferens."
    ),
    4: "Modana presenterat av SFI och diskuterat i samordningsgruppen. Directa och Diversa har fått ja från ESF-rådet.",
    5: "SKL/AF förordning: deltagarförmåga, procentfrågan, glappet, SFI och lotsar, tolkkostnader.",
    6: (
        "Insatsbasen är en tillgång för användarna och de nyanlända. Uppföljning med introcheferna:\n\n"
        "- Saknas rutiner för användning; behovet anses bestående.\n"
        "- Utbildade administratörer saknas i vissa kommuner, framför allt på SFI-sidan.\n"
        "- Varje kommun ordnar rutin för uppdatering; följs upp i höst."
    ),
}
ACTIVITIES = (
    "1. Uppdaterat webbplatsen\n"
    "2. Skrivit utkast till rapport till Länsstyrelsen om projektet\n"
    "3. SKL:s konferens om nyanländas etablering\n"
    "4. Studiebesök och planering med etableringsprojektet i Solna\n"
    "5. Södertörns SFI-nätverk – om introduktionsstrategens uppdrag och omställningen\n"
    "6. Samordningsdag Introduktion Södertörn – uppföljning av databasen, samhällsorientering"
)


def _journal_fill(assignment, strategist, day):
    points = ActionPoint.objects.filter(commitment__assignment=assignment, journal__isnull=True).order_by("pk")
    for index, point in enumerate(points):
        if index % 5 == 4:
            continue  # a few points stay without notes, as in real life
        JournalNote.objects.create(
            action_point=point,
            date=day(-(7 + (index * 11) % 45)),
            text=JOURNAL_TEXTS[index % len(JOURNAL_TEXTS)],
            author=strategist,
        )


def _reports_create(assignment, commitments, strategist, day, month, point):
    """Last quarter's report (frozen then), changes since, and this quarter's report, published.

    The reports freeze their labels in the language of the day: the steering group reads Swedish.
    """
    from .models import ReportSnapshot

    by_position = {commitment.position: commitment for commitment in commitments}

    def narratives(texts):
        return {by_position[position].pk: text for position, text in texts.items() if position in by_position}

    # The points have been worked on for a while: they were there when last quarter's report was frozen.
    ActionPoint.objects.filter(commitment__assignment=assignment).update(
        created_at=timezone.make_aware(datetime.datetime.combine(month(-9), datetime.time(9)))
    )
    with translation.override("sv"):
        previous = services.report_snapshot_create(
            assignment,
            strategist,
            "Lägesrapport till styrgruppen, förra kvartalet (fiktiv)",
            month(-6),
            month(-3) - datetime.timedelta(days=1),
            "Lägesrapport om introduktionsstrategens uppdrag. Alla uppgifter i demon är fiktiva.",
            narratives=narratives(NARRATIVES_PREVIOUS),
        )
    frozen_at = timezone.make_aware(datetime.datetime.combine(month(-3), datetime.time(10)))
    ReportSnapshot.objects.filter(pk=previous.pk).update(created_at=frozen_at, published_at=frozen_at)

    # Since then: a date moved, a point done, a new point.
    moved = (
        ActionPoint.objects.open()
        .filter(commitment__assignment=assignment, due_date__gt=day(20))
        .order_by("due_date", "pk")
        .first()
    )
    if moved:
        moved.due_date = moved.due_date + datetime.timedelta(days=21)
        moved.save(update_fields=["due_date", "updated_at"])
        services.journal_note_add(moved, strategist, "Flyttad tre veckor på kommunens begäran.", date=day(-4))
    finished = (
        ActionPoint.objects.open()
        .filter(commitment__assignment=assignment, due_date__gt=day(0))
        .exclude(pk=getattr(moved, "pk", None))
        .order_by("due_date", "pk")
        .first()
    )
    if finished:
        services.action_point_status_change(finished, strategist, ActionPoint.Status.DONE, "Klart före slutdatum.")
    point(
        "Samordningsdag: samhällsorientering och etableringspiloten, med gäster från AF",
        commitment=3,
        status="planned",
        due_date=day(25),
        notes=[(-2, "Inbjudan skickad till introcheferna och SFI-representanterna.")],
    )

    with translation.override("sv"):
        current = services.report_snapshot_create(
            assignment,
            strategist,
            "Lägesrapport till styrgruppen (fiktiv)",
            month(-3),
            month(0) - datetime.timedelta(days=1),
            "Lägesrapport om introduktionsstrategens uppdrag. Alla uppgifter i demon är fiktiva.",
            narratives=narratives(NARRATIVES_CURRENT),
            activities=ACTIVITIES,
        )
    # Published without e-mail: the demo's members are fictitious.
    ReportSnapshot.objects.filter(pk=current.pk).update(published_at=timezone.now(), published_by=strategist)
