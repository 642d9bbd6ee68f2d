from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("trims/<int:pk>/", views.trim_detail, name="trim_detail"),
    path("manage/", views.manage, name="manage"),
    path("manage/brands/new/", views.brand_create, name="brand_create"),
    path("manage/brands/<int:pk>/", views.brand_edit, name="brand_edit"),
    path("manage/series/new/", views.series_create, name="series_create"),
    path("manage/series/<int:pk>/", views.series_manage, name="series_manage"),
    path("manage/series/<int:pk>/edit/", views.series_edit, name="series_edit"),
    path("manage/series/<int:series_pk>/colours/new/", views.colour_create, name="colour_create"),
    path("manage/series/<int:series_pk>/options/new/", views.option_create, name="option_create"),
    path("manage/trims/new/", views.trim_create, name="trim_create"),
    path("manage/trims/<int:pk>/", views.trim_edit, name="trim_edit"),
    path("manage/colours/<int:pk>/", views.colour_edit, name="colour_edit"),
    path("manage/options/<int:pk>/", views.option_edit, name="option_edit"),
    path("manage/accessories/new/", views.accessory_create, name="accessory_create"),
    path("manage/accessories/<int:pk>/", views.accessory_edit, name="accessory_edit"),
    path("manage/<str:kind>/<int:pk>/active/", views.set_active, name="set_active"),
    path("import/", views.import_sheet, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
