from django.urls import path

from privacy import link_views

app_name = "links"

urlpatterns = [
    path("new-link/", link_views.new_link, name="new_link"),
    path("new-link/sent/", link_views.new_link_sent, name="new_link_sent"),
]
