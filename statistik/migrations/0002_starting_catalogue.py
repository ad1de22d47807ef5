"""The starting KIS catalogue (DOMAIN.md): five forms and the indicators public sources confirm.

Names and definitions are data in Swedish; the regional statistics administrator edits them in
the portal afterwards (with history), and a later catalogue version can replace them from a period on.
"""

from django.db import migrations

FORMS = [
    ("mottagande", "Mottagande", "Reception", 1),
    ("bestand", "Bestånd", "Stock", 2),
    ("avslut", "Avslut", "Exits", 3),
    ("sfi", "SFI", "SFI", 4),
    ("ekonomi", "Ekonomi", "Economy", 5),
]

SCB = "SCB (AA0003), Kolada; kommunens rapport"
AF = "Arbetsförmedlingen, SCB; kommunens rapport"

# (form, code, name, name_en, definition, unit, kind, formula, breakdown, part_of, is_key, source)
INDICATORS = [
    ("mottagande", "MOT_TOT", "Mottagna under perioden", "Received in the period",
     "Personer som kommunen tagit emot under perioden enligt förordningen (1990:927) om statlig ersättning "
     "för flyktingmottagande m.m. (kommunmottagna).", "persons", "typed", "", "sex", "", True, SCB),
    ("mottagande", "MOT_ALDER", "Mottagna efter åldersgrupp", "Received by age band",
     "Samma personer som Mottagna under perioden, fördelade på ålder vid mottagandet.",
     "persons", "typed", "", "age", "", False, SCB),
    ("mottagande", "MOT_KAT", "Mottagna efter mottagningskategori", "Received by arrival category",
     "Samma personer som Mottagna under perioden, fördelade på kvotflyktingar, tidigare asylsökande, "
     "anhöriga och övriga.", "persons", "typed", "", "arrival", "", False, SCB),
    ("bestand", "BES_TOT", "I introduktion vid periodens slut", "In introduction at period end",
     "Antal personer med pågående introduktion eller etableringsplan den sista dagen i perioden.",
     "persons", "typed", "", "sex", "", False, "Kommunens rapport"),
    ("bestand", "BES_SFI", "varav i SFI", "of whom in SFI",
     "Personer i introduktion vid periodens slut som deltar i SFI.", "persons", "typed", "", "none", "BES_TOT",
     False, "Kommunens rapport"),
    ("bestand", "BES_SO", "varav i samhällsorientering", "of whom in civic orientation",
     "Personer i introduktion vid periodens slut som deltar i samhällsorientering.", "persons", "typed", "",
     "none", "BES_TOT", False, "Kommunens rapport"),
    ("bestand", "BES_PRA", "varav i praktik eller arbetsträning", "of whom in work practice",
     "Personer i introduktion vid periodens slut som har praktik eller arbetsträning.", "persons", "typed", "",
     "none", "BES_TOT", False, "Kommunens rapport"),
    ("bestand", "BES_VAL", "varav i validering", "of whom in validation",
     "Personer i introduktion vid periodens slut vars kunskaper valideras.", "persons", "typed", "", "none",
     "BES_TOT", False, "Kommunens rapport"),
    ("avslut", "AVS_ARB", "Avslut till arbete", "Exits to work",
     "Avslut till anställning om minst en sammanhängande månad. Kommunala arbetsmarknadsanställningar räknas inte.",
     "persons", "typed", "", "sex", "", False, AF),
    ("avslut", "AVS_STU", "Avslut till studier", "Exits to studies",
     "Avslut till studier med studiemedel.", "persons", "typed", "", "sex", "", False, AF),
    ("avslut", "AVS_FLY", "Avslut på grund av flytt", "Exits by moving",
     "Avslut för att personen flyttat från kommunen.", "persons", "typed", "", "sex", "", False, "Kommunens rapport"),
    ("avslut", "AVS_PLAN", "Avslut när plantiden löpt ut", "Exits when the plan time ended",
     "Avslut för att tiden för introduktionsplanen eller etableringsplanen (högst 24 månader) löpt ut.",
     "persons", "typed", "", "sex", "", False, "Kommunens rapport"),
    ("avslut", "AVS_OVR", "Avslut av annat skäl", "Exits for other reasons",
     "Avslut av andra skäl än arbete, studier, flytt eller att plantiden löpt ut.", "persons", "typed", "", "sex",
     "", False, "Kommunens rapport"),
    ("avslut", "AVS_TOT", "Avslut totalt", "Exits in total",
     "Summan av alla avslut under perioden. Beräknas, fylls inte i.", "persons", "derived",
     "AVS_ARB + AVS_STU + AVS_FLY + AVS_PLAN + AVS_OVR", "sex", "", True, "Beräknad"),
    ("avslut", "AVS_ANDEL", "Andel avslut till arbete eller studier", "Share of exits to work or studies",
     "Avslut till arbete eller studier i procent av alla avslut under perioden. Beräknas, fylls inte i.",
     "percent", "derived", "(AVS_ARB + AVS_STU) / AVS_TOT * 100", "sex", "", True, "Beräknad (effekttal)"),
    ("avslut", "AVS_MAN", "Månader till egen försörjning", "Months to self-sufficiency",
     "Median antal månader från mottagandet till avslut till arbete eller studier, för dem som avslutats så "
     "under perioden.", "months", "typed", "", "none", "", True, "Kommunens rapport"),
    ("sfi", "SFI_NYB", "Nybörjare i SFI", "SFI beginners",
     "Elever som började SFI för första gången två år före perioden (kohorten som följs upp), enligt Kolada.",
     "persons", "typed", "", "sex", "", False, "Kolada"),
    ("sfi", "SFI_KLAR", "varav klarat minst två kurser inom två år", "of whom passed at least two courses in two years",
     "Nybörjare i kohorten som klarat minst två kurser inom två år från starten, enligt Kolada.",
     "persons", "typed", "", "sex", "SFI_NYB", False, "Kolada"),
    ("sfi", "SFI_ANDEL", "Andel som klarat minst två kurser inom två år", "Share passing two courses in two years",
     "Andel av nybörjarna som klarat minst två kurser inom två år, i procent. Beräknas, fylls inte i.",
     "percent", "derived", "SFI_KLAR / SFI_NYB * 100", "sex", "", True, "Kolada (beräknad)"),
    ("ekonomi", "EKO_FB", "Ekonomiskt bistånd till personer i introduktion", "Income support to persons in introduction",
     "Utbetalt ekonomiskt bistånd under perioden till personer i introduktion, i kronor.", "sek", "typed", "",
     "none", "", False, "Kommunens redovisning"),
    ("ekonomi", "EKO_SCH", "Schablonersättning", "Flat-rate compensation",
     "Schablonersättning från staten som kommunen fått under perioden, i kronor.", "sek", "typed", "", "none", "",
     False, "Migrationsverket; kommunens redovisning"),
    ("ekonomi", "EKO_FB_PP", "Ekonomiskt bistånd per person i introduktion", "Income support per person",
     "Ekonomiskt bistånd delat med antalet i introduktion vid periodens slut. Beräknas, fylls inte i.",
     "sek_person", "derived", "EKO_FB / BES_TOT", "none", "", True, "Beräknad"),
    ("ekonomi", "EKO_ANDEL", "Ekonomiskt bistånd i procent av schablonersättningen",
     "Income support as a share of flat-rate compensation",
     "Ekonomiskt bistånd i procent av mottagen schablonersättning. Beräknas, fylls inte i.",
     "percent", "derived", "EKO_FB / EKO_SCH * 100", "none", "", False, "Beräknad"),
]


