from django.urls import path

from attendance import views

app_name = "attendance"

urlpatterns = [
    path("helpers/", views.today, name="helper_today"),
    path("helpers/sessions/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("helpers/sessions/<int:pk>/head-count/", views.head_count, name="head_count"),
]
