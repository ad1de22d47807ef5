from django.urls import path

from . import views

app_name = "natverk"

urlpatterns = [
    path("", views.index, name="index"),
]
