"""Excel exports of insatsbasen (run by the shared export framework, scoped to ``job.user``)."""

from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from intro_sodertorn.exports import register_export

from . import columns, stats
from .models import Insats

NOTES_COLUMN = [key for key, _label, _kind in columns.COLUMNS].index("internal_notes")

# Rows are streamed from a server-side cursor in chunks, relations prefetched per chunk, so memory stays flat
# however long the list is (bench/export_ratio.py measures it at 10,000 and 100,000 insatser).
CHUNK_SIZE = 2000


def insatser_for_export(job):
    """The filtered list as ``job.user`` sees it on the page, with every relation a row needs."""
    from .views import filtered_insatser

    params = QueryDict(mutable=True)
    for key, value in (job.params or {}).items():
        params[key] = value
    _filterset, queryset, _query, _sort = filtered_insatser(job.user, params)
    # Internal notes go only to those who may change the insats, as on its page (the same scoping method).
    editable = Insats.objects.editable_by(job.user).filter(pk=OuterRef("pk"))
    queryset = queryset.annotate(notes_readable=Exists(editable))
    return queryset.select_related("category", "owner_municipality", "provider", "contact").prefetch_related(
        "target_groups", "participating_municipalities", "places"
    )


def stream(queryset):
    return queryset.iterator(chunk_size=CHUNK_SIZE)


def row_for_export(insats):
    """The row of one insats from ``insatser_for_export``: internal notes only where the user may change it."""
    row = columns.row_of(insats)
    if not insats.notes_readable:
        row[NOTES_COLUMN] = ""
    return row


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
    for index, insats in enumerate(stream(queryset)):
        sheet.append(row_for_export(insats))
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
