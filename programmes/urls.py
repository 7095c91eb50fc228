from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.home, name="home"),
    path("sessions/", views.session_list, name="sessions"),
    path("programmes/<slug:slug>/", views.programme_detail, name="detail"),
]
