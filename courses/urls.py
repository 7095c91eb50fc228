from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("refer/<str:token>/", views.refer, name="refer"),
    path("course/<str:token>/", views.enrolment, name="enrolment"),
]
