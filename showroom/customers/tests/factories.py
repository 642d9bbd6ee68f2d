import factory

from showroom.accounts.tests.factories import StoreFactory
from showroom.customers.models import Customer
from showroom.customers.pinyin import pinyin_keys


def _mobile(n: int) -> str:
    return f"139{n:08d}"


class CustomerFactory(factory.django.DjangoModelFactory):
    """A filed customer. Built directly (not through the service) only for read-side tests."""

    class Meta:
        model = Customer

    store = factory.SubFactory(StoreFactory)
    name = factory.Faker("name", locale="zh_CN")
    mobile = factory.Sequence(_mobile)
    mobile_last4 = factory.LazyAttribute(lambda o: (o.mobile or "")[-4:])
    name_pinyin = factory.LazyAttribute(lambda o: pinyin_keys(o.name)[0])
    name_initials = factory.LazyAttribute(lambda o: pinyin_keys(o.name)[1])
