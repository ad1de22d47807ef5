"""Import insatser for one municipality from the export layout: a dry run, then an all-or-nothing commit.

Each row is validated by the same form as the edit page (so the same rules and the same
municipality scoping apply). Both steps are background jobs (an ImportJob, see the end of this
module): the checked rows are kept in the job between the two steps; the commit validates them
again inside one transaction and writes nothing if any row fails.
"""

import copy
import datetime
import functools
import logging
import uuid
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from intro_sodertorn.xlsx import WorkbookError, open_uploaded_workbook, read_rows
from natverk.models import Contact, Municipality, Organisation

from . import columns, services
from .forms import InsatsForm
from .models import Category, ImportJob, Insats, TargetGroup

logger = logging.getLogger(__name__)

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

    def preview(self, limit=500):
        """The rows the preview lists, and how many it leaves out: every row with an error, a warning or a change,
        and the plain creates and unchanged rows up to ``limit`` rows in all (a 5,000-row page helps nobody)."""
        shown = []
        for row in self.rows:
            if row.errors or row.warnings or row.action == "update" or len(shown) < limit:
                shown.append(row)
        return shown, len(self.rows) - len(shown)

    def for_commit(self):
        """What ``import_commit`` reads: the rows without errors."""
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


class _CopiedOneLevel(dict):
    """A form's base fields whose deep copy (what every new form makes of them) copies each field and its widget one
    level deep instead: Django's deep copy of the edit form's 34 fields and widgets is a third of an import row's
    cost (bench/import_rate.py). Enough for a form that validates and is never rendered, whose ``__init__`` only
    assigns attributes (querysets, choices) and never changes a shared one in place."""

    def __deepcopy__(self, memo):
        fields = {}
        for name, form_field in self.items():
            fields[name] = copy.copy(form_field)
            fields[name].widget = copy.copy(form_field.widget)
        return fields


