"""Ids typed into the quote pages' addresses or posted with the form: a digit that is not an ASCII digit ('²') or
an id no record can have (23 digits, thousands of digits) is ignored, never a server error."""

import pytest
from django.urls import reverse

from showroom.quotes import services

from .conftest import issued_quote, make_quote
from .test_pages import form_data

NOT_IDS = ["²", "٣", "9" * 23, str(2**63), "1" * 5000, "-1", " 1", ""]


@pytest.fixture
def page(client, consultant):
    client.raise_request_exception = False
    client.force_login(consultant)
    return client


@pytest.mark.parametrize("value", NOT_IDS)
def test_the_compare_page_ignores_ids_no_quote_can_have(page, consultant, lead, trim, value):
    issued_quote(consultant, lead, trim)
    response = page.get(reverse("quotes:compare", args=[lead.pk]), {"ids": value})
    assert response.status_code == 200 and "V1" in response.content.decode()


def test_the_compare_page_still_shows_the_versions_asked_for(page, consultant, lead, trim):
    first = issued_quote(consultant, lead, trim)
    second = services.quote_new_version(actor=consultant, quote=first)
    third = services.quote_new_version(actor=consultant, quote=first)
    content = page.get(reverse("quotes:compare", args=[lead.pk]), {"ids": [first.pk, third.pk, "²"]}).content.decode()
    shown = {quote.version for quote in (first, second, third) if reverse("quotes:detail", args=[quote.pk]) in content}
    assert shown == {first.version, third.version}


@pytest.mark.parametrize("value", NOT_IDS)
def test_the_quote_form_ignores_posted_options_and_accessories_no_item_can_be(page, consultant, lead, trim, comfort,
                                                                              value):
    draft = make_quote(consultant, lead, trim)
    posts = {
        "preview": (reverse("quotes:preview", args=[lead.pk]), form_data(trim, option=[value, str(comfort.pk)])),
        "new, refreshed": (reverse("quotes:create", args=[lead.pk]), {"trim": trim.pk, "refresh": "1",
                                                                       "accessory": value}),
        "edit": (reverse("quotes:edit", args=[draft.pk]), form_data(trim, option=value, accessory=value)),
    }
    codes = {name: page.post(url, data, HTTP_HX_REQUEST="true").status_code for name, (url, data) in posts.items()}
    assert all(code < 500 for code in codes.values()), codes
    assert codes["preview"] == 200 and codes["new, refreshed"] == 200
