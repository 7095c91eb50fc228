from django.urls import path

from privacy import notice_views

app_name = "notices"

urlpatterns = [
    path("privacy/", notice_views.families, name="families"),
    path("privacy/volunteers/", notice_views.volunteers, name="volunteers"),
]
