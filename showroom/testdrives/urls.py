from django.urls import path

from . import views

app_name = "testdrives"
urlpatterns = [
    path("", views.calendar_day, name="calendar"),
    path("cars/<int:pk>/", views.car_week, name="car_week"),
    path("leads/<int:lead_id>/book/", views.book, name="book"),
    path("leads/<int:lead_id>/decline/", views.decline_lead, name="decline_lead"),
    path("bookings/<int:pk>/", views.drive, name="drive"),
    path("bookings/<int:pk>/move/", views.move, name="move"),
    path("bookings/<int:pk>/licence/", views.licence, name="licence"),
    path("bookings/<int:pk>/agreement/", views.agreement, name="agreement"),
    path("bookings/<int:pk>/start/", views.start, name="start"),
    path("bookings/<int:pk>/complete/", views.complete, name="complete"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:pk>/no-show/", views.no_show, name="no_show"),
    path("bookings/<int:pk>/decline/", views.decline, name="decline"),
    path("bookings/<int:pk>/signature.png", views.signature_image, name="signature"),
    path("routes/", views.route_list, name="routes"),
    path("routes/new/", views.route_edit, name="route_create"),
    path("routes/<int:pk>/edit/", views.route_edit, name="route_edit"),
    path("settings/", views.policy_edit, name="policy"),
]
