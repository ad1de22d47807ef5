"""Pages of insatsbasen for logged-in users: find, read, edit, keep correct, follow up, Excel in and out."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from intro_sodertorn import access
from intro_sodertorn.exports import export_start

from . import counts, gaps, imports, search, services, stats
from .forms import (
    SORTS,
    ImportForm,
    InsatsFilter,
    InsatsForm,
    InsatsTextForm,
    administered_municipalities,
    place_formset,
)
from .models import LANGUAGES, TEXT_LANGUAGES, Category, ImportJob, Insats, InsatsText
from .public_i18n import BY_URL_CODE

PAGE_SIZE = 25


def get_insats_for_user(request, pk, write=False):
    """The insats if the user may see it (404 otherwise); with ``write``, 403 unless they may change it."""
    insats = get_object_or_404(
        Insats.objects.visible_to(request.user).select_related(
            "category", "provider", "owner_municipality", "contact", "last_verified_by"
        ),
        pk=pk,
    )
    if write and not services.can_edit(request.user, insats):
        raise PermissionDenied
    return insats


def filtered_insatser(user, params):
    """The list as the query string asks for it: scope, filters, free text and order."""
    queryset = Insats.objects.visible_to(user).select_related("category", "owner_municipality", "provider")
    if not params.get("status"):
        # Without an explicit status, ended and archived entries stay out of the way.
        queryset = queryset.exclude(status__in=[Insats.Status.ARCHIVED, Insats.Status.ENDED])
    filterset = InsatsFilter(params, queryset=queryset, user=user)
    queryset = filterset.qs
    query = (params.get("q") or "").strip()[:200]
    if query:
        queryset = search.search(queryset, query)
    sort = params.get("sort") or ("relevance" if query else "name")
    if sort not in dict(SORTS):
        sort = "name"
    if sort == "relevance":
        queryset = queryset.order_by("-rank", "name") if query else queryset.order_by("name")
    else:
        queryset = queryset.order_by(sort, "name")
    return filterset, queryset, query, sort


@login_required
def index(request):
    filterset, queryset, query, sort = filtered_insatser(request.user, request.GET)
    # A ranked search counts its hits while it ranks them; a plain list reads its page by the sort's index and
    # counts once per state of the catalogue and filter.
    paginator = search.CountingPaginator if query else counts.CountedPaginator
    page = paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    if query and page.number == 1:
        services.search_record(query, page.paginator.count)
    did_you_mean = search.did_you_mean(filterset.qs, query, request.GET) if query and not page.paginator.count else None
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "insatsbasen/index.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "sort": sort,
            "sorts": SORTS,
            "querystring": params.urlencode(),
            "did_you_mean": did_you_mean,
            "can_create": services.is_editor(request.user),
            "can_follow_up": _may_follow_up(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
def detail(request, pk):
    insats = get_insats_for_user(request, pk)
    services.insats_count_view(insats)
    can_edit = services.can_edit(request.user, insats)
    changes = insats.changes.select_related("changed_by")
    if not can_edit:
        # The history holds old and new internal notes: they are for those who may change the insats.
        changes = changes.exclude(field="internal_notes")
    # What the publishing gate misses, for those who can complete it (a draft, paused or published insats).
    maintained = insats.status in (Insats.Status.DRAFT, Insats.Status.PAUSED, Insats.Status.PUBLISHED)
    return render(
        request,
        "insatsbasen/detail.html",
        {
            "insats": insats,
            "can_edit": can_edit,
            "gaps": insats.publish_gaps() if can_edit and maintained else [],
            "changes": changes[:50],
            "today": timezone.localdate(),
        },
    )


@login_required
def create(request):
    if not services.is_editor(request.user):
        raise PermissionDenied
    form = InsatsForm(request.POST or None, user=request.user)
    places = place_formset(request.POST or None, None)
    # Both are validated, so every error shows at once.
    if request.method == "POST" and all([form.is_valid(), places.is_valid()]):
        try:
            insats = services.insats_create(form, request.user, reason=form.cleaned_data["reason"], places=places)
        except services.NotPublishable as refusal:
            form.add_gate_errors(refusal.gaps)
        else:
            messages.success(request, _("The insats was created."))
            return redirect("insatsbasen:detail", pk=insats.pk)
    context = {"form": form, "places": places, "cancel_url": reverse("insatsbasen:index"), "insats": None}
    return render(request, "insatsbasen/form.html", context)


@login_required
def edit(request, pk):
    insats = get_insats_for_user(request, pk, write=True)
    form = InsatsForm(request.POST or None, instance=insats, user=request.user)
    places = place_formset(request.POST or None, insats)
    conflict = False
    if request.method == "POST" and all([form.is_valid(), places.is_valid()]):
        try:
            services.insats_update(
                form,
                request.user,
                expected_version=form.cleaned_data["version"] or 0,
                reason=form.cleaned_data["reason"],
                places=places,
            )
        except services.NotPublishable as refusal:
            # Nothing was written: the entry stays as it was (a draft stays a draft).
            form.add_gate_errors(refusal.gaps)
        except services.ConflictError:
            # Input is kept in the form; nothing was written.
            conflict = True
            messages.error(
                request,
                _(
                    "Someone else saved this insats after you opened the form. Nothing was saved. "
                    "Your input is kept below: compare with the current version and save again."
                ),
            )
            current = Insats.objects.get(pk=insats.pk)
            form.data = form.data.copy()
            form.data["version"] = current.version
        else:
            messages.success(request, _("The insats was saved."))
            return redirect("insatsbasen:detail", pk=insats.pk)
    return render(
        request,
        "insatsbasen/form.html",
        {
            "form": form,
            "places": places,
            "insats": insats,
            "conflict": conflict,
            "cancel_url": reverse("insatsbasen:detail", args=[pk]),
        },
    )


STATUS_ACTIONS = {
    "pause": (Insats.Status.PAUSED, _("The insats is paused.")),
    "publish": (Insats.Status.PUBLISHED, _("The insats is published.")),
    "end": (Insats.Status.ENDED, _("The insats is marked as ended.")),
    "archive": (Insats.Status.ARCHIVED, _("The insats is archived. It is kept and can be restored.")),
    "restore": (Insats.Status.DRAFT, _("The insats is restored as a draft.")),
}


@login_required
@require_POST
def change_status(request, pk, action):
    insats = get_insats_for_user(request, pk, write=True)
    if action not in STATUS_ACTIONS:
        raise Http404
    status, message = STATUS_ACTIONS[action]
    try:
        services.insats_set_status(insats, status, request.user, reason=request.POST.get("reason", "")[:300])
    except services.NotPublishable as refusal:
        messages.error(request, services.gate_message(refusal.gaps))
    else:
        messages.success(request, message)
    return redirect("insatsbasen:detail", pk=pk)


@login_required
@require_POST
def verify(request, pk):
    insats = get_insats_for_user(request, pk, write=True)
    services.insats_verify(insats, request.user)
    messages.success(request, _("Thank you! “%(name)s” is verified as still correct.") % {"name": insats.name})
    next_url = request.POST.get("next")
    if next_url == "home":
        return redirect("home")
    return redirect("insatsbasen:detail", pk=pk)


def _may_follow_up(user):
    """The scoreboard, statistics and gap view: the strategist, administrators, intro managers, statistics admins."""
    return bool(services.is_editor(user) or access.intro_manager_municipality_ids(user) or access.is_stat_admin(user))


def _require_follow_up(user):
    if not _may_follow_up(user):
        raise PermissionDenied


@login_required
def scoreboard(request):
    _require_follow_up(request.user)
    rows = services.freshness_scoreboard()
    return render(
        request,
        "insatsbasen/scoreboard.html",
        {"rows": rows, "gaps": services.admin_gaps(rows), "today": timezone.localdate()},
    )


@login_required
def statistics(request):
    _require_follow_up(request.user)
    trend = stats.freshness_trend()
    return render(request, "insatsbasen/statistics.html", {"tables": stats.tables(request.user, trend), "trend": trend})


@login_required
@require_POST
def statistics_export(request):
    _require_follow_up(request.user)
    export_start(request.user, "insatsbasen.statistik", _("Insatsbasen statistics"), {})
    messages.success(request, _("The export has started. You find it under “My exports”."))
    return redirect("exports")


@login_required
def texts(request, pk):
    """The insats's texts in the public languages: which exist, each one's link to write or change it."""
    insats = get_insats_for_user(request, pk, write=True)
    existing = {text.language: text for text in insats.texts.all()}
    languages = [
        {"code": code, "name": name, "html_lang": BY_URL_CODE[code].html_lang, "text": existing.get(code)}
        for code, name in TEXT_LANGUAGES
    ]
    return render(request, "insatsbasen/texts.html", {"insats": insats, "languages": languages})


@login_required
def text_edit(request, pk, language):
    """Write or change the insats's texts in one public language, with the Swedish beside them."""
    insats = get_insats_for_user(request, pk, write=True)
    names = dict(TEXT_LANGUAGES)
    if language not in names:
        raise Http404
    text = InsatsText.objects.filter(insats=insats, language=language).first()
    form = InsatsTextForm(request.POST or None, instance=text, initial={"version": text.version if text else 0})
    if request.method == "POST" and form.is_valid():
        try:
            services.insats_text_save(
                insats, language, form.cleaned_data, request.user, expected_version=form.cleaned_data["version"] or 0
            )
        except services.ConflictError:
            messages.error(
                request,
                _(
                    "Someone else saved these texts after you opened the form. Nothing was saved. "
                    "Your input is kept below: compare with the current texts and save again."
                ),
            )
            current = InsatsText.objects.filter(insats=insats, language=language).first()
            form.data = form.data.copy()
            form.data["version"] = current.version if current else 0
        else:
            messages.success(request, _("The texts in %(language)s were saved.") % {"language": names[language]})
            return redirect("insatsbasen:texts", pk=insats.pk)
    public = BY_URL_CODE[language]
    return render(
        request,
        "insatsbasen/text_form.html",
        {"insats": insats, "form": form, "language": language, "language_name": names[language], "public": public},
    )


