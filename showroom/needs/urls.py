from django.urls import path

from . import views

app_name = "needs"

urlpatterns = [
    path("leads/<int:lead_id>/", views.analysis, name="analysis"),
    path("leads/<int:lead_id>/questionnaire/", views.questionnaire, name="questionnaire"),
    path("leads/<int:lead_id>/confirm/", views.confirm, name="confirm"),
    path("leads/<int:lead_id>/complete/", views.complete, name="complete"),
    path("leads/<int:lead_id>/history/", views.history, name="history"),
]
