from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from common.second_factor import SiteLoginForm
from common.web import LOGIN_RATE, health, rate_limited
from programmes.staff_views import set_language

admin.site.site_header = _("Familieliv administration")
admin.site.site_title = _("Familieliv")
admin.site.index_title = _("Programmes, schedules and rooms")

# Guessing passwords costs time: per address here, per user name by django-axes.
LOGIN_VIEW = rate_limited(LOGIN_RATE, method="POST")(
    auth_views.LoginView.as_view(authentication_form=SiteLoginForm)
)

urlpatterns = [
    path("healthz", health, name="health"),
    # Django's language menu; signed in, it also sets the user's own language.
    path("i18n/setlang/", set_language, name="set_language"),
    # One address in every language: the admin speaks each librarian's own language
    # (programmes.staff_language), not the address's.
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
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
    path("", include("privacy.link_urls")),
    prefix_default_language=False,
)
