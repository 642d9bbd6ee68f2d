from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("export.xlsx", views.customer_export, name="export"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/reveal/", views.customer_reveal, name="reveal"),
    path("<int:pk>/consent/", views.customer_consent, name="consent"),
    path("<int:pk>/merge/", views.customer_merge, name="merge"),
]
