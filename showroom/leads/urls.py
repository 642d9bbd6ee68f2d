from django.urls import path

from . import views

app_name = "leads"

urlpatterns = [
    path("", views.lead_list, name="list"),
    path("new/", views.lead_create, name="create"),
    path("sources/", views.source_options, name="sources"),
    path("manager/", views.manager, name="manager"),
    path("loss-requests/<int:pk>/decide/", views.lead_decide_loss, name="decide_loss"),
    path("<int:pk>/", views.lead_detail, name="detail"),
    path("<int:pk>/edit/", views.lead_edit, name="edit"),
    path("<int:pk>/advance/", views.lead_advance, name="advance"),
    path("<int:pk>/grade/", views.lead_grade, name="grade"),
    path("<int:pk>/claim/", views.lead_claim, name="claim"),
    path("<int:pk>/assign/", views.lead_assign, name="assign"),
    path("<int:pk>/loss/", views.lead_request_loss, name="request_loss"),
    path("<int:pk>/reactivate/", views.lead_reactivate, name="reactivate"),
    path("<int:pk>/contact/", views.lead_log_contact, name="log_contact"),
    path("<int:pk>/tasks/new/", views.lead_add_task, name="add_task"),
]