def create(apps, schema_editor):
    CatalogueVersion = apps.get_model("statistik", "CatalogueVersion")
    Form = apps.get_model("statistik", "Form")
    Indicator = apps.get_model("statistik", "Indicator")
    version, _created = CatalogueVersion.objects.get_or_create(
        number=1,
        defaults={
            "name": "KIS startkatalog",
            "valid_from_year": 2008,
            "valid_from_half": 0,
            "notes": "Byggd på definitioner som offentliga källor bekräftar (SCB, SKL/Kolada, Arbetsförmedlingen).",
        },
    )
    forms = {}
    for code, name, name_en, order in FORMS:
        forms[code], _created = Form.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
    created = {}
    for order, row in enumerate(INDICATORS, start=1):
        form, code, name, name_en, definition, unit, kind, formula, breakdown, part_of, is_key, source = row
        created[code], _created = Indicator.objects.get_or_create(
            version=version,
            code=code,
            defaults={
                "form": forms[form],
                "name": name,
                "name_en": name_en,
                "definition": definition,
                "unit": unit,
                "kind": kind,
                "formula": formula,
                "breakdown": breakdown,
                "part_of": created.get(part_of),
                "is_key": is_key,
                "source": source,
                "order": order,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("statistik", "CatalogueVersion").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("statistik", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
