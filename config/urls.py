from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from programmes import views as programme_views

admin.site.site_header = _("Familieliv administration")
admin.site.site_title = _("Familieliv")
admin.site.index_title = _("Programmes, schedules and rooms")

urlpatterns = [
    path("healthz", programme_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("programmes.urls")),
    path("", include("bookings.urls")),
    prefix_default_language=False,
)
