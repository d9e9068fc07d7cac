import pytest


@pytest.fixture
def write_file(tmp_path):
    """Write bytes or text to a file in a temporary directory and return its path."""

    def factory(name: str, content, encoding: str = "utf-8"):
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode(encoding)
        path.write_bytes(content)
        return path

    return factory


@pytest.fixture
def stages(db):
    from centric.customers.choices import DEFAULT_LIFECYCLE_STAGES
    from centric.customers.models import LifecycleStage

    for position, (key, label, counts) in enumerate(DEFAULT_LIFECYCLE_STAGES):
        LifecycleStage.objects.get_or_create(
            key=key,
            defaults={"label": str(label), "position": position, "counts_as_customer": counts},
        )


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads in tests go to a temporary directory, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
