import factory

from showroom.accounts.tests.factories import StoreFactory
from showroom.core.choices import Channel, Source
from showroom.customers.services import customers_sync_shared
from showroom.customers.tests.factories import CustomerFactory
from showroom.leads.models import Lead


class LeadFactory(factory.django.DjangoModelFactory):
    """An open lead at first contact, in its owner's store. Deeper states are reached through services."""

    class Meta:
        model = Lead
        skip_postgeneration_save = True

    owner = None
    store = factory.LazyAttribute(lambda o: o.owner.store if o.owner else StoreFactory())
    customer = factory.SubFactory(CustomerFactory, store=factory.SelfAttribute("..store"), owner=factory.SelfAttribute("..owner"))
    channel = Channel.SHOWROOM
    source = Source.WALK_IN

    @factory.post_generation
    def sync_shared(obj, create, extracted, **kwargs):
        """As the services do: a lead with someone other than the customer's consultant shares the customer."""
        if create:
            customers_sync_shared([obj.customer_id])