class ImportInsatsForm(InsatsForm):
    """The edit form, for one row of an import: the same fields, rules and scoping, with the answers of its choice
    fields kept for the whole import (``lookups``, a dict).

    A file names the same few categories, providers, contacts and municipalities on every row; the edit form would
    ask the database for each of them on every row, and once more for each foreign key when the model validates the
    object the field has just found (bench/import_rate.py: 7 of a row's 8 queries). Only the answers are shared: each
    field still looks a value up in its own queryset, scoped to the user, the first time the import meets it.
    """

    def __init__(self, *args, lookups, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            if isinstance(form_field, forms.ModelMultipleChoiceField):
                form_field._check_values = functools.partial(self._values, lookups, name, form_field._check_values)
            elif isinstance(form_field, forms.ModelChoiceField):
                form_field.to_python = functools.partial(self._value, lookups, name, form_field.to_python)

    def _key(self, name, value):
        # The contact field's queryset also holds the contact the insats already has (attachable_contacts).
        return (name, value, self.instance.contact_id if name == "contact" else None)

    def _value(self, lookups, name, to_python, value):
        key = self._key(name, str(value))
        if key not in lookups:
            try:
                lookups[key] = to_python(value)
            except forms.ValidationError as error:
                lookups[key] = error
        if isinstance(lookups[key], forms.ValidationError):
            raise lookups[key]
        return lookups[key]

    def _values(self, lookups, name, check_values, values):
        key = self._key(name, tuple(sorted(str(value) for value in values)))
        if key not in lookups:
            try:
                lookups[key] = list(check_values(values))
            except forms.ValidationError as error:
                lookups[key] = error
        if isinstance(lookups[key], forms.ValidationError):
            raise lookups[key]
        return lookups[key]

    def _get_validation_exclusions(self):
        # A foreign key whose field found its object in its queryset needs no second query to say the object exists.
        exclude = super()._get_validation_exclusions()
        return exclude | {
            name
            for name, form_field in self.fields.items()
            if isinstance(form_field, forms.ModelChoiceField)
            and not isinstance(form_field, forms.ModelMultipleChoiceField)
            and self.cleaned_data.get(name) is not None
        }


ImportInsatsForm.base_fields = _CopiedOneLevel(ImportInsatsForm.base_fields)


def validate_row(number, data, municipality, user, lookups=None):
    """Validate one row with the edit form; returns a RowResult (``lookups``: see ImportInsatsForm)."""
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
    form = ImportInsatsForm(data, instance=instance, user=user, lookups={} if lookups is None else lookups)
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


def import_check(uploaded_file, municipality, user, progress=None):
    """The dry run: read and validate every row, write nothing (``progress(done, total)`` is told as it goes)."""
    result = ImportResult(municipality.pk)
    try:
        workbook = open_uploaded_workbook(uploaded_file)
        rows = read_rows(workbook.worksheets[0])
        start = _find_header(rows)
    except WorkbookError as error:
        result.file_error = str(error)
        return result
    cache, lookups = {}, {}
    total = len(rows) - start - 1
    for offset, cells in enumerate(rows[start + 1 :], start=start + 2):
        if progress is not None:
            progress(offset - start - 2, total)
        if not any(_text(cell) for cell in cells):
            continue
        row = validate_row(offset, row_to_form_data(cells, cache), municipality, user, lookups)
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
    lookups = {}
    for row in stored["rows"]:
        checked = validate_row(row["number"], row["data"], municipality, user, lookups)
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


# --- The import as background jobs ---------------------------------------------------------------------------------
#
# The upload view checks only what costs nothing (size, name, the zip signature), stores the file and creates an
# ImportJob; ``import_job_check`` (a Celery task, inline under `make run`) reads and validates it and keeps the dry
# run in the job; the user confirms and ``import_job_commit`` writes every row or none. Both tasks take the job's id
# and are safe to run twice: the check writes nothing but its own job, and the commit runs under the job's row lock
# in the same transaction that marks it done, so a second delivery finds it done and does nothing.

# Why a job failed, when the reason is not the file's: the technical detail goes to the log.
JOB_FAILED_MESSAGE = gettext_lazy("The import could not be made because of an error in the portal. Try again later.")
QUEUE_FAILED_MESSAGE = gettext_lazy(
    "The import could not be started because the background service was not available. Upload the file again "
    "in a few minutes."
)


def import_queue_available():
    """Whether import jobs can be queued now (the export queue's cached broker check: the same Redis and workers)."""
    from intro_sodertorn.exports import export_queue_available

    return export_queue_available()


def import_job_start(user, municipality, uploaded_file, language):
    """Store the upload, record the job and queue its check once the transaction commits."""
    job = ImportJob(user=user, municipality=municipality, language=language, file_name=uploaded_file.name[:255])
    job.file.save(f"{uuid.uuid4().hex}.xlsx", uploaded_file, save=False)
    job.save()
    transaction.on_commit(functools.partial(_queue, "check", job.pk))
    return job


def import_job_commit_start(job):
    """Move a checked job without errors on to its commit and queue it; False when it is not waiting for one."""
    started = (
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED, error_count=0)
        .exclude(row_count=0)
        .update(status=ImportJob.Status.COMMITTING, progress=0, started_at=timezone.now())
    )
    if started:
        transaction.on_commit(functools.partial(_queue, "commit", job.pk))
    return bool(started)


def _queue(step, job_id):
    from kombu.exceptions import OperationalError

    from intro_sodertorn.celery import app, publish

    from .tasks import check_import, commit_import

    task = check_import if step == "check" else commit_import
    if app.conf.task_always_eager:
        task.delay(str(job_id))
        return
    try:
        publish(task, str(job_id))
    except (OperationalError, OSError) as error:
        logger.warning("Import %s (%s) could not be queued: %s", job_id, step, error)
        job = ImportJob.objects.filter(pk=job_id).first()
        if job is not None and job.is_working:
            with override(job.language):
                _job_failed(job, str(QUEUE_FAILED_MESSAGE))


def _job_failed(job, message):
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, error=message, progress=0, finished_at=timezone.now()
    )
    _delete_upload(job)


def _delete_upload(job):
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def _row_json(row):
    return {
        "number": row.number,
        "name": row.name,
        "action": row.action,
        "errors": [str(error) for error in row.errors],
        "warnings": [str(warning) for warning in row.warnings],
        "changes": [[str(part) for part in change] for change in row.changes],
        "pk": row.pk,
        "data": row.data,
    }


def result_from_job(job):
    """The job's dry run as the ImportResult the preview shows."""
    result = ImportResult(job.municipality_id, file_error=job.result.get("file_error", ""))
    result.rows = [
        RowResult(
            row["number"],
            row["name"],
            row["action"],
            row["errors"],
            pk=row["pk"],
            data=row["data"],
            changes=row["changes"],
            warnings=row["warnings"],
        )
        for row in job.result.get("rows", [])
    ]
    return result


def _progress_writer(job_id, start, end):
    """A ``progress(done, total)`` that writes the job's percentage (between ``start`` and ``end``) in 5 % steps."""
    last = {"percent": start}

    def progress(done, total):
        percent = start + (end - start) * done // total if total else end
        if percent >= last["percent"] + 5:
            last["percent"] = percent
            ImportJob.objects.filter(pk=job_id).update(progress=min(percent, 99))

    return progress


