from django.urls import path

from . import views

app_name = "insatsbasen"

urlpatterns = [
    path("", views.index, name="index"),
]
