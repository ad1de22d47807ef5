"""Erasure that erases: after a contact is anonymised, their name, e-mail and phone leave every table and file.

``contact_erase_traces`` is called by ``services.contact_anonymise`` in the same transaction, with the
personal data as it was before. It

- rewrites every text column of every table (walked through the app registry, so a table added later
  is covered without changing this module) where the name, e-mail or phone occurs: the insats change
  history (``InsatsChange.old_value/new_value/reason``), export job titles, parameters and errors,
  ``django_admin_log`` (``object_repr`` and ``change_message``, whose JSON may hold ``\\u`` escapes),
  the audit log, reminder log, frozen reports, journal notes and any free text: each occurrence
  becomes the neutral mark "[anonymiserad]"; an e-mail column that held the address becomes empty;
- deletes the saved searches without result that name the person (they are counts of a text, nothing
  else: rewriting them could merge two rows of the same week);
- deletes every finished export file that contains the person (register extracts of the contact and
  member lists of their networks for certain; any other export whose workbook text contains them):
  the job stays, marked failed with the reason "erased" so "Mina exporter" says in Swedish why the
  file is gone; the files themselves are deleted once the transaction has committed.

Not rewritten: user accounts (``auth``), sessions and the contact row itself (``contact_anonymise``
empties it). A portal user who is also a contact keeps their account; closing it is a separate step.
"""

import html
import json
import re
import zipfile

from django.apps import apps
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from .versioning import VersionedModel

# Tables never rewritten (see the module text).
SKIPPED_APPS = {"auth", "sessions", "contenttypes"}
SKIPPED_MODELS = {"natverk.contact"}
# Rows that only count how often a text was searched for: deleted rather than rewritten.
DELETED_WHEN_NAMED = {"insatsbasen.searchlog"}
# Versioned rows outside natverk/uppdrag whose version a rewrite raises (their edit forms check it).
BUMPED_VERSION = {"insatsbasen.insats"}
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)
# Export kinds that hold the contact by construction (the rest are read to see whether they do).
EXTRACT_KIND = "natverk.extract"
MEMBERS_KIND = "natverk.members"
ERASED_FAILURE = "erased"


def mark():
    return _("[anonymised]")


class Traces:
    """The personal data to erase and how to find it in text (case-insensitive; any spacing of the phone)."""

    def __init__(self, name="", email="", phone=""):
        self.name = " ".join((name or "").split())
        self.email = (email or "").strip()
        self.phone = (phone or "").strip()
        patterns = []
        if self.name:
            # Whole words only: "Ann Berg" is not erased out of "Ann Bergström".
            patterns.append(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in self.name.split()) + r"(?!\w)")
        if self.email:
            patterns.append(re.escape(self.email))
        digits = re.sub(r"\D", "", self.phone)
        if len(digits) >= 5:
            # 08-530 610 00, 08 530 610 00, 0853061000 and +46 8 530 610 00 are the same number.
            national = digits[1:] if digits.startswith("0") else digits
            patterns.append(r"(?:0|\+46[\s-]*)?" + r"[\s-]*".join(re.escape(d) for d in national))
        elif self.phone:
            patterns.append(re.escape(self.phone))
        self.pattern = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None

    def needles(self):
        """Plain texts to look for in the database; each matching row is then rewritten with the pattern."""
        texts = {self.name, self.email, self.phone, re.sub(r"\D", "", self.phone)}
        for text in list(texts):
            escaped = json.dumps(text)[1:-1]  # as it stands inside JSON written with ensure_ascii
            texts.add(escaped)
        texts = {text for text in texts if len(text) >= 3}
        if self.phone:
            # The phone's last digits, as they stand whatever the spacing ("61000" of "610 00").
            tail = re.sub(r"\D", "", self.phone)[-4:]
            if len(tail) == 4:
                texts.add(tail)
        return sorted(texts)

    def found_in(self, text):
        if not self.pattern or not text:
            return False
        return bool(self.pattern.search(text) or self.pattern.search(_json_unescaped(text)))

    def scrub(self, text):
        """The text with every occurrence replaced by the mark (also inside ``\\u``-escaped JSON)."""
        if not self.pattern or not text:
            return text
        result = self.pattern.sub(mark(), text)
        if _json_unescaped(result) != result and self.pattern.search(_json_unescaped(result)):
            # Escaped JSON (django_admin_log.change_message): rewrite the decoded value, write it back escaped.
            try:
                return json.dumps(self.scrub_json(json.loads(result)))
            except ValueError:
                return self.pattern.sub(mark(), _json_unescaped(result))
        return result

    def scrub_json(self, value):
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_json(item) for item in value]
        if isinstance(value, dict):
            return {self.scrub(key): self.scrub_json(item) for key, item in value.items()}
        return value


