"""An import fills the search names the way the services do: searchable custom fields
included, so the search box finds imported customers by them too."""

import pytest

from centric.customers.models import Organisation, Person
from centric.extras.services import custom_field_create
from centric.imports.services import import_file

pytestmark = pytest.mark.django_db


def test_imported_people_and_organisations_are_searchable_by_their_searchable_fields(
    write_file,
):
    custom_field_create(
        record_type="person", key="loyalty_card", label="Loyalty card", is_searchable=True
    )
    custom_field_create(
        record_type="organisation", key="rc_number", label="RC number", is_searchable=True
    )
    people = write_file(
        "people.csv", "First Name,Last Name,Loyalty card\nAda,Okafor,LC-20931\nBayo,Eze,\n"
    )
    organisations = write_file("orgs.csv", "Name,RC number\nBalogun Traders,RC 884213\n")

    import_file(path=people, record_type="people")
    import_file(path=organisations, record_type="organisations")

    assert Person.objects.get(first_name="Ada").search_name == "ada okafor lc 20931"
    assert Person.objects.get(first_name="Bayo").search_name == "bayo eze"
    assert Organisation.objects.get().search_name == "balogun traders rc 884213"
