"""Excel exports of insatsbasen (run by the shared export framework, scoped to ``job.user``)."""

from django.db.models import Exists, F, OuterRef, StringAgg, Subquery, Value
from django.db.models.fields import TextField
from django.db.models.functions import Cast, Concat
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from intro_sodertorn.exports import register_export

from . import columns, stats
from .columns import RECORD, UNIT
from .models import Insats, Place

NOTES_COLUMN = [key for key, _label, _kind in columns.COLUMNS].index("internal_notes")

# Rows are read as plain values (no model objects) from a server-side cursor in chunks, so memory stays flat
# however long the list is (bench/export_ratio.py measures it at 10,000 and 100,000 insatser).
CHUNK_SIZE = 2000


def insatser_for_export(job):
    """The filtered list as ``job.user`` sees it on the page, each insats marked with whether its internal
    notes go into the file (only to those who may change it, as on its page: the same scoping method)."""
    from .views import filtered_insatser

    params = QueryDict(mutable=True)
    for key, value in (job.params or {}).items():
        params[key] = value
    _filterset, queryset, _query, _sort = filtered_insatser(job.user, params)
    editable = Insats.objects.editable_by(job.user).filter(pk=OuterRef("pk"))
    return queryset.annotate(notes_readable=Exists(editable))


def _joined(queryset, link, expression):
    """The texts ``expression`` of the rows of ``queryset`` that belong to the outer insats (``link`` is their
    insats id), joined by RECORD in one correlated subquery: NULL when there are none."""
    rows = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Subquery(rows.annotate(text=StringAgg(expression, Value(RECORD))).values("text"))


def _values(queryset):
    """The queryset as tuples in ``columns.COLUMNS``' order (see ``columns.value_row``), notes_readable last."""
    groups = Insats.target_groups.through.objects.all()
    municipalities = Insats.participating_municipalities.through.objects.all()
    unit = Value(UNIT)
    place = Concat(
        Cast("pk", TextField()), unit, "name", unit, "street_address", unit, "postal_code", unit, "city",
        output_field=TextField(),
    )  # fmt: skip
    aggregated = {
        "target_groups": _joined(groups, "insats_id", F("targetgroup__name")),
        "participating_municipalities": _joined(municipalities, "insats_id", F("municipality__name")),
        "places": _joined(Place.objects.all(), "insats_id", place),
    }
    names = []
    for key, _label, kind in columns.COLUMNS:
        if key in aggregated:
            names.append(f"export_{key}")
        elif kind == "fk":
            names.append(f"{key}__name")
        else:
            names.append(key)
    queryset = queryset.annotate(**{f"export_{key}": expression for key, expression in aggregated.items()})
    return queryset.values_list(*names, "notes_readable")


def export_rows(queryset):
    """The rows of ``insatser_for_export``'s insatser, streamed: internal notes only where the user may change
    the insats. The same cells as ``columns.row_of`` of each insats (tests/insatsbasen/test_export_rows.py)."""
    converters = columns.value_converters()
    for values in _values(queryset).iterator(chunk_size=CHUNK_SIZE):
        row = columns.value_row(values[:-1], converters)
        if not values[-1]:
            row[NOTES_COLUMN] = ""
        yield row


@register_export("insatsbasen.insatser")
def build_insatser(job, writer, progress):
    """The filtered list, one row per insats, every field, in the layout the import reads."""
    queryset = insatser_for_export(job)
    total = queryset.count()
    sheet = writer.add_sheet(
        _("Insatser"),
        header=columns.header(),
        preamble=[_("Insatsbasen, exported %(date)s") % {"date": timezone.localdate()}],
    )
    for index, row in enumerate(export_rows(queryset)):
        sheet.append(row)
        progress(index + 1, total)
    return f"insatser-{timezone.localdate()}.xlsx"


@register_export("insatsbasen.statistik")
def build_statistics(job, writer, progress):
    """Every table of the statistics page, one sheet each."""
    tables = stats.tables(job.user)
    for index, table in enumerate(tables):
        sheet = writer.add_sheet(str(table["title"]), header=[str(h) for h in table["header"]])
        for row in table["rows"]:
            sheet.append(row)
        progress(index + 1, len(tables))
    return f"insatsbasen-statistik-{timezone.localdate()}.xlsx"


# The gap view's export lives beside its data (gaps.py); importing the module registers it.
from . import gaps  # noqa: E402, F401
