from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from common.second_factor import SiteLoginForm
from common.web import LOGIN_RATE, health, rate_limited

admin.site.site_header = _("Familieliv administration")
admin.site.site_title = _("Familieliv")
admin.site.index_title = _("Programmes, schedules and rooms")

# Guessing passwords costs time: per address here, per user name by django-axes.
LOGIN_VIEW = rate_limited(LOGIN_RATE, method="POST")(
    auth_views.LoginView.as_view(authentication_form=SiteLoginForm)
)

urlpatterns = [
    path("healthz", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/login/", LOGIN_VIEW, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Funder reports first: the impact report owns the rest of reports/.
    path("reports/projects/", include("reports.project_urls")),
    path("reports/", include("reports.urls")),
    path("", include("bookings.urls")),
    path("", include("privacy.urls")),
    path("", include("courses.urls")),
    path("", include("attendance.urls")),
    path("", include("volunteers.urls")),
    prefix_default_language=False,
)
