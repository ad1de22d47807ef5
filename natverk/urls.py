from django.urls import path, register_converter

from . import views


class MunicipalityCodeConverter:
    """A municipality's official code: four digits (SCB). Anything else is 404 before the view (a NUL byte would
    reach PostgreSQL, which refuses it in text)."""

    regex = "[0-9]{4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(MunicipalityCodeConverter, "municipalitycode")

app_name = "natverk"

urlpatterns = [
    path("", views.index, name="index"),
    path("organisationer/", views.organisation_list, name="organisation_list"),
    path("organisationer/ny/", views.organisation_create, name="organisation_create"),
    path("organisationer/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisationer/<int:pk>/andra/", views.organisation_edit, name="organisation_edit"),
    path("kontakter/", views.contact_list, name="contact_list"),
    path("kontakter/ny/", views.contact_create, name="contact_create"),
    path("kontakter/gallring/", views.retention_review, name="retention_review"),
    path("kontakter/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("kontakter/<int:pk>/andra/", views.contact_edit, name="contact_edit"),
    path("kontakter/<int:pk>/registerutdrag/", views.contact_extract, name="contact_extract"),
    path("kontakter/<int:pk>/anonymisera/", views.contact_anonymise, name="contact_anonymise"),
    path("grupper/", views.network_list, name="network_list"),
    path("grupper/ny/", views.network_create, name="network_create"),
    path("grupper/<int:pk>/", views.network_detail, name="network_detail"),
    path("grupper/<int:pk>/andra/", views.network_edit, name="network_edit"),
    path("grupper/<int:pk>/medlemmar/ny/", views.membership_add, name="membership_add"),
    path("grupper/<int:pk>/medlemmar/export/", views.network_export, name="network_export"),
    path("grupper/<int:pk>/moten/nytt/", views.meeting_create, name="meeting_create"),
    path("medlemskap/<int:pk>/avsluta/", views.membership_end, name="membership_end"),
    path("moten/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("moten/<int:pk>/andra/", views.meeting_edit, name="meeting_edit"),
    path("kommuner/", views.municipality_list, name="municipality_list"),
    path("kommuner/<municipalitycode:code>/", views.municipality_detail, name="municipality_detail"),
]
