"""Import insatser for one municipality from the export layout: a dry run, then an all-or-nothing commit.

Each row is validated by the same form as the edit page (so the same rules and the same
municipality scoping apply). The checked rows are kept in the session between the two steps;
the commit validates them again inside one transaction and writes nothing if any row fails.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from intro_sodertorn.xlsx import WorkbookError, open_uploaded_workbook, read_rows
from natverk.models import Contact, Municipality, Organisation

from . import columns, services
from .forms import InsatsForm
from .models import Category, Insats, TargetGroup

SESSION_KEY = "insatsbasen_import"
IGNORED_FORM_FIELDS = {"version", "reason"}


class ImportRejected(Exception):
    """The commit found an error; nothing was written."""


@dataclass
class RowResult:
    number: int
    name: str
    action: str  # "create", "update", "unchanged", "error"
    errors: list = field(default_factory=list)
    pk: int | None = None
    data: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)  # (column label, old, new) of an update, as the file shows them
    warnings: list = field(default_factory=list)  # e.g. a probable duplicate: shown, not blocking
    # The validated edit form, for the commit to save without validating the row a second time (never stored).
    form: object = field(default=None, repr=False, compare=False)


@dataclass
class ImportResult:
    municipality_id: int
    rows: list = field(default_factory=list)
    file_error: str = ""

    @property
    def errors(self):
        return [row for row in self.rows if row.errors]

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created_count(self):
        return self.count("create")

    @property
    def updated_count(self):
        return self.count("update")

    @property
    def unchanged_count(self):
        return self.count("unchanged")

    @property
    def warned(self):
        return [row for row in self.rows if row.warnings]

    def to_session(self):
        return {
            "municipality_id": self.municipality_id,
            "rows": [{"number": r.number, "pk": r.pk, "data": r.data} for r in self.rows if r.action != "error"],
            "has_errors": bool(self.errors),
        }


def _by_name(model, name, cache=None):
    """The pk of the ``model`` row named ``name`` (any case), or "?name" when there is none.

    ``cache`` (a dict for one import) keeps each answer: a file names the same few categories, municipalities and
    contacts on every row, and one query each is enough (bench/import_rows.py).
    """
    if not name:
        return ""
    key = (model, str(name).strip())
    if cache is not None and key in cache:
        return cache[key]
    named = Q(name__iexact=key[1])
    if model in (Category, TargetGroup):  # a file exported from the English pages names them in English
        named |= Q(name_en__iexact=key[1])
    match = model.objects.filter(named).order_by("pk").values_list("pk", flat=True).first()
    answer = match if match is not None else f"?{name}"
    if cache is not None:
        cache[key] = answer
    return answer


def _names(model, value, cache=None):
    return [_by_name(model, name, cache) for name in _split(value)]


def _split(value):
    return [part.strip() for part in str(value or "").split(";") if part.strip()]


def _text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choice(key, value):
    """The code of a choice written as its label (Swedish or English) or as its code; "?text" when unknown."""
    code = columns.choice_code(key, _text(value))
    return f"?{_text(value)}" if code is None else code


def row_to_form_data(cells, cache=None):
    """A row of the export layout as the edit form's POST data (``cache``: see ``_by_name``)."""
    values = dict(zip([key for key, _label, _kind in columns.COLUMNS], cells, strict=False))
    data = {}
    for key, _label, kind in columns.COLUMNS:
        value = values.get(key)
        if kind in ("readonly",) or key == "id":
            continue
        if kind == "fk":
            model = {
                "category": Category,
                "provider": Organisation,
                "owner_municipality": Municipality,
                "contact": Contact,
            }[key]
            data[key] = _by_name(model, value, cache)
        elif kind == "m2m":
            model = TargetGroup if key == "target_groups" else Municipality
            data[key] = _names(model, value, cache)
        elif kind == "choices":
            data[key] = [_choice(key, part) for part in _split(value)]
        elif kind == "choice":
            data[key] = _choice(key, value)
        elif kind == "bool":
            data[key] = "on" if _text(value).lower() in ("ja", "yes", "true", "1", "x") else ""
        else:
            data[key] = _text(value)
    # An empty intake means what the form's default means: continuous intake.
    data["intake"] = data.get("intake") or Insats.Intake.CONTINUOUS
    data["id"] = _text(values.get("id"))
    data["version"] = _text(values.get("version"))
    return data


def _find_header(rows):
    wanted = [label.lower() for label in columns.header()]
    for index, row in enumerate(rows[:10]):
        cells = [_text(cell).lower() for cell in row[: len(wanted)]]
        if cells[:2] == wanted[:2]:
            if cells != wanted:
                raise WorkbookError(
                    _("The columns do not match the layout of the export. Start from an exported file.")
                )
            return index
    raise WorkbookError(_("No header row found. Start from a file exported from Insatsbasen."))


