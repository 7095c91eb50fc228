from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    # Behind the family's signed link, beside its bookings (bookings:manage).
    path("manage/<str:token>/data/", views.data, name="data"),
    path("manage/<str:token>/data/download/", views.data_download, name="download"),
    path("manage/<str:token>/data/correct/", views.correct, name="correct"),
    path("manage/<str:token>/data/erase/", views.erase, name="erase"),
    path("erased/", views.erased, name="erased"),
    # The privacy notices: what is kept, why, how long, the rights.
    path("privacy/", views.notice, name="notice"),
    path("privacy/volunteers/", views.volunteer_notice_page, name="volunteer_notice"),
]
