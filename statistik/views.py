"""Views of KIS: reporting, review, the catalogue, Excel and the dashboards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intro_sodertorn import access
from intro_sodertorn.exports import export_start
from intro_sodertorn.xlsx import XLSX_CONTENT_TYPE
from natverk.models import Municipality
from natverk.versioning import VERSION_FIELD, EditConflict, refuse_stale

from . import dashboards, services, validation
from .calc import Cell, cells_compute, changes_compare, percent_codes, values_validate
from .excel import template_build, upload_read
from .forms import CatalogueVersionForm, FilterForm, IndicatorForm, PeriodForm, ReopenForm, ReturnForm, UploadForm
from .grid import report_grid
from .models import KEY_LABELS, CatalogueVersion, Indicator, Period, Report

EXPORT_KINDS = {
    "statistik.overview": "dashboard",
    "statistik.series": "dashboard_indicator",
    "statistik.comparison": "dashboard_indicator",
    "statistik.municipality": "dashboard_municipality",
    "statistik.status": "overview",
    "statistik.catalogue": "catalogue",
}


def get_report_for_user(request, pk, write=False):
    """The report if the user may see it (404 otherwise); with write, 403 unless they may fill it in."""
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related("municipality", "period", "version"), pk=pk
    )
    if write and not Report.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return report


@login_required
@require_GET
def index(request):
    user = request.user
    editable = Report.objects.editable_by(user).select_related("municipality", "period")
    own_ids = access.stat_reporter_municipality_ids(user)
    open_periods = list(Period.objects.filter(status=Period.Status.OPEN).order_by("-year", "-half"))
    to_report = []
    for municipality in Municipality.objects.filter(pk__in=own_ids):
        for period in open_periods:
            report = next(
                (r for r in editable if r.municipality_id == municipality.pk and r.period_id == period.pk), None
            )
            to_report.append({"municipality": municipality, "period": period, "report": report})
    waiting = []
    if access.is_stat_admin(user):
        waiting = Report.objects.filter(status=Report.Status.SUBMITTED).select_related("municipality", "period")
    context = {
        "to_report": to_report,
        "waiting": waiting,
        "is_stat_admin": access.is_stat_admin(user),
        "manager_municipalities": Municipality.objects.filter(pk__in=access.intro_manager_municipality_ids(user)),
    }
    return render(request, "statistik/index.html", context)


@login_required
@require_GET
def overview(request):
    """Which municipality has reported which period (status only: no figures): the latest OVERVIEW_PERIODS periods,
    every period with ``?alla=1``."""
    everything = request.GET.get("alla") == "1"
    newest_first = Period.objects.order_by("-year", "-half")
    period_count = newest_first.count()
    periods = list(newest_first if everything else newest_first[:OVERVIEW_PERIODS])[::-1]
    reports = {
        (r.municipality_id, r.period_id): r
        for r in Report.objects.filter(period__in=periods).only("pk", "municipality_id", "period_id", "status")
    }
    visible = set(Report.objects.visible_to(request.user).filter(period__in=periods).values_list("pk", flat=True))
    rows = []
    for municipality in dashboards.members(periods):
        cells = []
        for period in periods:
            report = reports.get((municipality.pk, period.pk))
            member = dashboards._is_member(municipality, period)
            late = (
                member
                and period.deadline < timezone.localdate()
                and (report is None or report.status in (Report.Status.DRAFT, Report.Status.RETURNED))
            )
            cells.append({"report": report, "member": member, "late": late, "link": report and report.pk in visible})
        rows.append({"municipality": municipality, "cells": cells})
    context = {"periods": periods, "rows": rows, "period_count": period_count, "everything": everything}
    context["latest_only"] = OVERVIEW_PERIODS
    return render(request, "statistik/overview.html", context)


# The reporting overview shows this many of the latest periods unless every period is asked for.
OVERVIEW_PERIODS = 6


@login_required
@require_http_methods(["GET", "POST"])
def report_start(request, municipality_pk, period_pk):
    """A municipality's report for a period: opens it if it exists; a POST by its reporter starts it.

    A GET never changes anything (links in e-mail and prefetching browsers GET it): when there is no
    report yet, the reporter gets a page with a button that starts it.
    """
    municipality = get_object_or_404(Municipality, pk=municipality_pk)
    period = get_object_or_404(Period, pk=period_pk)
    report = Report.objects.visible_to(request.user).filter(municipality=municipality, period=period).first()
    if report is not None:
        return redirect("statistik:report", pk=report.pk)
    if municipality.pk not in access.stat_reporter_municipality_ids(request.user) or not period.is_open:
        raise Http404
    if request.method == "GET":
        version = CatalogueVersion.objects.for_period(period)
        context = {"municipality": municipality, "period": period, "version": version}
        return render(request, "statistik/report_start.html", context)
    try:
        report = services.report_start(municipality, period, request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("statistik:index")
    return redirect("statistik:report", pk=report.pk)


def _report_context(request, report, raw=None, errors=None, upload_errors=None, raw_explanations=None):
    indicators = services.report_indicators(report)
    typed = services.report_typed_values(report)
    explanations = services.report_explanations(report) if raw_explanations is None else raw_explanations
    # The catalogue's rules across indicators, shown with each indicator's definition.
    rules = validation.rules_for(indicators)
    for indicator in indicators:
        indicator.rule_list = [rule for rule in rules if rule.indicator_id == indicator.pk]
    typed_codes = {indicator.code for indicator in indicators if indicator.kind == Indicator.Kind.TYPED}
    # The report itself is only open to its municipality and the region's administrator, who must
    # see every figure to review it; suppression applies to what is published (dashboards, exports).
    values = cells_compute(indicators, typed)
    cells = {cell: Cell(value) for cell, value in values.items()}
    can_edit = report.accepts_changes and Report.objects.editable_by(request.user).filter(pk=report.pk).exists()
    errors = errors or {}
    previous = services.report_previous(report)
    changes = {}
    if previous is not None:
        # After a failed post the typed figures are not the stored ones: show last year's figure only.
        now = values if raw is None else dict.fromkeys(values)
        # Shares change by percentage points, counts by a percentage of last year's figure.
        changes = changes_compare(now, services.report_cells(previous), percent_codes(indicators))
    order = {indicator.code: number for number, indicator in enumerate(indicators)}
    return {
        "report": report,
        "previous": previous,
        "large_changes": [
            {
                "id": f"id_v-{code}-{key}",
                "label": f"{_name(indicators, code)}, {KEY_LABELS[key]}",
                "change": change,
                # Typed figures are explained; a derived one changes because they did.
                "explain_name": f"x-{code}-{key}" if code in typed_codes else "",
                "explanation": explanations.get((code, key), ""),
            }
            for (code, key), change in sorted(changes.items(), key=lambda item: order[item[0][0]])
            if change.is_large
        ],
        "missing": [
            {"id": f"id_v-{code}-{key}", "cell": f"{code}/{key}", "label": label}
            # After a failed post: the cells left empty in what was posted.
            for code, key, label in validation.missing_cells(indicators, typed if raw is None else _filled(raw))
        ]
        if can_edit
        else [],
        "grid": report_grid(indicators, cells, raw, errors, can_edit, changes),
        "errors": errors,
        "error_list": [
            {"id": f"id_v-{code}-{key}", "message": message, "label": f"{_name(indicators, code)}, {KEY_LABELS[key]}"}
            for (code, key), message in errors.items()
        ],
        "upload_errors": upload_errors or [],
        "can_edit": can_edit,
        "is_stat_admin": access.is_stat_admin(request.user),
        "events": report.events.select_related("user")[:20],
        "return_form": ReturnForm(),
        "reopen_form": ReopenForm(),
        "upload_form": UploadForm(),
    }


def _filled(raw):
    """{cell: True} for the posted cells that hold something (valid or not)."""
    return {cell: True for cell, text in raw.items() if str(text).strip() not in ("", "–", "-")}


def _name(indicators, code):
    return next((i.label for i in indicators if i.code == code), code)


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    report = get_report_for_user(request, pk, write=request.method == "POST")
    if request.method == "GET":
        return render(request, "statistik/report.html", _report_context(request, report))
    if report.is_locked:
        messages.error(request, _("The report is approved and locked. Ask the region to reopen it."))
        return redirect("statistik:report", pk=report.pk)
    if not report.accepts_changes:
        messages.error(request, _("The report cannot be changed now."))
        return redirect("statistik:report", pk=report.pk)
    indicators = services.report_indicators(report)
    raw = {(i.code, key): request.POST.get(f"v-{i.code}-{key}", "") for i in indicators for key in i.keys}
    explanations = {
        (i.code, key): request.POST[f"x-{i.code}-{key}"][:500]
        for i in indicators
        for key in i.keys
        if f"x-{i.code}-{key}" in request.POST
    }
    cleaned, errors = values_validate(indicators, raw)
    if errors:
        messages.error(request, _("Nothing was saved. Correct the figures marked below."))
        context = _report_context(request, report, raw=raw, errors=errors, raw_explanations=explanations)
        return render(request, "statistik/report.html", context, status=400)
    try:
        services.report_values_save(
            report, request.user, cleaned, explanations=explanations, seen=request.POST.get("seen") or None
        )
        if "submit" not in request.POST:
            messages.success(request, _("The draft is saved."))
        elif problems := _submit_problems(request, report, indicators, cleaned):
            messages.error(request, " ".join([_("The draft is saved but not submitted."), *problems]))
            return redirect(reverse("statistik:report", args=[report.pk]) + "#before-submit")
        else:
            services.report_submit(report, request.user)
            messages.success(request, _("The report is submitted to the region."))
    except services.ReportChangedError:
        report.refresh_from_db()
        messages.error(
            request,
            _(
                "Someone else saved this report after you opened it. Nothing was saved. Your figures are kept below: "
                "compare with the saved report (open it in a new tab) and save again."
            ),
        )
        context = _report_context(request, report, raw=raw, raw_explanations=explanations)
        return render(request, "statistik/report.html", context, status=409)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("statistik:report", pk=report.pk)


def _submit_problems(request, report, indicators, cleaned):
    """What stops a submission: empty figures not confirmed as missing, large changes not explained."""
    problems = []
    missing = {f"{code}/{key}" for code, key, _label in validation.missing_cells(indicators, cleaned)}
    # The checkbox carries the cells the reporter saw listed: a figure emptied since is asked about again.
    confirmed = set(request.POST.get("confirm_missing", "").split(","))
    if missing - confirmed:
        problems.append(
            ngettext(
                "%(count)s figure is empty: fill it in, or confirm below that it is missing.",
                "%(count)s figures are empty: fill them in, or confirm below that they are missing.",
                len(missing),
            )
            % {"count": len(missing)}
        )
    previous = services.report_previous(report)
    if previous is not None:
        changes = changes_compare(services.report_cells(report, indicators), services.report_cells(previous))
        unexplained = validation.unexplained_changes(indicators, changes, services.report_explanations(report))
        if unexplained:
            problems.append(
                _("Explain briefly why these figures differ a lot from %(period)s: %(cells)s.")
                % {"period": previous.period, "cells": "; ".join(label for _code, _key, label in unexplained)}
            )
    return problems


@login_required
@require_POST
def report_review(request, pk):
    report = get_report_for_user(request, pk)
    if not access.is_stat_admin(request.user):
        raise PermissionDenied
    try:
        if "approve" in request.POST:
            services.report_approve(report, request.user)
            messages.success(request, _("The report is approved and locked."))
        else:
            form = ReturnForm(request.POST)
            services.report_return(report, request.user, form.data.get("comment", ""))
            messages.success(request, _("The report is returned to the municipality."))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("statistik:report", pk=report.pk)


@login_required
@require_POST
def report_reopen(request, pk):
    report = get_report_for_user(request, pk)
    if not access.is_stat_admin(request.user):
        raise PermissionDenied
    try:
        services.report_reopen(report, request.user, request.POST.get("reason", ""))
        messages.success(request, _("The report is reopened for correction."))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("statistik:report", pk=report.pk)


@login_required
@require_GET
def report_template(request, pk):
    report = get_report_for_user(request, pk)
    indicators = services.report_indicators(report)
    writer = template_build(report, indicators, services.report_typed_values(report))
    response = HttpResponse(writer.to_bytes(), content_type=XLSX_CONTENT_TYPE)
    filename = f"kis-{report.municipality.code}-{report.period}.xlsx".replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def report_upload(request, pk):
    report = get_report_for_user(request, pk, write=True)
    if not report.accepts_changes:
        messages.error(request, _("The report cannot be changed now."))
        return redirect("statistik:report", pk=report.pk)
    indicators = services.report_indicators(report)
    cleaned, errors = upload_read(request.FILES.get("file"), indicators, report=report)
    if errors:
        messages.error(request, _("Nothing was saved from the file. Correct it and upload it again."))
        return render(
            request, "statistik/report.html", _report_context(request, report, upload_errors=errors), status=400
        )
    changed = services.report_values_save(report, request.user, cleaned, action="uploaded")
    messages.success(request, _("The file is read: %(count)s figures changed.") % {"count": changed})
    return redirect("statistik:report", pk=report.pk)


def _posted_id(request, name):
    """A posted id as an int, or None for anything else (text, NUL bytes, numbers beyond the database's range)."""
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@login_required
@require_http_methods(["GET", "POST"])
def periods(request):
    if not access.is_stat_admin(request.user):
        raise PermissionDenied
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and "status" in request.POST and "period" in request.POST:
        period = get_object_or_404(Period, pk=_posted_id(request, "period"))
        services.period_set_status(
            period, request.user, Period.Status.OPEN if request.POST["status"] == "open" else Period.Status.CLOSED
        )
        messages.success(
            request,
            _("The period %(period)s is now %(status)s.")
            % {"period": period, "status": period.get_status_display().lower()},
        )
        return redirect("statistik:periods")
    kept, status = None, 200
    if request.method == "POST" and "new_deadline" in request.POST and "period" in request.POST:
        period = get_object_or_404(Period, pk=_posted_id(request, "period"))
        try:
            deadline = parse_date(request.POST["new_deadline"] or "")
        except ValueError:  # well formed but no such day, e.g. 2026-02-30
            deadline = None
        if deadline is None:
            messages.error(request, _("Write the deadline as a date, for example 2013-02-28."))
            return redirect("statistik:periods")
        try:
            # The period's version when the page was drawn; a page without it counts as stale.
            services.period_set_deadline(
                period, request.user, deadline, expected_version=_posted_id(request, "version") or 0
            )
        except EditConflict:
            messages.error(
                request,
                _(
                    "Someone else saved %(period)s after you opened the page. Nothing was saved. Your date is kept "
                    "below beside the current values: save again to use it."
                )
                % {"period": period},
            )
            kept, status = {"period": period.pk, "deadline": deadline.isoformat()}, 409
        else:
            messages.success(
                request, _("The deadline of %(period)s is now %(date)s.") % {"period": period, "date": deadline}
            )
            return redirect("statistik:periods")
    if request.method == "POST" and kept is None and form.is_valid():
        services.period_create(request.user, form.save(commit=False))
        messages.success(request, _("The period is added."))
        return redirect("statistik:periods")
    items = Period.objects.annotate(
        done=Count("reports", filter=Q(reports__status__in=[Report.Status.SUBMITTED, Report.Status.APPROVED]))
    ).order_by("-year", "-half")
    if kept is not None:
        form = PeriodForm()
    return render(request, "statistik/periods.html", {"form": form, "periods": items, "kept": kept}, status=status)


@login_required
@require_GET
def catalogue(request):
    versions = CatalogueVersion.objects.prefetch_related("indicators__form", "indicators__rules__other")
    context = {"versions": versions, "is_stat_admin": access.is_stat_admin(request.user)}
    if context["is_stat_admin"]:
        context["version_form"] = CatalogueVersionForm()
    return render(request, "statistik/catalogue.html", context)


@login_required
@require_POST
def catalogue_version_create(request):
    """A new catalogue version from a period on; reports made before keep their version."""
    if not access.is_stat_admin(request.user):
        raise PermissionDenied
    form = CatalogueVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in a name and the year the version applies from."))
        return redirect("statistik:catalogue")
    version = services.catalogue_version_create(request.user, **form.cleaned_data)
    messages.success(request, _("Version %(number)s is made. Edit its definitions below.") % {"number": version.number})
    return redirect("statistik:catalogue")


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk):
    indicator = get_object_or_404(Indicator.objects.select_related("version", "form"), pk=pk)
    if not access.is_stat_admin(request.user):
        raise PermissionDenied
    form = IndicatorForm(request.POST or None, instance=Indicator.objects.get(pk=pk))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(
                indicator,
                request.user,
                form.definition_data(),
                form.cleaned_data["reason"],
                # A form without the hidden version (an old page) counts as stale.
                expected_version=form.cleaned_data[VERSION_FIELD] or 0,
            )
        except EditConflict:
            # Nothing was written: the user's input is kept, the other person's changes listed and merged in.
            fresh = IndicatorForm(instance=Indicator.objects.select_related("version").get(pk=pk))
            conflict = refuse_stale(request, form, fresh, _("this definition"))
        else:
            messages.success(request, _("The definition is saved. The change is in the history."))
            return redirect("statistik:indicator_edit", pk=indicator.pk)
    history = indicator.changes.select_related("user")
    context = {"form": form, "indicator": indicator, "history": history, "conflict": conflict}
    status = 409 if conflict is not None else 200
    return render(request, "statistik/indicator_edit.html", context, status=status)


