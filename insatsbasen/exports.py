"""Excel exports of insatsbasen (run by the shared export framework, scoped to ``job.user``)."""

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from intro_sodertorn.exports import register_export

from . import columns, stats


@register_export("insatsbasen.insatser")
def build_insatser(job, writer, progress):
    """The filtered list, one row per insats, every field, in the layout the import reads."""
    from .views import filtered_insatser

    params = QueryDict(mutable=True)
    for key, value in (job.params or {}).items():
        params[key] = value
    _filterset, queryset, _query, _sort = filtered_insatser(job.user, params)
    queryset = queryset.select_related("contact").prefetch_related("target_groups", "participating_municipalities")
    sheet = writer.add_sheet(
        _("Insatser"),
        header=columns.header(),
        preamble=[_("Insatsbasen, exported %(date)s") % {"date": timezone.localdate()}],
    )
    items = list(queryset)
    for index, insats in enumerate(items):
        sheet.append(columns.row_of(insats))
        progress(index + 1, len(items))
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
