"""Optimistic version check for the register's and uppdrag's edit forms: no lost update.

How it works (the same rule as insatser in insatsbasen):

- a versioned model has a ``version`` counter; every ``save()`` of an existing row raises it by one
  in the database (``version = version + 1``, read back with RETURNING), so a change made by a service
  (a status change, a membership ended, the admin) counts as well as a change through a form;
- its edit form carries the version the user loaded in a hidden field, and a short fingerprint of
  every field's loaded value in a second hidden field;
- ``save_checked`` locks the row, compares the versions and raises ``EditConflict`` before anything
  is written when someone else saved in between; the view then shows the user's input again with a
  Swedish message naming the fields the other person changed and their current values.
"""

import datetime
import hashlib

from django import forms
from django.db import models, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

VERSION_FIELD = "version"
LOADED_FIELD = "loaded_values"
# Fields of a form that are never part of the comparison.
NOT_COMPARED = {VERSION_FIELD, LOADED_FIELD, "confirm_duplicate"}


class VersionedModel(models.Model):
    """Abstract base: a ``version`` counter raised by every save of an existing row."""

    version = models.PositiveIntegerField(
        gettext_lazy("version"),
        default=1,
        editable=False,
        help_text=gettext_lazy("Raised by every save; an edit form saved from an older version is refused."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            # Computed by the database and read back on save (RETURNING), so two saves never share a number.
            self.version = F("version") + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


class EditConflict(Exception):
    """Someone else saved the row after the form was opened; nothing was written."""


def _canonical(value):
    """A stable text for a field's value, whatever its Python type (pk for objects, sorted lists)."""
    if callable(value):
        value = value()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (list, tuple, set, frozenset, models.QuerySet)):
        return "[" + ",".join(sorted(_canonical(item) for item in value)) + "]"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def _fingerprint(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _compared_fields(form):
    return [(name, field) for name, field in form.fields.items() if name not in NOT_COMPARED]


def form_snapshot(form):
    """``{field name: fingerprint of its loaded value}`` of an unbound form (and its extra values)."""
    snapshot = {
        name: _fingerprint(_canonical(form.get_initial_for_field(field, name)))
        for name, field in _compared_fields(form)
    }
    for name, (_label, value) in getattr(form, "extra_compared_values", dict)().items():
        snapshot[name] = _fingerprint(_canonical(value))
    return snapshot


def _encode(snapshot):
    return ";".join(f"{name}={value}" for name, value in sorted(snapshot.items()))


def _decode(text):
    snapshot = {}
    for part in (text or "").split(";"):
        name, sep, value = part.partition("=")
        if sep and name:
            snapshot[name] = value
    return snapshot


class VersionedFormMixin:
    """Adds the hidden version and loaded-values fields to a ModelForm of a ``VersionedModel``.

    Put ``*VERSION_LAYOUT`` into the form's crispy layout so both are rendered. A form may define
    ``extra_compared_values()`` returning ``{name: (label, value)}`` for things outside its fields
    (a meeting's decisions), so a change to them is noticed and named too. ``version_attribute`` names the
    model's counter when ``version`` means something else there (a KIS indicator's catalogue version).
    """

    version_attribute = VERSION_FIELD

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[VERSION_FIELD] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
        # About 30 characters a field: a meeting of a large network lists hundreds of attendance fields.
        self.fields[LOADED_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200_000)
        if self.instance.pk is not None:
            self.fields[VERSION_FIELD].initial = getattr(self.instance, self.version_attribute)

    def get_initial_for_field(self, field, field_name):
        if field_name == LOADED_FIELD:
            # Computed when the form is drawn, after the subclass has added all its fields.
            return _encode(form_snapshot(self)) if self.instance.pk is not None else ""
        return super().get_initial_for_field(field, field_name)


VERSION_LAYOUT = (VERSION_FIELD, LOADED_FIELD)


def save_checked(form, save):
    """Run ``save()`` (which writes the form) if nobody saved the row since the form was loaded.

    New rows are saved without a check. The row is locked until the transaction ends, so two
    simultaneous saves of the same version cannot both pass. A missing version counts as stale.
    """
    instance = form.instance
    if instance.pk is None or instance._state.adding:
        return save()
    expected = form.cleaned_data.get(VERSION_FIELD)
    with transaction.atomic():
        current = (
            type(instance)
            ._base_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None or expected is None or current != expected:
            raise EditConflict
        return save()


def _display(field, value):
    """The current value as the user reads it in the form: labels for choices, Ja/Nej, dates in Swedish."""
    if callable(value):
        value = value()
    if isinstance(field, forms.ModelMultipleChoiceField):
        items = list(value or [])
        pks = [item.pk if isinstance(item, models.Model) else item for item in items]
        objects = field.queryset.model._base_manager.filter(pk__in=pks)
        return ", ".join(sorted(field.label_from_instance(obj) for obj in objects)) or _("(empty)")
    if isinstance(field, forms.ModelChoiceField):
        if value in (None, ""):
            return _("(empty)")
        pk = value.pk if isinstance(value, models.Model) else value
        obj = field.queryset.model._base_manager.filter(pk=pk).first()
        return field.label_from_instance(obj) if obj else _("(empty)")
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): label for key, label in field.choices if not isinstance(label, (list, tuple))}
        if value in (None, ""):
            return labels.get("", _("(empty)")) or _("(empty)")
        return str(labels.get(str(value), value))
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value in (None, ""):
        return _("(empty)")
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def conflict_changes(stale_form, fresh_form):
    """What the other person changed: ``[{"name", "label", "value", "also_yours"}]``.

    Compares the fingerprints the user's form was loaded with against the row as it is now. When the
    posted fingerprints are missing (an old page), lists the fields where the saved row differs from
    the user's input instead. ``also_yours``: the user changed the same field (their input stays);
    otherwise the other person's value is taken into the user's form (see ``refuse_stale``).
    """
    loaded = _decode(stale_form.data.get(stale_form.add_prefix(LOADED_FIELD), ""))
    now = form_snapshot(fresh_form)
    extras = getattr(fresh_form, "extra_compared_values", dict)()
    cleaned = getattr(stale_form, "cleaned_data", {})
    changes = []
    for name, field in _compared_fields(fresh_form):
        current = fresh_form.get_initial_for_field(field, name)
        posted = _fingerprint(_canonical(cleaned[name])) if name in cleaned else None
        if loaded:
            differs = name in loaded and loaded[name] != now.get(name)
            also_yours = posted is None or posted != loaded.get(name)
        else:
            differs = posted is not None and posted != now.get(name)
            also_yours = True
        if differs:
            label = str(field.label or name)
            changes.append({"name": name, "label": label, "value": _display(field, current), "also_yours": also_yours})
    for name, (label, value) in extras.items():
        if loaded and name in loaded and loaded[name] != now.get(name):
            changes.append(
                {"name": None, "label": str(label), "value": _display(forms.CharField(), value), "also_yours": True}
            )
    return changes


def _as_data(field, value):
    """A field's current value as the browser would post it."""
    if callable(value):
        value = value()
    if isinstance(field, forms.ModelMultipleChoiceField) or isinstance(value, (list, tuple, models.QuerySet)):
        return [str(item.pk if isinstance(item, models.Model) else item) for item in value or []]
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(field, forms.BooleanField):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return field.widget.format_value(value)
    return str(value)


def refuse_stale(request, form, fresh_form, what):
    """After ``EditConflict``: a Swedish message, the other person's changes merged into the user's form.

    ``what`` names the thing in the message ("this contact"). A field only the other person changed takes
    their value in the user's form, so saving again keeps both changes; a field both changed keeps the
    user's input and is marked. The form now carries the current version, so saving again goes through.
    Returns what the template ``natverk/_conflict.html`` shows.
    """
    from django.contrib import messages

    changes = conflict_changes(form, fresh_form)
    messages.error(
        request,
        _(
            "Someone else saved %(what)s after you opened the form. Nothing was saved. Your input is kept "
            "below; the other person's changes are listed above the form. Compare, then save again."
        )
        % {"what": what},
    )
    form.data = form.data.copy()
    for change in changes:
        if change["also_yours"] or change["name"] not in form.fields:
            continue
        name = change["name"]
        field = fresh_form.fields[name]
        value = _as_data(field, fresh_form.get_initial_for_field(field, name))
        key = form.add_prefix(name)
        if value is None:
            form.data.pop(key, None)
        elif isinstance(value, list) and hasattr(form.data, "setlist"):
            form.data.setlist(key, value)
        else:
            form.data[key] = value
    form.data[form.add_prefix(VERSION_FIELD)] = getattr(
        fresh_form.instance, getattr(fresh_form, "version_attribute", VERSION_FIELD)
    )
    form.data[form.add_prefix(LOADED_FIELD)] = _encode(form_snapshot(fresh_form))
    return {"changes": changes, "saved_at": getattr(fresh_form.instance, "updated_at", None)}


class VersionCheckedAdminForm(forms.ModelForm):
    """The Django admin's form for a versioned model: a save from an older version is refused in clean().
    ``version_attribute`` names the model's counter when ``version`` means something else there."""

    version_attribute = VERSION_FIELD
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = getattr(self.instance, self.version_attribute)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            stored = type(self.instance)._base_manager.filter(pk=self.instance.pk)
            current = stored.values_list(self.version_attribute, flat=True).first()
            if cleaned.get("expected_version") != current:
                raise forms.ValidationError(
                    _(
                        "Someone else saved this after you opened it. Nothing was saved. "
                        "Open it again to see the current version, then make your change."
                    ),
                    code="stale",
                )
        return cleaned
