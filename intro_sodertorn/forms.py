"""Shared form helpers."""

from django import forms
from django.core.validators import MaxLengthValidator

# Long enough for any description or meeting notes the portal keeps; short enough that nobody stores a
# megabyte in a text box (the database's text columns have no limit of their own).
TEXT_MAX_LENGTH = 20_000


def cap_text_fields(form_class, max_length=TEXT_MAX_LENGTH):
    """Class decorator: every text field without a max_length (a model TextField) gets one.

    The form then refuses a longer text with Django's own message, and the browser's text box
    stops at the limit (the ``maxlength`` attribute).
    """
    for field in form_class.base_fields.values():
        if isinstance(field, forms.CharField) and field.max_length is None:
            field.max_length = max_length
            field.validators.append(MaxLengthValidator(max_length))
            field.widget.attrs.update(field.widget_attrs(field.widget))
    return form_class
