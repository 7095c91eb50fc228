from django.urls import path

from volunteers import coordinator_views, views

app_name = "volunteers"

urlpatterns = [
    # The volunteer's own links (signed, no password).
    path("shift/<str:token>/", views.shift, name="shift"),
    path("shift/<str:token>/calendar.ics", views.shift_calendar, name="shift_calendar"),
    path("meeting/<str:token>/", views.meeting, name="meeting"),
    path("meeting/<str:token>/calendar.ics", views.meeting_calendar, name="meeting_calendar"),
    path("volunteer/<str:token>/", views.own_page, name="own_page"),
    path("volunteer/feed/<str:token>/shifts.ics", views.feed, name="feed"),
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
    path(
        "coordinator/volunteers/<int:pk>/edit/",
        coordinator_views.volunteer_edit,
        name="volunteer_edit",
    ),
    path(
        "coordinator/volunteers/export.csv",
        coordinator_views.volunteer_export_csv,
        name="volunteer_export",
    ),
    path("coordinator/swaps/<int:pk>/", coordinator_views.swap_decide_view, name="swap_decide"),
    path(
        "coordinator/partnerships/<int:pk>/policy/",
        coordinator_views.shift_policy,
        name="shift_policy",
    ),
    path("coordinator/meetings/", coordinator_views.meeting_list, name="meeting_list"),
    path("coordinator/meetings/new/", coordinator_views.meeting_add, name="meeting_add"),
    path(
        "coordinator/meetings/<int:pk>/",
        coordinator_views.meeting_detail,
        name="meeting_detail",
    ),
]
