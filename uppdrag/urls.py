from django.urls import path

from . import views

app_name = "uppdrag"

urlpatterns = [
    path("", views.index, name="index"),
    path("atgardspunkter/", views.actionpoint_list, name="actionpoint_list"),
    path("atgardspunkter/ny/", views.actionpoint_create, name="actionpoint_create"),
    path(
        "atgardspunkter/fran-beslut/<int:decision_pk>/",
        views.actionpoint_from_decision,
        name="actionpoint_from_decision",
    ),
    path("atgardspunkter/<int:pk>/", views.actionpoint_detail, name="actionpoint_detail"),
    path("atgardspunkter/<int:pk>/andra/", views.actionpoint_edit, name="actionpoint_edit"),
    path("atgardspunkter/<int:pk>/status/", views.actionpoint_status, name="actionpoint_status"),
    path("atgardspunkter/<int:pk>/anteckning/", views.actionpoint_note, name="actionpoint_note"),
    path("omraden/", views.area_list, name="area_list"),
    path("omraden/ny/", views.area_edit, name="area_create"),
    path("omraden/<int:pk>/andra/", views.area_edit, name="area_edit"),
    path("uppdraget/", views.assignment_edit, name="assignment_edit"),
    path("atagande/ny/", views.commitment_edit, name="commitment_create"),
    path("atagande/<int:pk>/andra/", views.commitment_edit, name="commitment_edit"),
    path("atagande/<int:pk>/halsa/", views.health_edit, {"kind": "commitment"}, name="commitment_health"),
    path("omraden/<int:pk>/halsa/", views.health_edit, {"kind": "area"}, name="area_health"),
    path("rapporter/", views.report_list, name="report_list"),
    path("rapporter/ny/", views.report_new, name="report_new"),
    path("rapporter/<int:pk>/", views.report_detail, name="report_detail"),
    path("rapporter/<int:pk>/publicera/", views.report_publish, name="report_publish"),
    path("rapporter/<int:pk>/excel/", views.report_export, name="report_export"),
    path("paminnelser/", views.reminder_settings, name="reminder_settings"),
]