def validate_row(number, data, municipality, user):
    """Validate one row with the edit form; returns a RowResult."""
    name = data.get("name", "")
    errors = []
    instance = None
    pk = data.get("id")
    if pk:
        instance = Insats.objects.editable_by(user).filter(pk=pk, owner_municipality=municipality).first()
        if instance is None:
            return RowResult(
                number, name, "error", [_("Insats %(id)s is not one of this municipality's.") % {"id": pk}]
            )
        if data.get("version") and str(instance.version) != data["version"]:
            errors.append(_("The insats was changed in Insatsbasen after the file was exported."))
    labels = columns.LABELS
    # The row as the file showed it before this upload, to say what an update changes (the form changes the
    # instance's fields while it validates).
    before = _cells(instance) if instance is not None else {}
    unknown = set()
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and item.startswith("?"):
                unknown.add(key)
                errors.append(
                    _("“%(value)s” is not known (%(column)s).") % {"value": item[1:], "column": labels.get(key, key)}
                )
    if str(data.get("owner_municipality")) != str(municipality.pk):
        errors.append(_("The owning municipality must be %(m)s.") % {"m": municipality})
    if "is_remote" not in data:
        # A layout without the column keeps what the insats has (an absent checkbox would mean "no").
        data["is_remote"] = "on" if instance is not None and instance.is_remote else ""
    form = InsatsForm(data, instance=instance, user=user)
    if not form.is_valid():
        for field_name, field_errors in form.errors.items():
            if field_name in unknown:
                continue  # already said in plain words above
            label = form.fields[field_name].label if field_name in form.fields else ""
            errors.extend(f"{label}: {error}" if label else error for error in field_errors)
    changed = []
    if not errors:
        changed = [key for key, _label, _kind in columns.COLUMNS if key in set(form.changed_data) - IGNORED_FORM_FIELDS]
        # The publishing gate, as on the form (places: those the insats already has), for a row that writes
        # something: an unchanged row writes nothing, so an entry that already fails the gate (listed for its owner
        # on the home page) does not stop the rest of the file.
        if form.instance.status == Insats.Status.PUBLISHED and (instance is None or changed):
            gaps = form.instance.publish_gaps()
            if gaps:
                errors.append(services.gate_message(gaps))
    if errors:
        return RowResult(number, name, "error", errors, pk=instance.pk if instance else None)
    if instance is None:
        return RowResult(number, name, "create", data=data, form=form)
    after = _cells(form.instance, form.cleaned_data)
    changes = [(labels[key], before[key], after[key]) for key in changed]
    action = "update" if changed else "unchanged"
    return RowResult(number, name, action, pk=instance.pk, data=data, changes=changes, form=form)


def _cells(insats, cleaned=None):
    """The insats's cells as the export writes them; many-to-many fields from ``cleaned`` (a form's new values)."""
    result = {}
    for key, _label, kind in columns.COLUMNS:
        if kind == "readonly" or key == "id":
            continue
        if kind == "m2m" and cleaned is not None:
            value = columns.SEPARATOR.join(sorted(str(obj) for obj in cleaned.get(key) or []))
        else:
            value = columns.cell(insats, key, kind)
        result[key] = _text(value)
    return result


def import_check(uploaded_file, municipality, user):
    """The dry run: read and validate every row, write nothing."""
    result = ImportResult(municipality.pk)
    try:
        workbook = open_uploaded_workbook(uploaded_file)
        rows = read_rows(workbook.worksheets[0])
        start = _find_header(rows)
    except WorkbookError as error:
        result.file_error = str(error)
        return result
    cache = {}
    for offset, cells in enumerate(rows[start + 1 :], start=start + 2):
        if not any(_text(cell) for cell in cells):
            continue
        row = validate_row(offset, row_to_form_data(cells, cache), municipality, user)
        row.form = None  # the dry run keeps no forms: the commit validates again, in its transaction
        result.rows.append(row)
    _flag_probable_duplicates(result.rows, municipality)
    if not result.rows:
        result.file_error = _("The file has no rows to import.")
    return result


def _name_key(name):
    # Python's casefold, not the database's: SQLite compares only ASCII letters without case ("SKOGÅS" ≠ "Skogås").
    return " ".join(str(name).split()).casefold()


def _flag_probable_duplicates(rows, municipality):
    """A new row named like an insats the municipality already has, or like an earlier new row of the file, is
    probably that insats again: flagged for a look, not refused (two insatser may share a name)."""
    existing = {}
    for insats in Insats.objects.filter(owner_municipality=municipality).order_by("pk").only("pk", "name", "status"):
        existing.setdefault(_name_key(insats.name), []).append(insats)
    first_row = {}
    for row in rows:
        if row.action != "create" or not row.name.strip():
            continue
        key = _name_key(row.name)
        row.warnings.extend(
            _(
                "Probably a duplicate of “%(name)s” (id %(id)s, %(status)s), already in Insatsbasen. To change that "
                "insats, write its id in the Id column; import this row only if it is really a new insats."
            )
            % {"name": insats.name, "id": insats.pk, "status": insats.get_status_display()}
            for insats in existing.get(key, [])
        )
        if key in first_row:
            row.warnings.append(
                _("Probably a duplicate of row %(row)s of the file, which has the same name.") % {"row": first_row[key]}
            )
        else:
            first_row[key] = row.number


def import_commit(stored, user):
    """Write every checked row, or nothing: any error (also one that appeared since the dry run) rejects all."""
    if stored.get("has_errors"):
        raise ImportRejected(_("The file has errors. Correct them and upload it again; nothing was imported."))
    municipality = Municipality.objects.get(pk=stored["municipality_id"])
    created = updated = 0
    for row in stored["rows"]:
        checked = validate_row(row["number"], row["data"], municipality, user)
        if checked.errors:
            raise ImportRejected(
                _("Row %(number)s: %(errors)s Nothing was imported.")
                % {"number": row["number"], "errors": " ".join(checked.errors)}
            )
        if checked.action == "unchanged":
            continue
        # The form validate_row has just validated, on the instance it read in this transaction.
        form, instance = checked.form, checked.form.instance if checked.pk else None
        reason = _("Excel import")
        try:
            if instance is None:
                services.insats_create(form, user, reason=reason)
                created += 1
            else:
                services.insats_update(form, user, expected_version=instance.version, reason=reason)
                updated += 1
        except services.NotPublishable as refusal:
            raise ImportRejected(
                _("Row %(number)s: %(errors)s Nothing was imported.")
                % {"number": row["number"], "errors": services.gate_message(refusal.gaps)}
            ) from refusal
    return created, updated
