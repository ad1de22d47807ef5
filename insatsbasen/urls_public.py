from django.urls import path

from . import views_public

app_name = "katalog"

urlpatterns = [
    path("", views_public.index, name="index"),
    path("<int:pk>/", views_public.detail, name="detail"),
    path("hsds/", views_public.hsds_docs, name="hsds_docs"),
    path("hsds/services.json", views_public.hsds_services, name="hsds_services"),
    path("hsds/services/<uuid:service_id>.json", views_public.hsds_service, name="hsds_service"),
    path("hsds/organizations.json", views_public.hsds_organizations, name="hsds_organizations"),
    path("hsds/service_at_locations.json", views_public.hsds_service_at_locations, name="hsds_service_at_locations"),
]