def import_job_check(job_id):
    """The check of a queued job (the dry run), kept in the job. Idempotent: a finished check is not run again."""
    job = ImportJob.objects.select_related("user", "municipality").filter(pk=job_id).first()
    if job is None or job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.CHECKING):
        return job  # checked, committed or failed: a second delivery has nothing to do
    # A job found CHECKING lost its worker: the check writes nothing but the job, so it simply runs again.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.CHECKING, started_at=timezone.now())
    try:
        with override(job.language):
            if not job.file:
                raise WorkbookError(_("The uploaded file is no longer there. Upload it again."))
            with job.file.open("rb") as file:
                result = import_check(file, job.municipality, job.user, _progress_writer(job.pk, 0, 100))
    except WorkbookError as error:
        result = ImportResult(job.municipality_id, file_error=str(error))
    except Exception:
        logger.exception("The check of import %s failed", job.pk)
        with override(job.language):
            _job_failed(job, str(JOB_FAILED_MESSAGE))
        return job
    job.result = {"file_error": result.file_error, "rows": [_row_json(row) for row in result.rows]}
    job.row_count = len(result.rows)
    job.error_count = len(result.errors)
    job.status = ImportJob.Status.FAILED if result.file_error else ImportJob.Status.CHECKED
    job.error = result.file_error
    job.progress = 100
    job.checked_at = timezone.now()
    job.finished_at = job.checked_at if result.file_error else None
    fields = ["result", "row_count", "error_count", "status", "error", "progress", "checked_at", "finished_at"]
    # Only a job still being checked takes the answer (not one a user or the purge has since ended).
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKING).update(
        **{name: getattr(job, name) for name in fields}
    )
    # The rows are in the job now: the file, which may hold personal data, is not kept.
    _delete_upload(job)
    return job


def import_job_commit(job_id):
    """Write the checked rows of a job being committed, all or none, and mark it done in the same transaction.

    Idempotent: the job's row is locked for the whole write, so a second delivery waits, then finds it done (or
    failed) and does nothing; a worker that dies rolls the transaction back and the redelivery runs it again.
    """
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.status != ImportJob.Status.COMMITTING:
                return job
            job = ImportJob.objects.select_related("user", "municipality").get(pk=job_id)
            stored = result_from_job(job).for_commit()
            with override(job.language):
                created, updated = import_commit(stored, job.user)
            job.status = ImportJob.Status.DONE
            job.created_count, job.updated_count = created, updated
            job.progress = 100
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "created_count", "updated_count", "progress", "finished_at"])
    except ImportRejected as rejected:
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.COMMITTING).update(
            status=ImportJob.Status.FAILED, error=str(rejected), finished_at=timezone.now()
        )
    except Exception:
        logger.exception("The commit of import %s failed", job_id)
        job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.COMMITTING).first()
        if job is not None:
            with override(job.language):
                _job_failed(job, str(JOB_FAILED_MESSAGE))
    return ImportJob.objects.filter(pk=job_id).first()


# A job waiting this long, or in a step this long (each takes seconds), lost its message or its worker.
STALLED = datetime.timedelta(minutes=30)


def import_job_recover_stalled():
    """Queue again the steps whose message was lost (a Redis restart) or whose worker died; returns how many.

    Safe at any time: a check runs again harmlessly, and a commit being written holds its job's row lock, which this
    skips (a second delivery would only wait for it and then find the job done).
    """
    cutoff = timezone.now() - STALLED
    count = 0
    for job_id in ImportJob.objects.filter(
        Q(status=ImportJob.Status.QUEUED, created_at__lt=cutoff)
        | Q(status=ImportJob.Status.CHECKING, started_at__lt=cutoff)
    ).values_list("pk", flat=True):
        _queue("check", job_id)
        count += 1
    with transaction.atomic():
        committing = ImportJob.objects.select_for_update(skip_locked=True).filter(
            status=ImportJob.Status.COMMITTING, started_at__lt=cutoff
        )
        for job_id in committing.values_list("pk", flat=True):
            transaction.on_commit(functools.partial(_queue, "commit", job_id))
            count += 1
    return count


def import_job_purge_old(days=None):
    """Delete import jobs (and any upload left) older than the retention period; returns how many."""
    days = settings.IMPORT_RETENTION_DAYS if days is None else days
    count = 0
    for job in ImportJob.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=days)):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
