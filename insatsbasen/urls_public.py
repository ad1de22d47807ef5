from django.urls import path, register_converter

from . import views_public
from .public_i18n import PublicLanguageConverter

app_name = "katalog"
register_converter(PublicLanguageConverter, "publiclang")

# Each public page twice under one name: /katalog/... in Swedish and /katalog/<language>/... (public_i18n.py).
# reverse() tells them apart by the number of arguments.
PAGES = [
    ("", views_public.index, "index"),
    ("<int:pk>/", views_public.detail, "detail"),
    ("<int:pk>/hanvisning/", views_public.referral, "referral"),
    ("hanvisning/", views_public.referral_many, "referral_many"),
]

urlpatterns = [
    *[path(route, view, name=name) for route, view, name in PAGES],
    *[path(f"<publiclang:lang>/{route}", view, name=name) for route, view, name in PAGES],
    path("hsds/", views_public.hsds_docs, name="hsds_docs"),
    path("hsds/services.json", views_public.hsds_services, name="hsds_services"),
    path("hsds/services/<uuid:service_id>.json", views_public.hsds_service, name="hsds_service"),
    path("hsds/organizations.json", views_public.hsds_organizations, name="hsds_organizations"),
    path("hsds/service_at_locations.json", views_public.hsds_service_at_locations, name="hsds_service_at_locations"),
]
