"""The Excel layout of an insats, shared by the export and the import so a file imports back unchanged.

A file says what the user reads on screen, in Swedish whatever the language of the page (files travel between
people): choices by their label ("Publicerad", "Löpande intag", "ESF"), languages by name, related objects by
name, lists separated by "; ", yes/no as "ja"/"nej". The import reads those labels, the English ones and the
codes of earlier files alike (``choice_code``).
"""

import functools

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .models import LANGUAGES, Funding, Insats

SEPARATOR = "; "

# (key, label, kind). Kinds: text, int, date, bool, choice (one choice, by label), choices (a list of choices),
# fk (related by name), m2m (names), readonly (exported only, ignored on import).
COLUMNS = [
    ("id", _("Id"), "int"),
    ("name", _("Name"), "text"),
    ("short_description", _("Short description"), "text"),
    ("description", _("Full description"), "text"),
    ("category", _("Category"), "fk"),
    ("plan_part", _("Part of the establishment plan"), "choice"),
    ("target_groups", _("Target groups"), "m2m"),
    ("age_min", _("Age from"), "int"),
    ("age_max", _("Age to"), "int"),
    ("eligibility", _("Who can take part"), "text"),
    ("languages", _("Languages"), "choices"),
    ("provider", _("Provider"), "fk"),
    ("provider_type", _("Provider type"), "choice"),
    ("owner_municipality", _("Owning municipality"), "fk"),
    ("participating_municipalities", _("Participating municipalities"), "m2m"),
    ("is_remote", _("Remote or at home (yes/no)"), "bool"),
    ("places", _("Places (changed on the insats's page)"), "readonly"),
    ("start_date", _("Start date"), "date"),
    ("end_date", _("End date"), "date"),
    ("intake", _("Intake"), "choice"),
    ("intake_dates", _("Intake dates"), "text"),
    ("hours", _("Schedule"), "text"),
    ("capacity", _("Capacity (places)"), "int"),
    ("participant_cost", _("Cost for the participant"), "text"),
    ("funding", _("Funding"), "choices"),
    ("contact", _("Contact person"), "fk"),
    ("contact_is_public", _("Show contact person publicly (yes/no)"), "bool"),
    ("function_email", _("Function e-mail address"), "text"),
    ("function_phone", _("Function phone"), "text"),
    ("how_to_apply", _("How to apply"), "text"),
    ("web_link", _("Web link"), "text"),
    ("internal_notes", _("Internal notes"), "text"),
    ("status", _("Status"), "choice"),
    ("review_interval_months", _("Review interval (months)"), "int"),
    ("version", _("Version"), "readonly"),
    ("last_verified_at", _("Last verified"), "readonly"),
    ("review_due_on", _("Review due"), "readonly"),
]
LABELS = {key: label for key, label, _kind in COLUMNS}

CHOICES = {
    "plan_part": Insats.PlanPart.choices,
    "provider_type": Insats.ProviderType.choices,
    "intake": Insats.Intake.choices,
    "status": Insats.Status.choices,
    "languages": LANGUAGES,
    "funding": Funding.choices,
}


def header():
    with override("sv"):
        return [str(label) for _key, label, _kind in COLUMNS]


@functools.cache
def _swedish_labels(key):
    """Code → Swedish label of one choice column (translations do not change while the process runs)."""
    with override("sv"):
        return {code: str(label) for code, label in CHOICES[key]}


@functools.cache
def _codes_by_text(key):
    """Lower-cased Swedish label, English label and code → code, for reading a file back."""
    codes = {}
    for language in ("en", "sv"):  # Swedish last: it wins if an English label were another choice's Swedish one
        with override(language):
            codes.update({str(label).strip().lower(): code for code, label in CHOICES[key]})
    codes.update({code.lower(): code for code, _label in CHOICES[key] if code})
    return codes


def choice_label(key, code):
    return _swedish_labels(key).get(code, code)


def choice_code(key, text):
    """The code of a label or code as read from a file; ``None`` when it is not one of the choices."""
    text = str(text or "").strip()
    if not text:
        return ""
    return _codes_by_text(key).get(text.lower())


def place_text(place):
    return _place_text(place.name, place.street_address, place.postal_code, place.city)


def _place_text(name, street_address, postal_code, city):
    town = " ".join(part for part in [postal_code, city] if part)
    return ", ".join(part for part in [name, street_address, town] if part)


def cell(insats, key, kind):
    """One cell of an insats's row (the insats comes with its relations prefetched)."""
    if key == "places":
        return SEPARATOR.join(place_text(place) for place in insats.places.all())
    value = getattr(insats, key)
    if kind == "m2m":
        return SEPARATOR.join(sorted(str(obj) for obj in value.all()))
    if kind == "fk":
        return str(value) if value is not None else ""
    return _converter(key, kind)(value)


def row_of(insats):
    """One insats as a row of cells."""
    return [cell(insats, key, kind) for key, _label, kind in COLUMNS]


# Reading rows as plain values (the export: model objects for 100,000 insatser cost seconds each): ``value_row``
# makes the same cells as ``row_of`` from one tuple in ``COLUMNS``' order in which a related object is its name
# and a list of them (m2m, places) is one text of names, each place as "pk<UNIT>name<UNIT>street<UNIT>postal
# code<UNIT>city", joined by RECORD, in any order (sorted here as ``cell`` sorts them). Control characters can
# never be in a cell (openpyxl refuses them), so they cannot be in a name that is exported.
UNIT, RECORD = "\x1f", "\x1e"


def _names(text):
    return SEPARATOR.join(sorted(text.split(RECORD))) if text else ""


def _places(text):
    if not text:
        return ""
    places = sorted((part.split(UNIT) for part in text.split(RECORD)), key=lambda fields: int(fields[0]))
    return SEPARATOR.join(_place_text(*fields[1:]) for fields in places)


def _text(value):
    return "" if value is None else value


def _converter(key, kind):
    """The function that turns a column's plain value into its cell."""
    if key == "places":
        return _places
    if kind == "m2m":
        return _names
    if kind == "choices":
        labels = _swedish_labels(key)
        return lambda codes: SEPARATOR.join(labels.get(code, code) for code in codes)
    if kind == "choice":
        labels = _swedish_labels(key)
        if key == "plan_part":
            return lambda code: labels.get(code, code)
        return lambda code: labels.get(code, code) if code else ""
    if kind == "fk":
        return _text
    if kind == "bool":
        return lambda value: "ja" if value else "nej"
    if key == "last_verified_at":
        return lambda value: timezone.localdate(value) if value else _text(value)
    return _text


def value_row(values, converters=None):
    """The row of one insats read as plain values (see above), the same cells as ``row_of``."""
    converters = converters or value_converters()
    return [convert(value) for convert, value in zip(converters, values, strict=True)]


def value_converters():
    """One function per column, to pass to ``value_row`` for many rows."""
    return [_converter(key, kind) for key, _label, kind in COLUMNS]
