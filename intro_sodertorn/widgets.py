"""Form widgets that render cheaply."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class FastSelect(forms.Select):
    """A single-choice ``<select>`` whose options are written in Python in one pass.

    Django's Select renders a template per ``<option>``; on the insats list's filter form (about 110 options) that
    was a third of the page's time (bench/list_throughput.py). The HTML is the same as Select's: the same attributes,
    ``selected`` on the first option with the value, ``<optgroup>`` for grouped choices.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        values = self.format_value(value)
        wanted = values[0] if values else None
        found = False

        def options(choices):
            nonlocal found
            for option_value, label in choices:
                option_value = "" if option_value is None else str(option_value)
                selected = not found and option_value == wanted
                found = found or selected
                yield option_value, " selected" if selected else "", label

        parts, flat = [], []
        for group, choices in self.choices:
            if isinstance(choices, (list, tuple)):
                parts.append(format_html_join("", '<option value="{}"{}>{}</option>', options(flat)))
                flat = []
                inner = format_html_join("", '<option value="{}"{}>{}</option>', options(choices))
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, inner))
            else:
                flat.append((group, choices))
        parts.append(format_html_join("", '<option value="{}"{}>{}</option>', options(flat)))
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(attrs), format_html_join("", "{}", ((p,) for p in parts))
        )
