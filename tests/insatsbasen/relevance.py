"""The search relevance set: realistic Swedish queries and the insatser of the demo catalogue a person expects.

Each case is a query as a case officer or a newcomer types it and the names (their beginnings) of the demo
insatser that answer it; the case passes when one of the first three hits of the public catalogue's search is
among them. The figure is the share of cases that pass (goal ≥ 90 %). ``test_search_relevance.py`` runs the set on
PostgreSQL (the test database) and on SQLite (this file run as a script against a fresh SQLite database, the
``make run`` default):

    DATABASE_URL=sqlite:////tmp/relevance.sqlite3 DJANGO_DEBUG=1 .venv/bin/python tests/insatsbasen/relevance.py

prints the figure and each case's top three as JSON.
"""

import json
import os
import sys
from pathlib import Path

GOAL = 0.9

# (query, name beginnings of the insatser expected in the top three)
CASES = [
    # SFI and Swedish
    ("sfi", ["SFI", "Yrkes-SFI"]),
    ("svenska för invandrare", ["SFI", "Yrkes-SFI"]),
    ("svenskundervisning", ["SFI", "Yrkes-SFI"]),
    (
        "sfi kvällstid",
        [
            "SFI kurs B på kvällstid",
            "SFI kurs D på kvällstid",
            "SFI studieväg 1 på kvällstid",
            "SFI studieväg 2 på kvällstid",
        ],
    ),
    ("sfi med barnpassning", ["SFI kurs B med barnpassning", "SFI studieväg 2 med barnpassning"]),
    ("yrkessvenska inom vården", ["Yrkes-SFI vård"]),
    ("svenska", ["SFI", "Yrkes-SFI", "Samtalsgrupp i svenska", "Studiecirkel i vardagssvenska"]),
    ("vardagssvenska", ["Studiecirkel i vardagssvenska"]),
    ("träna svenska", ["Samtalsgrupp i svenska", "Studiecirkel i vardagssvenska", "Språkcafé", "Språkpraktik"]),
    ("språkcafé", ["Språkcafé"]),
    ("samtalsgrupp", ["Samtalsgrupp i svenska", "Samtalsgrupp om stress"]),
    ("läsa och skriva analfabeter", ["SFI", "Yrkes-SFI"]),
    # Samhällsorientering
    ("samhällsorientering", ["Samhällsorientering"]),
    ("samhällsorientering på arabiska", ["Samhällsorientering på arabiska"]),
    (
        "samhällsinformation persiska",
        ["Samhällsorientering på persiska", "Samhällsorientering för föräldrar på persiska"],
    ),
    ("rättigheter och skyldigheter", ["Samhällsorientering"]),
    # Work
    ("praktik", ["Praktik inom", "Språkpraktik inom", "Sommarjobb och praktik"]),
    ("praktikplatser äldreomsorg", ["Praktik inom äldreomsorgen", "Språkpraktik inom äldreomsorgen"]),
    ("jobba inom restaurang", ["Validering av yrkeskunskaper inom restaurang"]),
    ("arbetsträning", ["Arbetsträning"]),
    (
        "jobb lager",
        [
            "Praktik inom lager och logistik",
            "Språkpraktik inom lager och logistik",
            "Kartläggning och validering inom lager",
            "Validering av yrkeskunskaper inom lager",
        ],
    ),
    ("validering", ["Validering", "Kartläggning och validering"]),
    ("validera yrkeskunskaper", ["Validering av yrkeskunskaper"]),
    ("kartläggning", ["Kartläggning och validering"]),
    ("sommarjobb", ["Sommarjobb"]),
    ("jobb för ungdomar", ["Sommarjobb"]),
    # Health
    ("hälsa", ["Hälsoskola", "Samtalsgrupp om stress", "Friskvård"]),
    ("stress och sömn", ["Samtalsgrupp om stress och sömn"]),
    ("motion för kvinnor", ["Friskvård och motion för kvinnor"]),
    ("hur fungerar vården", ["Hälsoskola", "Friskvård", "Samtalsgrupp om stress"]),
    # Parents, young people, children
    ("föräldrar", ["Föräldragrupp", "Föräldraskap", "Samhällsorientering för föräldrar"]),
    ("föräldragrupp somaliska", ["Föräldragrupp på somaliska"]),
    ("föräldraskap tigrinja", ["Föräldraskap i Sverige på tigrinja"]),
    ("läxhjälp", ["Läxhjälp"]),
    ("hjälp med läxor", ["Läxhjälp"]),
    ("idrott", ["Idrott och föreningsliv"]),
    ("föreningar för unga", ["Idrott och föreningsliv"]),
    ("ensamkommande barn", ["Mentorprogram för ensamkommande", "Stödboende och fritid för ensamkommande"]),
    ("mentor", ["Mentorprogram"]),
    ("boende ensamkommande", ["Stödboende"]),
    # Everyday life
    ("körkort", ["Körkortsteori"]),
    ("körkortsteori somaliska", ["Körkortsteori på somaliska"]),
    ("cyklar", ["Cykelskola"]),
    ("lära sig cykla", ["Cykelskola"]),
    ("e-legitimation", ["Digital vardag"]),
    ("digitala myndigheter", ["Digital vardag"]),
]


def top_three(query):
    from insatsbasen import search
    from insatsbasen.models import Insats

    ranked = search.search(Insats.objects.published(), query).order_by("-rank", "name")
    return list(ranked.values_list("name", flat=True)[:3])


def evaluate():
    """Every case with its top three and whether it passed, and the share that passed."""
    results = []
    for query, expected in CASES:
        top = top_three(query)
        passed = any(name.startswith(prefix) for name in top for prefix in expected)
        results.append({"query": query, "top": top, "passed": passed})
    share = sum(result["passed"] for result in results) / len(results)
    return {"share": share, "cases": results}


def report(label, outcome):
    """The figure as the README quotes it, and every case that missed."""
    lines = [
        f"search relevance on {label}: {outcome['share']:.0%} of {len(outcome['cases'])} queries have an "
        f"expected insats in the top 3 (goal ≥ {GOAL:.0%})"
    ]
    for case in outcome["cases"]:
        if not case["passed"]:
            lines.append(f"  missed {case['query']!r}: {case['top']}")
    return "\n".join(lines)


def main():
    """Against the database in DATABASE_URL (a fresh SQLite file): migrate, load the demo catalogue, evaluate."""
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intro_sodertorn.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from insatsbasen import demo

    call_command("migrate", verbosity=0, interactive=False)
    demo.load()
    print(json.dumps(evaluate(), ensure_ascii=False))


if __name__ == "__main__":
    main()
