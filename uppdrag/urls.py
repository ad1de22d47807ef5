from django.urls import path

from . import views

app_name = "uppdrag"

urlpatterns = [
    path("", views.index, name="index"),
]
