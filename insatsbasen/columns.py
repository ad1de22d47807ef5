"""The Excel layout of an insats, shared by the export and the import so a file imports back unchanged.

Choice fields are written as their codes (stable whatever the language); related objects by name;
lists separated by "; ". The header labels are Swedish, always (files travel between people).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

SEPARATOR = "; "

# (key, label, kind). Kinds: text, int, date, bool, code (choice code), codes (list of codes),
# fk (related by name), m2m (names), readonly (exported only, ignored on import).
COLUMNS = [
    ("id", _("Id"), "int"),
    ("name", _("Name"), "text"),
    ("short_description", _("Short description"), "text"),
    ("description", _("Full description"), "text"),
    ("category", _("Category"), "fk"),
    ("plan_part", _("Part of the establishment plan (code)"), "code"),
    ("target_groups", _("Target groups"), "m2m"),
    ("age_min", _("Age from"), "int"),
    ("age_max", _("Age to"), "int"),
    ("eligibility", _("Who can take part"), "text"),
    ("languages", _("Languages (ISO 639 codes)"), "codes"),
    ("provider", _("Provider"), "fk"),
    ("provider_type", _("Provider type (code)"), "code"),
    ("owner_municipality", _("Owning municipality"), "fk"),
    ("participating_municipalities", _("Participating municipalities"), "m2m"),
    ("start_date", _("Start date"), "date"),
    ("end_date", _("End date"), "date"),
    ("intake", _("Intake (code)"), "code"),
    ("intake_dates", _("Intake dates"), "text"),
    ("hours", _("Schedule"), "text"),
    ("capacity", _("Capacity (places)"), "int"),
    ("participant_cost", _("Cost for the participant"), "text"),
    ("funding", _("Funding (codes)"), "codes"),
    ("contact", _("Contact person"), "fk"),
    ("contact_is_public", _("Show contact person publicly (yes/no)"), "bool"),
    ("function_email", _("Function e-mail address"), "text"),
    ("function_phone", _("Function phone"), "text"),
    ("how_to_apply", _("How to apply"), "text"),
    ("web_link", _("Web link"), "text"),
    ("internal_notes", _("Internal notes"), "text"),
    ("status", _("Status (code)"), "code"),
    ("review_interval_months", _("Review interval (months)"), "int"),
    ("version", _("Version"), "readonly"),
    ("last_verified_at", _("Last verified"), "readonly"),
    ("review_due_on", _("Review due"), "readonly"),
]


def header():
    with override("sv"):
        return [str(label) for _key, label, _kind in COLUMNS]


def row_of(insats):
    """One insats as a row of cells (the insats comes with its relations prefetched)."""
    cells = []
    for key, _label, kind in COLUMNS:
        value = getattr(insats, key)
        if kind == "m2m":
            value = SEPARATOR.join(sorted(str(obj) for obj in value.all()))
        elif kind == "codes":
            value = SEPARATOR.join(value)
        elif kind == "fk":
            value = str(value) if value is not None else ""
        elif kind == "bool":
            value = "ja" if value else "nej"
        elif key == "last_verified_at" and value:
            value = value.date()
        elif value is None:
            value = ""
        cells.append(value)
    return cells
