from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from intro_sodertorn.forms import cap_text_fields
from intro_sodertorn.widgets import FastSelect
from natverk.versioning import LOADED_FIELD, VERSION_FIELD, VERSION_LAYOUT, VersionedFormMixin

from .calc import formula_check
from .models import Indicator, Period

# The fields of the definition form that are not the indicator's own.
NOT_DEFINITION = ("reason", VERSION_FIELD, LOADED_FIELD)
SEX_CHOICES = [("T", _("Total")), ("K", _("Women")), ("M", _("Men"))]
AGE_CHOICES = [
    ("T", _("All ages")),
    ("a0_15", _("0–15 years")),
    ("a16_19", _("16–19 years")),
    ("a20_64", _("20–64 years")),
    ("a65", _("65+ years")),
]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs to be corrected"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("comment"))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the report is reopened"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("reason"))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled-in Excel template (.xlsx)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("file", accept=".xlsx"))


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = ["year", "half", "deadline", "status"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Div(
                Div("year", css_class="col-6 col-md-2"),
                Div("half", css_class="col-6 col-md-3"),
                Div("deadline", css_class="col-6 col-md-3"),
                Div("status", css_class="col-6 col-md-2"),
                css_class="row",
            ),
            Submit("save", _("Add period")),
        )

    def clean(self):
        cleaned = super().clean()
        year, half = cleaned.get("year"), cleaned.get("half")
        if year and Period.objects.filter(year=year, half=half).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("That period already exists."))
        return cleaned


@cap_text_fields
class IndicatorForm(VersionedFormMixin, forms.ModelForm):
    """An indicator's definition, with the hidden ``edit_version`` it was opened at (no lost update)."""

    version_attribute = "edit_version"
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )

    class Meta:
        model = Indicator
        fields = ["name", "name_en", "definition", "source", "unit", "formula", "is_key"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind == Indicator.Kind.TYPED:
            del self.fields["formula"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *[name for name in self.fields if name not in NOT_DEFINITION],
            "reason",
            *VERSION_LAYOUT,
            Submit("save", _("Save definition")),
        )

    def definition_data(self):
        """The indicator's fields as the form cleaned them (the reason and the version check left out)."""
        return {name: value for name, value in self.cleaned_data.items() if name not in NOT_DEFINITION}

    def clean_formula(self):
        formula = self.cleaned_data["formula"]
        try:
            formula_check(formula)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        codes = set(self.instance.version.indicators.values_list("code", flat=True))
        from .calc import formula_codes

        unknown = [code for code in formula_codes(formula) if code not in codes]
        if unknown:
            raise forms.ValidationError(_("Unknown codes: %(codes)s") % {"codes": ", ".join(unknown)})
        return formula


class CatalogueVersionForm(forms.Form):
    name = forms.CharField(label=_("Name of the new version"), max_length=200)
    valid_from_year = forms.IntegerField(label=_("Valid from year"), min_value=2000, max_value=2100)
    valid_from_half = forms.TypedChoiceField(
        label=_("From"),
        choices=[(0, _("The whole year")), (1, _("First half")), (2, _("Second half"))],
        coerce=int,
        initial=0,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = "statistik:catalogue_version_create"
        self.helper.layout = Layout(
            Div(
                Div("name", css_class="col-md-5"),
                Div("valid_from_year", css_class="col-6 col-md-3"),
                Div("valid_from_half", css_class="col-6 col-md-4"),
                css_class="row",
            ),
            Submit("create", _("Make a new version from the latest")),
        )


class FilterForm(forms.Form):
    """The dashboards' filters: years that exist as periods, sex and age band.

    Built unbound with the filters in force as ``initial``, so the selects always show what the page
    shows (the first and last year when none is chosen). ``single_year``: one "Year" select instead of
    a range (the region overview shows one year against the year before).
    """

    # FastSelect: the options in one pass (a year select grows by one option a year, each a template through Select).
    year_from = forms.TypedChoiceField(label=_("From year"), coerce=int, required=False, widget=FastSelect)
    year_to = forms.TypedChoiceField(label=_("To year"), coerce=int, required=False, widget=FastSelect)
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, required=False, widget=FastSelect)
    age = forms.ChoiceField(label=_("Age band"), choices=AGE_CHOICES, required=False, widget=FastSelect)

    def __init__(self, *args, years=(), single_year=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(year, str(year)) for year in years]
        self.fields["year_from"].choices = choices
        self.fields["year_to"].choices = choices
        year_fields = [Div("year_from", css_class="col-6 col-md-2"), Div("year_to", css_class="col-6 col-md-2")]
        if single_year:
            del self.fields["year_from"]
            self.fields["year_to"].label = _("Year")
            year_fields = [Div("year_to", css_class="col-12 col-md-2")]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Div(
                *year_fields,
                Div("sex", css_class="col-6 col-md-3"),
                Div("age", css_class="col-6 col-md-3"),
                Div(Submit("filter", _("Show"), css_class="mt-md-4 w-100"), css_class="col-12 col-md-2"),
                css_class="row align-items-end",
            )
        )
