from django.urls import path

from reports import project_views

app_name = "project_reports"

urlpatterns = [
    path("", project_views.project_list, name="list"),
    path("<int:pk>/", project_views.project_detail, name="detail"),
    path("<int:pk>/export.csv", project_views.project_export, name="export"),
]
