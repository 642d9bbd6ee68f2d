from django.urls import path

from . import views

app_name = "aftercare"
urlpatterns = [
    path("surveys/<int:pk>/", views.survey, name="survey"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/notes/", views.case_note, name="case_note"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("owners/<int:pk>/referral/", views.referral, name="referral"),
    path("owners/<int:pk>/plate/", views.plate, name="plate"),
    path("settings/", views.store_settings, name="settings"),
    path("settings/questions/new/", views.question_edit, name="question_create"),
    path("settings/questions/<int:pk>/", views.question_edit, name="question_edit"),
]