# --- Dashboards -------------------------------------------------------------------------


def _filters(request, single_year=False):
    """The filters in force (years filled in with the first and last there is) and their form."""
    years = dashboards.period_years()
    filters = dashboards.filters_with_defaults(dashboards.filters_from(request.GET), years)
    form = FilterForm(initial=filters.as_params(), years=years, single_year=single_year)
    return form, filters


@login_required
@require_GET
def dashboard(request):
    from .presenters import overview_sentence

    form, filters = _filters(request, single_year=True)
    overview = dashboards.region_overview(request.user, filters, request.GET.get("period"))
    context = {"form": form, "overview": overview, "filters": filters, "query": request.GET.urlencode()}
    context["showing"] = overview_sentence(overview, filters) if overview else ""
    # The export makes the table of the period shown.
    context["period"] = overview["latest"] if overview else None
    return render(request, "statistik/dashboard.html", context)


@login_required
@require_GET
def dashboard_indicator(request, code):
    from .presenters import indicator_page

    form, filters = _filters(request)
    indicator = dashboards.latest_indicator(code)
    if indicator is None:
        raise Http404
    context = indicator_page(request.user, indicator, filters, request.GET.get("period"))
    context |= {"form": form, "filters": filters, "query": request.GET.urlencode()}
    return render(request, "statistik/dashboard_indicator.html", context)


