from centric.core.kit.pages import record_urls
from centric.core.tests.kit_app.models import Voucher

app_name = "kit_app"
urlpatterns = record_urls(Voucher)
