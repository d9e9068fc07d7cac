"""The customer's NPS answering page (`/nps/<signed token>/`): no sign-in, the link is the key."""

from django.urls import path

from centric.tickets import nps_views

app_name = "nps"

urlpatterns = [path("<str:token>/", nps_views.answer, name="answer")]
