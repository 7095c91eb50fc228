from django.urls import path

from . import course_views, helper_views, views

app_name = "bookings"

urlpatterns = [
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("booked/<str:token>/", views.booking_done, name="done"),
    path("booked/<str:token>/calendar.ics", views.booking_calendar, name="calendar"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/cancel/<int:booking_pk>/", views.cancel, name="cancel"),
    path("manage/<str:token>/preferences/", views.preferences, name="preferences"),
    path("cant-come/<str:token>/", views.cant_come, name="cant_come"),
    path("rate/<str:token>/<int:rating>/", views.rate, name="rate"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("privacy/", views.privacy, name="privacy"),
    path("refer/<str:token>/", course_views.refer, name="refer"),
    path("course/<str:token>/", course_views.enrolment, name="enrolment"),
    path("helpers/", helper_views.today, name="helper_today"),
    path("helpers/sessions/<int:pk>/check-in/", helper_views.check_in, name="check_in"),
    path("helpers/sessions/<int:pk>/head-count/", helper_views.head_count, name="head_count"),
]
