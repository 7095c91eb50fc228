from django.urls import path

from bookings import views

app_name = "bookings"

urlpatterns = [
    # Where families find sessions (with their places) and book them.
    path("", views.home, name="home"),
    path("sessions/", views.session_list, name="sessions"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("booked/<str:token>/", views.booking_done, name="done"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/cancel/<int:booking_pk>/", views.cancel, name="cancel"),
    path("manage/<str:token>/preferences/", views.preferences, name="preferences"),
    path("cant-come/<str:token>/", views.cant_come, name="cant_come"),
    path("rate/<str:token>/<int:rating>/", views.rate, name="rate"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