@login_required
def gap_view(request):
    """Where the offer is missing: per category, municipality and language, beside KIS and empty searches."""
    _require_follow_up(request.user)
    language, category = _gap_choice(request.GET)
    data = gaps.gaps(request.user, language=language, category=category)
    return render(
        request,
        "insatsbasen/gaps.html",
        {
            "data": data,
            "category_rows": data.category_rows(),
            "language_rows": data.language_rows(),
            "arrived_row": data.arrived_row(),
            "language_choices": LANGUAGES,
            "categories": data.categories,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def gap_export(request):
    _require_follow_up(request.user)
    language, category = _gap_choice(request.POST)
    params = {key: value for key, value in (("language", language), ("category", category and category.pk)) if value}
    export_start(request.user, "insatsbasen.luckor", _("Gaps in the offer"), params)
    messages.success(request, _("The export has started. You find it under “My exports”."))
    return redirect("exports")


def _gap_choice(data):
    """The language and category asked for; anything else reads as "all" (a bad URL is not an error here)."""
    language = data.get("language", "")
    language = language if language in dict(LANGUAGES) else ""
    raw = data.get("category", "")
    category = Category.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    return language, category


@login_required
@require_POST
def export_list(request):
    params = {key: value for key, value in request.POST.items() if key in EXPORT_PARAMS and value}
    export_start(request.user, "insatsbasen.insatser", _("Insatser (Excel)"), params)
    messages.success(request, _("The export has started. You find it under “My exports”."))
    return redirect("exports")


EXPORT_PARAMS = {"q", "municipality", "category", "target_group", "language", "provider", "status"}
EXPORT_PARAMS |= {"open_from", "open_to", "sort", "review"}


def get_import_job_for_user(request, pk, with_result=False):
    """The user's own import job (404 for anyone else's); 403 once they no longer administer its municipality.

    ``with_result`` reads the dry run too (the file's rows: megabytes for a long file).
    """
    jobs = ImportJob.objects.owned_by(request.user).select_related("municipality")
    job = get_object_or_404(jobs if with_result else jobs.defer("result"), pk=pk)
    if not administered_municipalities(request.user).filter(pk=job.municipality_id).exists():
        raise PermissionDenied
    return job


@login_required
def import_upload(request):
    # Only what costs nothing happens here (the form checks size, name and zip signature): the job reads the file.
    if not services.is_editor(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not imports.import_queue_available():
            form.add_error(None, imports.QUEUE_FAILED_MESSAGE)
        else:
            with transaction.atomic():
                job = imports.import_job_start(
                    request.user, form.cleaned_data["municipality"], form.cleaned_data["file"], request.LANGUAGE_CODE
                )
            return redirect("insatsbasen:import_job", pk=job.pk)
    return render(request, "insatsbasen/import.html", {"form": form})


@login_required
@require_GET
def import_list(request):
    """ "Mina importer": the user's own import jobs, newest first."""
    if not services.is_editor(request.user):
        raise PermissionDenied
    jobs = ImportJob.objects.owned_by(request.user).select_related("municipality").defer("result")[:100]
    return render(request, "insatsbasen/import_list.html", {"jobs": jobs, "retention": settings.IMPORT_RETENTION_DAYS})


@login_required
@require_GET
def import_job(request, pk):
    """One import: its progress while a job works on it, then the dry run to confirm, then the result."""
    job = get_import_job_for_user(request, pk, with_result=True)
    context = {"job": job}
    if job.status == ImportJob.Status.CHECKED:
        result = imports.result_from_job(job)
        shown_rows, hidden_count = result.preview()
        context.update(result=result, shown_rows=shown_rows, hidden_count=hidden_count)
    return render(request, "insatsbasen/import_job.html", context)


@never_cache
@login_required
@require_GET
def import_job_status(request, pk):
    """The job's state for static/js/import_job.js, which asks while a job works and reloads the page when done."""
    job = get_import_job_for_user(request, pk)
    return JsonResponse(
        {"status": job.status, "working": job.is_working, "progress": job.progress, "label": job.get_status_display()}
    )


@login_required
@require_POST
def import_commit(request, pk):
    # The role may be gone since the upload: get_import_job_for_user refuses then, and the job validates every row
    # again as the user, in its transaction.
    job = get_import_job_for_user(request, pk)
    with transaction.atomic():
        started = imports.import_job_commit_start(job)
    if not started:
        messages.error(request, _("This import is not waiting to be confirmed."))
    return redirect("insatsbasen:import_job", pk=job.pk)
