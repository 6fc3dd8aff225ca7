from django.urls import path

from campaign_pages import views

app_name = "campaign_pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign"),
]