def _json_unescaped(text):
    if "\\u" not in text:
        return text
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def text_columns(model):
    """The concrete text columns of a model that can hold free text (not choices, not keys)."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, TEXT_FIELDS) and not field.choices and not field.primary_key
    ]


def erasable_models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in SKIPPED_APPS or label in SKIPPED_MODELS or model._meta.proxy:
            continue
        if not model._meta.managed:
            continue
        yield model


def _rows_naming(model, fields, traces):
    condition = Q()
    for field in fields:
        for needle in traces.needles():
            condition |= Q(**{f"{field.attname}__icontains": needle})
    return model._base_manager.filter(condition)


def scrub_tables(traces):
    """Rewrite every row of every table that holds the person; returns ``{table: rows changed}``."""
    changed = {}
    for model in erasable_models():
        fields = text_columns(model)
        if not fields:
            continue
        label = model._meta.label_lower
        for row in _rows_naming(model, fields, traces).iterator():
            updates = {}
            for field in fields:
                value = getattr(row, field.attname)
                if isinstance(field, models.JSONField):
                    new = traces.scrub_json(value)
                elif isinstance(field, models.EmailField):
                    new = "" if traces.found_in(value) else value
                else:
                    new = traces.scrub(value) if isinstance(value, str) else value
                if new != value:
                    updates[field.attname] = new[: field.max_length] if field.max_length and new else new
            if not updates:
                continue
            if label in DELETED_WHEN_NAMED:
                model._base_manager.filter(pk=row.pk).delete()
                changed[model._meta.db_table] = changed.get(model._meta.db_table, 0) + 1
                continue
            if label in BUMPED_VERSION or issubclass(model, VersionedModel):
                # The row changed: an edit form opened before must not put the name back (it is now stale).
                updates["version"] = F("version") + 1
            # A queryset update: no save(), so no auto_now stamp pretends someone edited the row.
            model._base_manager.filter(pk=row.pk).update(**updates)
            changed[model._meta.db_table] = changed.get(model._meta.db_table, 0) + 1
    return changed


def _file_names_person(job, traces):
    """Whether the job's stored file holds the person: the text of every part of the workbook is read."""
    try:
        with job.file.open("rb") as handle:
            if zipfile.is_zipfile(handle):
                handle.seek(0)
                with zipfile.ZipFile(handle) as archive:
                    for info in archive.infolist():
                        if info.filename.endswith((".xml", ".rels", ".json", ".txt", ".csv")):
                            text = html.unescape(archive.read(info).decode("utf-8", "replace"))
                            if traces.found_in(text):
                                return True
                return False
            handle.seek(0)
            return traces.found_in(handle.read().decode("utf-8", "replace"))
    except (OSError, zipfile.BadZipFile, ValueError):
        # A file that cannot be read cannot be shown to hold nobody: remove it to be safe.
        return True


def remove_export_files(contact, traces, network_ids):
    """Mark the finished exports that hold the person as removed; returns the jobs (files deleted on commit)."""
    from intro_sodertorn.models import ExportJob

    removed = []
    for job in ExportJob.objects.exclude(file="").select_related("user"):
        certain = (job.kind == EXTRACT_KIND and job.params.get("contact_id") == contact.pk) or (
            job.kind == MEMBERS_KIND and job.params.get("network_id") in network_ids
        )
        if certain or _file_names_person(job, traces):
            removed.append(job)
    for job in removed:
        name, storage = job.file.name, job.file.storage
        job.title = traces.scrub(job.title)
        ExportJob.objects.filter(pk=job.pk).update(
            file="",
            status=ExportJob.Status.FAILED,
            params={**traces.scrub_json(job.params), "_failure": ERASED_FAILURE},
            title=job.title,
        )
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    # Register extracts of the contact not built yet (or failed) must never be built now.
    ExportJob.objects.filter(kind=EXTRACT_KIND, params__contact_id=contact.pk, file="").exclude(
        status=ExportJob.Status.FAILED, params___failure=ERASED_FAILURE
    ).update(status=ExportJob.Status.FAILED, params={"contact_id": contact.pk, "_failure": ERASED_FAILURE})
    return removed


def contact_erase_traces(contact, name, email, phone):
    """Remove the person's name, e-mail and phone from every table and export file (see the module text).

    Returns the export jobs whose files were removed, so the page can tell the user which.
    Runs inside the caller's transaction; file deletions wait until it commits.
    """
    traces = Traces(name, email, phone)
    network_ids = set(contact.memberships.values_list("network_id", flat=True))
    removed = remove_export_files(contact, traces, network_ids)
    scrub_tables(traces)
    return removed
