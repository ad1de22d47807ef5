"""The fixed cast of demo users: one per role, so anyone can try every part of the portal.

Used by the demo data (``manage.py load_demo``) and by the tests' shared fixtures.
All names are fictitious.
"""

from dataclasses import dataclass

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class CastMember:
    username: str
    first_name: str
    last_name: str
    description: str
    roles: tuple = ()  # (kind, municipality code or None, side)
    superuser: bool = False

    @property
    def email(self):
        return f"{self.username}@exempel.se"


CAST = (
    CastMember(
        "admin-huddinge",
        "Anna",
        "Lindqvist",
        "insats administrator, intro side, Huddinge",
        (("insats_admin", "0126", "intro"),),
    ),
    CastMember(
        "admin-botkyrka",
        "Omar",
        "Haddad",
        "insats administrator, SFI side, Botkyrka",
        (("insats_admin", "0127", "sfi"),),
    ),
    CastMember(
        "rapportor-botkyrka",
        "Sara",
        "Nyberg",
        "statistics reporter, Botkyrka",
        (("stat_reporter", "0127", ""),),
    ),
    CastMember(
        "introchef-botkyrka",
        "Johan",
        "Ekström",
        "intro manager, Botkyrka",
        (("intro_manager", "0127", ""),),
    ),
    CastMember(
        "statistik-region",
        "Leila",
        "Karimi",
        "regional statistics administrator",
        (("stat_admin", None, ""),),
    ),
    CastMember("strateg", "Maria", "Sandberg", "the regional strategist", (("strategist", None, ""),)),
    CastMember("lasare", "Erik", "Holm", "reader, a case officer"),
    CastMember("admin", "Systemadministratör", "", "system administrator", superuser=True),
)


def cast_member(username):
    return next(member for member in CAST if member.username == username)
