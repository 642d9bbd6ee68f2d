from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("leads/<int:lead_id>/sign/", views.sign, name="sign"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/pay/", views.pay, name="pay"),
    path("<int:pk>/void-payment/", views.void_payment, name="void_payment"),
    path("<int:pk>/allocate/", views.allocate, name="allocate"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/factory-order/", views.factory_order, name="factory_order"),
    path("<int:pk>/ready/", views.ready, name="ready"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/change/", views.change, name="change"),
    path("changes/<int:pk>/decide/", views.decide_change, name="decide_change"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
]
