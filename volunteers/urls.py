from django.urls import path

from volunteers import coordinator_views, views

app_name = "volunteers"

urlpatterns = [
    # The volunteer's own links (signed, no password).
    path("shift/<str:token>/", views.shift, name="shift"),
    path("shift/<str:token>/calendar.ics", views.shift_calendar, name="shift_calendar"),
    path("meeting/<str:token>/", views.meeting, name="meeting"),
    # The coordinator's planning pages (login).
    path("coordinator/", coordinator_views.week, name="week"),
    path("coordinator/shifts/<int:pk>/", coordinator_views.shift_detail, name="shift_detail"),
    path("coordinator/volunteers/", coordinator_views.volunteer_list, name="volunteer_list"),
    path("coordinator/volunteers/new/", coordinator_views.volunteer_add, name="volunteer_add"),
    path(
        "coordinator/volunteers/<int:pk>/",
        coordinator_views.volunteer_detail,
        name="volunteer_detail",
    ),
    path(
        "coordinator/volunteers/<int:pk>/certificate/",
        coordinator_views.certificate_add,
        name="certificate_add",
    ),
]
