"""Fictitious demo data: about 150 insatser across the municipalities and categories (called by load_demo).

Generated from combinations of realistic Swedish names and descriptions with a seeded random, so
every load gives the same catalogue. Some insatser are overdue for review, among them Huddinge's,
so ``admin-huddinge`` has reviews waiting on the home page.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from natverk.models import Municipality, Organisation

from . import services
from .models import (
    Category,
    Insats,
    InsatsChange,
    Place,
    SearchLog,
    SearchWeek,
    TargetGroup,
    monday_of,
    ordered_languages,
)

INTAKE_DATES = [
    "Kursstart första måndagen i varje månad",
    "Start i januari, april och augusti",
    "Start varannan måndag",
    "Nästa grupp startar efter sommaren; anmälan senast två veckor före",
]

# category slug → (name patterns, description, target group slugs, plan part, languages)
TEMPLATES = {
    "sfi": (
        ["SFI {level}", "SFI {level} med barnpassning", "SFI {level} på kvällstid", "Yrkes-SFI vård, {level}"],
        "Undervisning i svenska för invandrare, {level}. Du läser tillsammans med andra nyanlända och får stöd "
        "av lärare med erfarenhet av flerspråkiga grupper.",
        ["vuxna", "analfabeter"],
        "sfi",
        ["sv", "ar", "so", "ti"],
    ),
    "samhallsorientering": (
        ["Samhällsorientering på {language}", "Samhällsorientering för föräldrar på {language}"],
        "Samhällsorientering om hur det svenska samhället fungerar: rättigheter och skyldigheter, arbete, "
        "bostad, skola och hälsa. Undervisningen sker på {language} med samhälls- och hälsokommunikatör.",
        ["vuxna", "foraldralediga"],
        "samhallsorientering",
        ["ar", "prs", "so", "ti", "fa"],
    ),
    "praktik": (
        ["Praktik inom {branch}", "Arbetsträning inom {branch}", "Språkpraktik inom {branch}"],
        "Praktik med handledare inom {branch}. Du får pröva ett yrke, träna svenska på arbetsplatsen och "
        "får ett intyg efter avslutad praktikperiod.",
        ["vuxna", "akademiker"],
        "arbetsforberedande",
        ["sv"],
    ),
    "validering": (
        ["Validering av yrkeskunskaper inom {branch}", "Kartläggning och validering inom {branch}"],
        "Validering av tidigare utbildning och yrkeserfarenhet inom {branch}, tillsammans med yrkeslärare. "
        "Resultatet dokumenteras så att du kan visa arbetsgivare vad du kan.",
        ["vuxna", "akademiker"],
        "arbetsforberedande",
        ["sv", "ar", "en"],
    ),
    "halsa": (
        ["Hälsoskola för nyanlända", "Samtalsgrupp om stress och sömn", "Friskvård och motion för kvinnor"],
        "Träffar om hälsa, vård och välbefinnande. Vi går igenom hur vården fungerar och vart du vänder "
        "dig. Samtalen leds av hälsokommunikatör på flera språk.",
        ["vuxna", "funktionsnedsattning", "kvinnor"],
        "",
        ["ar", "so", "prs", "ti"],
    ),
    "foraldrastod": (
        ["Föräldragrupp på {language}", "Föräldraskap i Sverige på {language}"],
        "Föräldrastödsprogram för nyanlända föräldrar om barns utveckling, skola och föräldraskap i ett nytt "
        "land. Gruppen träffas tio gånger och leds på {language}.",
        ["foraldralediga", "vuxna"],
        "samhallsorientering",
        ["ar", "so", "prs", "ti"],
    ),
    "ungdom": (
        ["Läxhjälp för unga", "Sommarjobb och praktik för unga", "Idrott och föreningsliv för unga"],
        "Aktiviteter för unga nyanlända 16–19 år: läxhjälp, kontakter med föreningslivet och stöd att hitta "
        "sommarjobb och praktik.",
        ["unga"],
        "",
        ["sv", "ar", "so"],
    ),
    "ensamkommande": (
        ["Stödboende och fritid för ensamkommande", "Mentorprogram för ensamkommande barn"],
        "Stöd för ensamkommande barn och unga: en vuxen mentor, fritidsaktiviteter och hjälp med skola och "
        "kontakter med myndigheter.",
        ["ensamkommande", "unga"],
        "",
        ["prs", "so", "ti", "ar"],
    ),
    "sprakstod": (
        ["Språkcafé {place}", "Samtalsgrupp i svenska, {place}", "Studiecirkel i vardagssvenska, {place}"],
        "Träna svenska i vardagliga samtal med volontärer, som komplement till SFI. Öppet för alla "
        "nyanlända, ingen anmälan behövs.",
        ["vuxna", "kvinnor"],
        "",
        ["sv"],
    ),
    "ovrigt": (
        ["Körkortsteori på {language}", "Digital vardag: e-legitimation och myndigheter", "Cykelskola för vuxna"],
        "En kurs som gör vardagen i Sverige lättare. Vi arbetar i små grupper med tolk vid behov.",
        ["vuxna", "kvinnor"],
        "",
        ["ar", "so", "prs"],
    ),
}
LEVELS = ["studieväg 1", "studieväg 2", "studieväg 3", "kurs B", "kurs C", "kurs D"]
BRANCHES = ["äldreomsorgen", "förskolan", "bygg", "restaurang", "handel", "lokalvård", "lager och logistik", "vården"]
LANGUAGES_SV = {"ar": "arabiska", "prs": "dari", "so": "somaliska", "ti": "tigrinja", "fa": "persiska"}
PLACES = {
    "Huddinge": ["Flemingsberg", "Huddinge centrum", "Skogås"],
    "Botkyrka": ["Fittja", "Alby", "Tumba"],
    "Haninge": ["Handen", "Jordbro"],
    "Nynäshamn": ["Nynäshamn centrum"],
    "Salem": ["Salem centrum"],
    "Södertälje": ["Hovsjö", "Ronna", "Södertälje centrum"],
    "Tyresö": ["Tyresö centrum"],
    "Värmdö": ["Gustavsberg"],
    "Nacka": ["Fisksätra", "Nacka Forum"],
    "Nykvarn": ["Nykvarn centrum"],
}
PROVIDERS = [
    ("Södertörns folkhögskola (fiktiv)", Organisation.Kind.FOLK_HIGH_SCHOOL, "ideell"),
    ("Studieförbundet Mångfald (fiktivt)", Organisation.Kind.FOLK_HIGH_SCHOOL, "ideell"),
    ("Språkskolan Södertörn AB (fiktiv)", Organisation.Kind.SFI_PROVIDER, "privat"),
    ("Föreningen Nya Grannar (fiktiv)", Organisation.Kind.NON_PROFIT, "ideell"),
    ("Projekt Vägen in (ESF, fiktivt)", Organisation.Kind.ESF_PROJECT, "projekt"),
]
TOTAL = 150
SNAPSHOT_DAYS = 84
# Ways to tell two insatser of the same kind in one municipality apart, as people would name them;
# the schedule follows the time of day named.
QUALIFIERS = ["kvällstid", "dagtid", "förmiddag", "eftermiddag", "helg"]
QUALIFIER_HOURS = {
    "kvällstid": "Tis och tor 17.30–20",
    "dagtid": "Mån–tor 9–15",
    "förmiddag": "Mån–tor 9–12",
    "eftermiddag": "Mån och ons 13–16",
    "helg": "Lör 10–13",
}


# Texts in other languages for about half the published insatser of three categories (written by the team for the
# demo; a municipality would have them written or checked by someone who speaks the language). The others have none.
DEMO_TEXTS = {
    "sfi": {
        "en": (
            "Swedish lessons for adults who are new in Sweden. Free of charge.",
            "Adults from 16 years who live in the municipality.",
            "Ask your case officer or the municipality's guidance centre to register you.",
        ),
        "ar": (
            "دروس اللغة السويدية للبالغين الجدد في السويد. مجانية.",
            "البالغون من عمر 16 سنة المقيمون في البلدية.",
            "اطلب من مسؤول حالتك أو من مركز الإرشاد في البلدية تسجيلك.",
        ),
        "so": (
            "Casharro luqadda iswiidhishka ah oo loogu talagalay dadka waaweyn ee cusub. Waa bilaash.",
            "Dadka waaweyn ee 16 sano ka weyn ee ku nool degmada.",
            "Weydii sarkaalka kiiskaaga ama xarunta hagitaanka degmada si lagu diiwaangeliyo.",
        ),
    },
    "samhallsorientering": {
        "en": (
            "A course about life and society in Sweden, in your own language.",
            "Newly arrived adults, 18–64 years.",
            "Your case officer at the Public Employment Service or the municipality registers you.",
        ),
        "ar": (
            "دورة عن الحياة والمجتمع في السويد بلغتك.",
            "البالغون القادمون الجدد، من 18 إلى 64 سنة.",
            "يسجّلك مسؤول حالتك في مكتب العمل أو في البلدية.",
        ),
    },
    "foraldrastod": {
        "en": (
            "Meetings for parents about children, school and family life in Sweden.",
            "Parents who are new in Sweden.",
            "Call or e-mail the contact person. You can bring your children.",
        ),
        "ar": (
            "لقاءات للآباء والأمهات عن الأطفال والمدرسة والحياة العائلية في السويد.",
            "الآباء والأمهات الجدد في السويد.",
            "اتصل بالشخص المسؤول أو أرسل له بريدًا إلكترونيًا. يمكنك إحضار أطفالك.",
        ),
    },
}


def _demo_texts(user):
    """Every second published insats of the categories above gets their texts, through the one write path."""
    for slug, languages in DEMO_TEXTS.items():
        insatser = Insats.objects.published().filter(category__slug=slug).order_by("pk")
        for insats in list(insatser)[::2]:
            for language, (summary, for_whom, how_to_apply) in languages.items():
                if insats.texts.filter(language=language).exists():
                    continue
                values = {"summary": summary, "for_whom": for_whom, "how_to_apply": how_to_apply}
                services.insats_text_save(insats, language, values, user, expected_version=0)


def hours_for(name, fallback):
    """The schedule a name promises ("SFI kurs B på kvällstid" is in the evening), else the fallback."""
    return next((hours for qualifier, hours in QUALIFIER_HOURS.items() if qualifier in name), fallback)


def unique_name(base, place, municipality, provider, taken):
    """A natural name not yet used in the municipality: "SFI kurs D, Tumba", then other places, the time
    of day ("SFI kurs D, kvällstid, Tumba"), the provider, and only last a group number.
    The time of day also sets the schedule (``hours_for``).

    Returns the name and the place it names.
    """
    # "Språkcafé Fittja" already names its place: then vary only the time of day and what follows.
    others = [] if place in base else [p for p in PLACES.get(municipality.name, []) if p != place]
    places = [place, *others]

    def with_place(text, where):
        return text if where in text else f"{text}, {where}"

    candidates = [(with_place(base, where), where) for where in places]
    qualifiers = [qualifier for qualifier in QUALIFIERS if qualifier not in base]
    candidates += [(with_place(f"{base}, {qualifier}", place), place) for qualifier in qualifiers]
    if provider:
        short = provider.name.split(" (")[0]
        candidates.append((with_place(f"{base} med {short}", place), place))
    candidates += [(with_place(f"{base}, grupp {number}", place), place) for number in range(2, 20)]
    for name, where in candidates:
        if (municipality.pk, name) not in taken:
            return name, where
    raise ValueError(f"No free demo name for {base} in {municipality}")


def load(stdout=None):
    rng = random.Random(2010)
    now = timezone.now()
    User = get_user_model()
    users = {user.username: user for user in User.objects.filter(username__in=["admin-huddinge", "strateg"])}
    categories = {category.slug: category for category in Category.objects.all()}
    groups = {group.slug: group for group in TargetGroup.objects.all()}
    municipalities = list(Municipality.objects.order_by("name"))
    providers = []
    for name, kind, provider_type in PROVIDERS:
        organisation, _created = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
        providers.append((organisation, provider_type))
    slugs = list(TEMPLATES)
    taken = set(Insats.objects.values_list("owner_municipality_id", "name"))
    created = 0
    for index in range(TOTAL):
        municipality = municipalities[index % len(municipalities)]
        slug = slugs[(index // len(municipalities) + index) % len(slugs)]
        patterns, description, group_slugs, plan_part, languages = TEMPLATES[slug]
        language = rng.choice(languages)
        words = {
            "level": rng.choice(LEVELS),
            "branch": rng.choice(BRANCHES),
            "language": LANGUAGES_SV.get(language, "arabiska"),
            "place": rng.choice(PLACES.get(municipality.name, [municipality.name])),
        }
        base = rng.choice(patterns).format(**words)
        provider, provider_type = rng.choice(providers) if rng.random() < 0.4 else (None, "kommun")
        name, words["place"] = unique_name(base, words["place"], municipality, provider, taken)
        taken.add((municipality.pk, name))
        # Start dates from about eight months ago to three months ahead, whatever day the demo is loaded.
        start = timezone.localdate() - datetime.timedelta(days=240) + datetime.timedelta(days=rng.randrange(0, 330))
        # Some verified long ago (overdue), most recently; Huddinge gets a few overdue for the demo home page.
        days_ago = rng.choice([20, 45, 90, 120, 150, 170, 200, 230, 300])
        if municipality.name == "Huddinge" and index % 3 == 0:
            days_ago = 200
        status = rng.choices(
            [Insats.Status.PUBLISHED, Insats.Status.DRAFT, Insats.Status.PAUSED, Insats.Status.ENDED],
            weights=[80, 8, 6, 6],
        )[0]
        insats = Insats.objects.create(
            name=name,
            short_description=description.format(**words).split(". ")[0].rstrip(".") + ".",
            description=description.format(**words),
            category=categories[slug],
            plan_part=plan_part,
            age_min=16 if slug == "ungdom" else (None if slug == "ensamkommande" else 18),
            age_max=19 if slug == "ungdom" else (17 if slug == "ensamkommande" else 64),
            eligibility=rng.choice(
                [
                    "Nyanlända med uppehållstillstånd som är folkbokförda i kommunen.",
                    "Deltagare i etableringsuppdraget, efter beslut av Arbetsförmedlingen.",
                    "Alla nyanlända i kommunen, oavsett etableringsplan.",
                ]
            ),
            languages=ordered_languages([language, "sv"]),
            provider=provider,
            provider_type=provider_type,
            owner_municipality=municipality,
            start_date=start if rng.random() < 0.5 else None,
            end_date=start + datetime.timedelta(days=rng.choice([60, 120, 180])) if rng.random() < 0.3 else None,
            intake=rng.choice([Insats.Intake.CONTINUOUS, Insats.Intake.FIXED]),
            hours=hours_for(name, rng.choice(["Mån–tor 9–12", "Tis och tor 13–16", "Ons 17–19", "Mån–fre 8.30–15"])),
            capacity=rng.choice([None, 8, 12, 15, 20, 30]),
            participant_cost=rng.choice(["Kostnadsfritt", "Kostnadsfritt", "50 kr per tillfälle"]),
            funding=rng.sample(["kommun", "af", "esf", "lst", "schablon"], k=rng.randint(1, 2)),
            function_email=f"insatser@{municipality.name.lower().replace('ä', 'a').replace('ö', 'o')}.exempel.se",
            function_phone="08-123 456 78",
            how_to_apply=rng.choice(
                [
                    "Tala med din handläggare på Arbetsförmedlingen.",
                    "Anmäl dig via kommunens vägledningscentrum.",
                    "Kom direkt, ingen anmälan behövs.",
                ]
            ),
            internal_notes="Fiktiv demopost." if rng.random() < 0.3 else "",
            status=status,
            last_verified_at=now - datetime.timedelta(days=days_ago),
            last_verified_by=users.get("admin-huddinge") if municipality.name == "Huddinge" else users.get("strateg"),
        )
        insats.target_groups.set([groups[g] for g in group_slugs if g in groups])
        Place.objects.create(
            insats=insats,
            name=f"{municipality.name} vägledningscentrum",
            street_address=f"{rng.choice(['Storgatan', 'Kyrkvägen', 'Torget', 'Centrumvägen'])} {rng.randint(1, 40)}",
            postal_code=f"1{rng.randint(40, 59)} {rng.randint(10, 99)}",
            city=words["place"],
            municipality=municipality,
        )
        services.insats_refresh_derived(insats)
        InsatsChange.objects.create(insats=insats, field="created", new_value=insats.name)
        insats.view_count = rng.randint(0, 120)
        # Fixed intakes name their dates; a few (published before the publishing gate) do not, so the owners'
        # home page and the scoreboard have something to show. From the index: the random sequence stays the same.
        if insats.intake == Insats.Intake.FIXED and index % 9:
            insats.intake_dates = INTAKE_DATES[index % len(INTAKE_DATES)]
        insats.save(update_fields=["view_count", "intake_dates"])
        created += 1
    _demo_texts(users.get("admin-huddinge"))
    week = monday_of(timezone.localdate())
    for offset in range(8):
        SearchWeek.objects.get_or_create(
            week=week - datetime.timedelta(weeks=offset),
            defaults={"searches": rng.randint(40, 120), "zero_results": rng.randint(3, 15)},
        )
    for query, count in [("körkort", 9), ("simskola", 6), ("jobb för ingenjörer", 4), ("tandvård", 3)]:
        SearchLog.objects.get_or_create(query=query, week=week, defaults={"count": count})
    # Freshness over time: what the nightly job would have stored over the last twelve weeks, computed
    # from the review dates (the reviews that have come due since then make the share fall).
    today = timezone.localdate()
    for offset in range(SNAPSHOT_DAYS - 1, -1, -1):
        services.freshness_snapshot_take(today - datetime.timedelta(days=offset))
    if stdout:
        stdout.write(f"insatsbasen: {created} fictitious insatser")
