from django.urls import path

from centric.core.kit.pages import record_urls
from centric.quotes import views
from centric.quotes.models import Quote

app_name = "quotes"

urlpatterns = [
    path("<int:pk>/do/", views.quote_action, name="quote_action"),
    path("<int:pk>/pdf/", views.quote_pdf_view, name="quote_pdf"),
    path("accept/<str:token>/", views.quote_accept, name="accept"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("deal-products/<int:deal_pk>/", views.deal_products_edit, name="deal_products"),
    *record_urls(Quote, ""),
]
