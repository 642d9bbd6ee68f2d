from django.urls import path

from . import views

app_name = "reception"

urlpatterns = [
    path("", views.board, name="board"),
    path("register/", views.register, name="register"),
    path("match/", views.match, name="match"),
    path("visits/<int:pk>/depart/", views.depart, name="depart"),
    path("visits/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("visits/<int:pk>/capture/", views.capture, name="capture"),
    path("import/", views.lead_import, name="import"),
    path("import/template.xlsx", views.lead_import_template, name="import_template"),
]
