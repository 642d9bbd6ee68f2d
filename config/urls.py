from django.contrib import admin
from django.urls import include, path

from showroom.accounts.views import home
from showroom.core.api import api, register_routers

register_routers()

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("showroom.accounts.urls")),
    path("customers/", include("showroom.customers.urls")),
    path("leads/", include("showroom.leads.urls")),
    path("followups/", include("showroom.followups.urls")),
    path("reception/", include("showroom.reception.urls")),
    path("catalog/", include("showroom.catalog.urls")),
    path("stock/", include("showroom.inventory.urls")),
    path("needs/", include("showroom.needs.urls")),
    path("presentations/", include("showroom.presentations.urls")),
    path("testdrives/", include("showroom.testdrives.urls")),
    path("quotes/", include("showroom.quotes.urls")),
    path("orders/", include("showroom.orders.urls")),
    path("deliveries/", include("showroom.deliveries.urls")),
    path("aftercare/", include("showroom.aftercare.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