@login_required
@require_GET
def dashboard_municipality(request, pk):
    from .presenters import municipality_page

    municipality = get_object_or_404(Municipality, pk=pk)
    form, filters, years, latest_only = _profile_filters(request)
    # Municipalities to compare with over all periods (?jamfor=<id>&jamfor=<id>); anything else is ignored.
    chosen = request.GET.getlist("jamfor")
    compare = [int(value) for value in chosen if value.isascii() and value.isdigit() and len(value) < 10][:9]
    context = municipality_page(request.user, municipality, filters, compare)
    context |= {
        "form": form,
        "filters": filters,
        "query": request.GET.urlencode(),
        "compare": set(compare),
        "compare_param": ",".join(str(pk) for pk in compare),
        "choices": [m for m in dashboards.members(context["periods"]) if m.pk != municipality.pk],
        # The latest few years shown of more (a link to every year), or every year asked for (a link back).
        "all_years": years if latest_only else None,
        "every_year": request.GET.get("alla") == "1" and len(years) > PROFILE_YEARS,
        "latest_years": PROFILE_YEARS,
        "every_year_query": _query_with(request, alla="1"),
        "latest_years_query": _query_with(request, alla=None),
    }
    return render(request, "statistik/dashboard_municipality.html", context)


# The municipality profile shows the latest this many years unless a first year or every year (?alla=1) is asked for.
PROFILE_YEARS = 5


