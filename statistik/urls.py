from django.urls import path, register_converter

from . import views


class IndicatorCodeConverter:
    """An indicator's code: at most 20 characters (the model's limit), never a NUL byte (PostgreSQL refuses it in
    text), so anything else is 404 before the view."""

    regex = r"[^/\x00]{1,20}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(IndicatorCodeConverter, "indicatorcode")

app_name = "statistik"

urlpatterns = [
    path("", views.index, name="index"),
    path("oversikt/", views.overview, name="overview"),
    path("perioder/", views.periods, name="periods"),
    path("katalog/", views.catalogue, name="catalogue"),
    path("katalog/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("katalog/ny-version/", views.catalogue_version_create, name="catalogue_version_create"),
    path("rapport/<int:municipality_pk>/<int:period_pk>/", views.report_start, name="report_start"),
    path("rapporter/<int:pk>/", views.report_detail, name="report"),
    path("rapporter/<int:pk>/granska/", views.report_review, name="report_review"),
    path("rapporter/<int:pk>/oppna/", views.report_reopen, name="report_reopen"),
    path("rapporter/<int:pk>/mall.xlsx", views.report_template, name="report_template"),
    path("rapporter/<int:pk>/ladda-upp/", views.report_upload, name="report_upload"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/indikator/<indicatorcode:code>/", views.dashboard_indicator, name="dashboard_indicator"),
    path("dashboard/kommun/<int:pk>/", views.dashboard_municipality, name="dashboard_municipality"),
    path("export/<str:kind>/", views.export, name="export"),
]
