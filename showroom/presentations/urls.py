from django.urls import path

from . import views

app_name = "presentations"

urlpatterns = [
    path("scripts/", views.script_index, name="scripts"),
    path("scripts/<int:series_id>/", views.script_detail, name="script"),
    path("scripts/<int:series_id>/add/", views.point_add, name="point_add"),
    path("points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("points/<int:pk>/retire/", views.point_retire, name="point_retire"),
    path("points/<int:pk>/move/", views.point_move, name="point_move"),
    path("leads/<int:lead_id>/new/", views.presentation_new, name="new"),
    path("<int:pk>/", views.presentation_detail, name="detail"),
    path("<int:pk>/complete/", views.presentation_complete, name="complete"),
    path("compare/", views.compare, name="compare"),
]
