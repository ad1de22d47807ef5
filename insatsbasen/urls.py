from django.urls import path

from . import views

app_name = "insatsbasen"

urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/andra/", views.edit, name="edit"),
    path("<int:pk>/stammer/", views.verify, name="verify"),
    path("<int:pk>/sprak/", views.texts, name="texts"),
    path("<int:pk>/sprak/<slug:language>/", views.text_edit, name="text_edit"),
    path("<int:pk>/status/<slug:action>/", views.change_status, name="status"),
    path("aktualitet/", views.scoreboard, name="scoreboard"),
    path("statistik/", views.statistics, name="statistics"),
    path("luckor/", views.gap_view, name="gaps"),
    path("luckor/exportera/", views.gap_export, name="gaps_export"),
    path("statistik/exportera/", views.statistics_export, name="statistics_export"),
    path("exportera/", views.export_list, name="export"),
    path("importera/", views.import_upload, name="import"),
    path("importera/mina/", views.import_list, name="import_list"),
    path("importera/<uuid:pk>/", views.import_job, name="import_job"),
    path("importera/<uuid:pk>/status/", views.import_job_status, name="import_job_status"),
    path("importera/<uuid:pk>/genomfor/", views.import_commit, name="import_commit"),
]
