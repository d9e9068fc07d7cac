import pytest
from django.core.exceptions import ValidationError

from centric.core.normalise import normalise_email, normalise_phone
from centric.core.search import search_key


@pytest.mark.parametrize(
    "raw",
    ["0803 123 4567", "+2348031234567", "234-803-123-4567", "(0803) 123-4567", "002348031234567"],
)
def test_nigerian_numbers_in_any_written_form_normalise_to_one_e164(raw):
    assert normalise_phone(raw, "NG") == "+2348031234567"


def test_foreign_number_keeps_its_country():
    assert normalise_phone("+44 20 7946 0958", "NG") == "+442079460958"


@pytest.mark.parametrize("raw", ["", "12", "not a phone", "0803 123"])
def test_invalid_phone_is_refused_with_a_message(raw):
    with pytest.raises(ValidationError):
        normalise_phone(raw, "NG")


def test_email_is_lower_cased_and_validated():
    assert normalise_email("  Emeka.Okafor@Example.COM ") == "emeka.okafor@example.com"
    with pytest.raises(ValidationError):
        normalise_email("emeka@@example")


def test_search_key_folds_accents_case_and_punctuation():
    assert search_key("Adébáyọ̀  O'Neil-SMITH") == "adebayo o neil smith"
