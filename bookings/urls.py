from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("booked/<str:token>/", views.booking_done, name="done"),
    path("booked/<str:token>/calendar.ics", views.booking_calendar, name="calendar"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/cancel/<int:booking_pk>/", views.cancel, name="cancel"),
    path("manage/<str:token>/preferences/", views.preferences, name="preferences"),
    path("privacy/", views.privacy, name="privacy"),
]
