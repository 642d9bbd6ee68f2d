from django.urls import path

from . import views

app_name = "followups"

urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
    path("workbench/cards/", views.workbench_cards, name="workbench_cards"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("tasks/<int:pk>/reschedule/", views.task_reschedule, name="task_reschedule"),
    path("tasks/<int:pk>/cancel/", views.task_cancel, name="task_cancel"),
    path("scripts/", views.script_list, name="scripts"),
    path("scripts/new/", views.script_create, name="script_create"),
    path("scripts/<int:pk>/edit/", views.script_edit, name="script_edit"),
]
