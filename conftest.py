"""Project-wide pytest set-up: fixtures that build staff, teams and roles through the services."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("CENTRIC_TESTING", "1")

pytest_plugins = ["centric.core.testing", "centric.staff.testing", "centric.core.smtp_testing"]
