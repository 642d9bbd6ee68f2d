from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("", views.stock_list, name="list"),
    path("new/", views.vehicle_create, name="create"),
    path("colours/", views.colour_fields, name="colour_fields"),
    path("import/", views.import_sheet, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("settings/", views.stock_settings, name="settings"),
    path("<int:pk>/", views.vehicle_detail, name="detail"),
    path("<int:pk>/edit/", views.vehicle_edit, name="edit"),
    path("<int:pk>/status/", views.vehicle_status, name="status"),
]
