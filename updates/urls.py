from django.urls import path

from updates import views

app_name = "updates"
urlpatterns = [
    path("", views.archive, name="archive"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", views.detail, name="detail"),
]
