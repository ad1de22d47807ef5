"""URLs of the portal. Each part has its own namespaced urls.py."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from . import audit_views, login, reminder_views, search_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("logga-in/", login.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("losenord/byt/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("losenord/byt/klart/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("losenord/aterstall/", login.PasswordResetView.as_view(), name="password_reset"),
    path("losenord/aterstall/skickat/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "losenord/aterstall/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "losenord/aterstall/klart/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mina-exporter/", views.export_list, name="exports"),
    path("mina-exporter/status/", views.export_status, name="export_status"),
    path("mina-exporter/<uuid:pk>/ladda-ner/", views.export_download, name="export_download"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("granskningslogg/", audit_views.audit_log, name="audit_log"),
    path("paminnelselogg/", reminder_views.reminder_log, name="reminder_log"),
    path("sok/", search_views.search, name="search"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("insatser/", include("insatsbasen.urls")),
    path("katalog/", include("insatsbasen.urls_public")),
    path("statistik/", include("statistik.urls")),
    path("uppdrag/", include("uppdrag.urls")),
    path("natverk/", include("natverk.urls")),
    path("admin/", admin.site.urls),
]

# No static(MEDIA_URL), not even under DEBUG: uploaded and exported files hold personal data and internal notes, and
# are served only through the views that check their owner (exports, imports), in every mode.