def _profile_filters(request):
    """The municipality profile's filters: as ``_filters``, but without a first year chosen the latest
    PROFILE_YEARS years up to the last year (every year with ``?alla=1``). Returns the form, the filters, the years
    there are and whether fewer years are shown than there are by that default (for the page to say so)."""
    years = dashboards.period_years()
    asked = dashboards.filters_from(request.GET)
    filters = dashboards.filters_with_defaults(asked, years)
    latest_only = False
    if request.GET.get("alla") != "1" and not asked.year_from and filters.year_to:
        first = filters.year_to - PROFILE_YEARS + 1
        if years and first > years[0]:
            filters.year_from = first
            latest_only = True
    # The form shows the years in force: "Show" keeps them (every year after ?alla=1, as the first year is then the
    # first there is).
    return FilterForm(initial=filters.as_params(), years=years), filters, years, latest_only


def _query_with(request, **changes):
    """The page's query string with ``changes`` (None removes a parameter); the first year is left out."""
    query = request.GET.copy()
    query.pop("year_from", None)
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return query.urlencode()


@login_required
@require_POST
def export(request, kind):
    """Start an Excel export of a dashboard table with the filters on the page."""
    from .exports import export_title

    if kind not in EXPORT_KINDS:
        raise Http404
    params = {
        key: request.POST.get(key, "")
        for key in ("year_from", "year_to", "sex", "age", "code", "period", "municipality", "compare")
    }
    params["language"] = request.LANGUAGE_CODE
    export_start(request.user, kind, export_title(kind, params), params)
    messages.success(request, _("The export is being made. You find it here when it is ready."))
    return redirect("exports")
