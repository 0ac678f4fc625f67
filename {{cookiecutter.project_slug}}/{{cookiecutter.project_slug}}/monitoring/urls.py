from django.urls import path

from . import metrics, views

app_name = "monitoring"
urlpatterns = [
    path("admin/queues/", views.queues, name="queues"),
    path("admin/queues/<str:queue_name>/switch/", views.switch, name="switch"),
    path("metrics", metrics.endpoint, name="metrics"),
]
