from django.urls import path

from donations.supporters import views

app_name = "supporters"
urlpatterns = [
    path("", views.page, name="page"),
    path("sign-in/", views.sign_in_form, name="sign_in"),
    path("sign-in/open/", views.open_link, name="open"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("preferences/", views.preferences, name="preferences"),
    path("gifts/<int:pk>/<slug:action>/", views.change, name="change"),
    path("receipts/<int:payment_id>/", views.payment_receipt, name="receipt"),
    path("receipts/year/<int:year>/", views.annual_receipt, name="annual_receipt"),
]
