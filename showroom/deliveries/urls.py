from django.urls import path

from . import views

app_name = "deliveries"
urlpatterns = [
    path("", views.week, name="week"),
    path("leads/<int:lead_id>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/appointment/", views.appointment, name="appointment"),
    path("<int:pk>/pdi/", views.pdi, name="pdi"),
    path("<int:pk>/checklist/", views.checklist, name="checklist"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/signature.png", views.signature_image, name="signature"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/remove/", views.photo_remove, name="photo_remove"),
]
