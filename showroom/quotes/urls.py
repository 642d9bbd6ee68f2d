from django.urls import path

from . import views

app_name = "quotes"
urlpatterns = [
    path("leads/<int:lead_id>/new/", views.quote_create, name="create"),
    path("leads/<int:lead_id>/preview/", views.quote_preview, name="preview"),
    path("leads/<int:lead_id>/compare/", views.quote_compare, name="compare"),
    path("leads/<int:lead_id>/negotiation/", views.negotiation_log, name="negotiation"),
    path("<int:pk>/", views.quote_detail, name="detail"),
    path("<int:pk>/edit/", views.quote_edit, name="edit"),
    path("<int:pk>/pdf/", views.quote_pdf, name="pdf"),
    path("<int:pk>/issue/", views.quote_issue, name="issue"),
    path("<int:pk>/request-approval/", views.quote_request_approval, name="request_approval"),
    path("<int:pk>/decline/", views.quote_decline, name="decline"),
    path("<int:pk>/new-version/", views.quote_new_version, name="new_version"),
    path("approvals/", views.approval_list, name="approvals"),
    path("approvals/<int:pk>/decide/", views.approval_decide, name="decide"),
    path("approvals/<int:pk>/seen/", views.approval_seen, name="approval_seen"),
    path("settings/", views.price_settings, name="settings"),
    path("settings/quotes/", views.settings_save, name="settings_save"),
    path("settings/limits/", views.limit_save, name="limit_save"),
    path("settings/floors/", views.floor_save, name="floor_save"),
    path("settings/unified/", views.unified_save, name="unified_save"),
    path("settings/rates/", views.rates_save, name="rates_save"),
    path("settings/vessel-tax/", views.vessel_tax_save, name="vessel_tax_save"),
    path("settings/promotions/new/", views.promotion_edit, name="promotion_create"),
    path("settings/promotions/<int:pk>/", views.promotion_edit, name="promotion_edit"),
]
