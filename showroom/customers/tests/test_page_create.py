"""Filing a customer from the form: person or company, tags, and what happens with a mobile already on file."""

from django.urls import reverse

from showroom.audit.models import AuditEntry
from showroom.customers.models import Customer, CustomerKind
from showroom.customers.services import customer_create

URL = reverse("customers:create")


def _post(client, user, data, **headers):
    client.force_login(user)
    return client.post(URL, data, **headers)


def test_a_consultant_files_a_person_with_tags_and_becomes_their_consultant(client, consultant):
    response = _post(client, consultant, {
        "kind": "person", "name": "张三", "mobile": "+86 138-0013-8000", "wechat_id": "zs_wx", "gender": "male",
        "city": "北京", "district": "朝阳区", "id_number": "11010519491231002X", "source": "walk_in",
        "tags": "置换，老客户, 置换", "notes": "想看Q5L",
    })

    customer = Customer.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert (customer.name, customer.mobile, customer.city, customer.district, customer.owner) == (
        "张三", "13800138000", "北京", "朝阳区", consultant)
    assert customer.id_number == "11010519491231002X" and customer.source == "walk_in"
    assert set(customer.tags.values_list("name", flat=True)) == {"老客户", "置换"}
    assert AuditEntry.objects.filter(action="customers.created").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Customer filed." in page


def test_a_company_is_filed_with_its_contact_person(client, consultant):
    _post(client, consultant, {"kind": "company", "name": "北京某科技有限公司", "contact_name": "刘经理",
                               "mobile": "13800138000"})

    customer = Customer.objects.get()
    assert (customer.kind, customer.contact_name) == (CustomerKind.COMPANY, "刘经理")


def test_a_known_mobile_leads_to_the_existing_customer_and_changes_nothing(client, consultant):
    existing = customer_create(actor=consultant, fields={"name": "张三", "mobile": "13800138000"})[0]

    response = _post(client, consultant, {"kind": "person", "name": "张先生", "mobile": "138 0013 8000", "tags": "新"})

    assert response["Location"] == reverse("customers:detail", args=[existing.pk])
    assert Customer.objects.count() == 1
    existing.refresh_from_db()
    assert existing.name == "张三" and not existing.tags.exists()
    page = client.get(response["Location"]).content.decode()
    assert "already in the customer file" in page


def test_a_mobile_filed_by_another_consultant_is_refused_on_the_mobile_field_naming_who_owns_it(
        client, consultant, colleague):
    customer_create(actor=colleague, fields={"name": "张三", "mobile": "13800138000"})

    response = _post(client, consultant, {"kind": "person", "name": "张先生", "mobile": "13800138000"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-field-error="mobile"' in page and "customer of 李四" in page
    assert Customer.objects.count() == 1


def test_a_bad_mobile_and_id_number_are_shown_on_their_fields_and_htmx_gets_422(client, consultant):
    response = _post(client, consultant, {"kind": "person", "name": "张三", "mobile": "12345"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 422
    assert page.startswith('<div id="customer-form">')
    assert 'data-field-error="mobile"' in page and "not a mainland China mobile number" in page

    response = _post(client, consultant, {"kind": "person", "name": "张三", "id_number": "110105194912310021"})
    assert 'data-field-error="id_number"' in response.content.decode()
    assert not Customer.objects.exists()


def test_the_form_checks_shape_only_a_missing_name_and_an_overlong_note(client, consultant):
    response = _post(client, consultant, {"kind": "person", "name": "", "notes": "长" * 5001})

    page = response.content.decode()
    assert 'data-field-error="name"' in page and 'data-field-error="notes"' in page
    assert not Customer.objects.exists()


def test_the_form_page_offers_person_or_company_and_every_field(client, consultant):
    client.force_login(consultant)

    page = client.get(URL).content.decode()

    for name in ("kind", "name", "contact_name", "mobile", "wechat_id", "gender", "city", "district", "id_number",
                 "source", "tags", "notes"):
        assert f'name="{name}"' in page
    assert 'value="company"' in page


def test_a_receptionist_may_not_file_customers_here(client, receptionist):
    response = _post(client, receptionist, {"kind": "person", "name": "张三"})

    assert response.status_code == 403
    assert not Customer.objects.exists()
