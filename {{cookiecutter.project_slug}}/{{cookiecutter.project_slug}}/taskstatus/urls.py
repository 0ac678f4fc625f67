from django.urls import path

from . import views

app_name = "taskstatus"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("<str:task_id>/", views.status_page, name="page"),
    path("<str:task_id>/status.json", views.status_json, name="json"),
]
