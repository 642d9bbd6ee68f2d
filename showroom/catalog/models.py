"""The product catalog: the store's brand and its competitors, series, trims with the specs a quote and a
comparison need, colours, option packages and accessories. Shared by the dealer group's stores."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from showroom.core.models import TimeStampedModel


class Powertrain(models.TextChoices):
    PETROL = "petrol", _("Petrol")
    DIESEL = "diesel", _("Diesel")
    HYBRID = "hev", _("Hybrid")
    PLUG_IN_HYBRID = "phev", _("Plug-in hybrid")
    RANGE_EXTENDER = "erev", _("Range-extended electric")
    ELECTRIC = "bev", _("Battery electric")

    @classmethod
    def new_energy(cls) -> frozenset[str]:
        """New-energy vehicles (新能源): the purchase-tax reduction and the vessel-tax exemption apply."""
        return frozenset({cls.PLUG_IN_HYBRID, cls.RANGE_EXTENDER, cls.ELECTRIC})

    @classmethod
    def with_engine(cls) -> frozenset[str]:
        """Powertrains with a combustion engine: the displacement is required (vehicle and vessel tax)."""
        return frozenset({cls.PETROL, cls.DIESEL, cls.HYBRID, cls.PLUG_IN_HYBRID, cls.RANGE_EXTENDER})

    @classmethod
    def with_battery(cls) -> frozenset[str]:
        """Powertrains that charge from the grid: battery capacity and electric range are required."""
        return frozenset({cls.PLUG_IN_HYBRID, cls.RANGE_EXTENDER, cls.ELECTRIC})


# The tax listings of a new-energy trim (Trim.nev_tax_catalogue, Trim.vessel_tax_exempt).
TAX_LISTINGS = ("nev_tax_catalogue", "vessel_tax_exempt")


class BodyType(models.TextChoices):
    SEDAN = "sedan", _("Sedan")
    HATCHBACK = "hatchback", _("Hatchback")
    FASTBACK = "fastback", _("Fastback")
    ESTATE = "estate", _("Estate")
    SUV = "suv", _("SUV")
    COUPE_SUV = "coupe_suv", _("Coupé SUV")
    MPV = "mpv", _("MPV")
    COUPE = "coupe", _("Coupé")
    CONVERTIBLE = "convertible", _("Convertible")


class Drive(models.TextChoices):
    FRONT = "fwd", _("Front-wheel drive")
    REAR = "rwd", _("Rear-wheel drive")
    ALL = "awd", _("All-wheel drive")


class ColourKind(models.TextChoices):
    EXTERIOR = "exterior", _("Exterior")
    INTERIOR = "interior", _("Interior")


class Brand(TimeStampedModel):
    """A car brand: the store's own (Audi) or a competitor's."""

    group = models.ForeignKey("accounts.DealerGroup", verbose_name=_("dealer group"), on_delete=models.CASCADE,
                              related_name="brands")
    name = models.CharField(_("name"), max_length=50)
    is_own = models.BooleanField(_("our brand"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["-is_own", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="brand_unique_name")]

    def __str__(self) -> str:
        return self.name


class Series(TimeStampedModel):
    """A model line (车系), e.g. A6L or Q5L Sportback."""

    brand = models.ForeignKey(Brand, verbose_name=_("brand"), on_delete=models.CASCADE, related_name="series")
    name = models.CharField(_("name"), max_length=50)
    maker = models.CharField(_("maker"), max_length=50, blank=True, help_text=_("e.g. FAW-Audi, SAIC Audi, import"))
    body_type = models.CharField(_("body type"), max_length=20, choices=BodyType.choices)
    is_active = models.BooleanField(_("on sale"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["brand", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="series_unique_name")]

    def __str__(self) -> str:
        return f"{self.brand.name} {self.name}" if not self.brand.is_own else self.name


class Trim(TimeStampedModel):
    """A version of a series for a model year (车型/配置), with its guide price and specifications."""

    series = models.ForeignKey(Series, verbose_name=_("series"), on_delete=models.CASCADE, related_name="trims")
    name = models.CharField(_("name"), max_length=100)
    model_year = models.PositiveSmallIntegerField(_("model year"))
    guide_price = models.DecimalField(_("guide price"), max_digits=12, decimal_places=2)
    powertrain = models.CharField(_("powertrain"), max_length=10, choices=Powertrain.choices)
    displacement_cc = models.PositiveIntegerField(_("displacement (cc)"), null=True, blank=True)
    battery_kwh = models.DecimalField(_("battery (kWh)"), max_digits=5, decimal_places=1, null=True, blank=True)
    range_km = models.PositiveIntegerField(_("electric range (km, CLTC)"), null=True, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"))
    drive = models.CharField(_("drive"), max_length=5, choices=Drive.choices)
    power_kw = models.PositiveIntegerField(_("power (kW)"), null=True, blank=True)
    acceleration_s = models.DecimalField(_("0–100 km/h (s)"), max_digits=4, decimal_places=1, null=True, blank=True)
    length_mm = models.PositiveIntegerField(_("length (mm)"), null=True, blank=True)
    wheelbase_mm = models.PositiveIntegerField(_("wheelbase (mm)"), null=True, blank=True)
    key_equipment = models.TextField(_("key equipment"), blank=True, help_text=_("One item per line."))
    # Tax listings of a new-energy trim (always False for any other powertrain): the quote takes the NEV purchase-tax
    # reduction and the vehicle and vessel tax exemption from them.
    nev_tax_catalogue = models.BooleanField(_("listed for the NEV purchase-tax reduction"), default=False,
                                            help_text=_("In the MIIT catalogue of new-energy cars whose purchase tax is reduced."))
    vessel_tax_exempt = models.BooleanField(_("listed as exempt from vehicle and vessel tax"), default=False,
                                            help_text=_("Plug-in hybrids and range extenders in the exemption catalogue; a "
                                                        "battery electric car is outside the tax."))
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("trim")
        verbose_name_plural = _("trims")
        ordering = ["series", "-model_year", "guide_price", "name"]
        constraints = [
            models.UniqueConstraint(fields=["series", "model_year", "name"], name="trim_unique_name"),
            models.CheckConstraint(condition=Q(guide_price__gt=0), name="trim_guide_price_positive"),
            models.CheckConstraint(condition=Q(seats__gte=1, seats__lte=9), name="trim_seats_range"),
            models.CheckConstraint(
                condition=Q(powertrain__in=sorted(Powertrain.new_energy())) | Q(nev_tax_catalogue=False, vessel_tax_exempt=False),
                name="trim_tax_listings_new_energy_only"),
        ]
        indexes = [
            models.Index(fields=["powertrain", "guide_price"], name="trim_powertrain_price"),
            models.Index(fields=["guide_price"], name="trim_price"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.model_year} {self.name}"

    @property
    def is_new_energy(self) -> bool:
        return self.powertrain in Powertrain.new_energy()

    @property
    def outside_vessel_tax(self) -> bool:
        """A battery electric car pays no vehicle and vessel tax, listed or not."""
        return self.powertrain == Powertrain.ELECTRIC

    @property
    def equipment_list(self) -> list[str]:
        return [line.strip() for line in self.key_equipment.splitlines() if line.strip()]


class Colour(TimeStampedModel):
    """An exterior paint or interior trim colour of a series, with its surcharge (0 for standard)."""

    series = models.ForeignKey(Series, verbose_name=_("series"), on_delete=models.CASCADE, related_name="colours")
    kind = models.CharField(_("kind"), max_length=10, choices=ColourKind.choices, default=ColourKind.EXTERIOR)
    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("code"), max_length=20, blank=True)
    surcharge = models.DecimalField(_("surcharge"), max_digits=10, decimal_places=2, default=0)
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("colour")
        verbose_name_plural = _("colours")
        ordering = ["series", "kind", "surcharge", "name"]
        constraints = [
            models.UniqueConstraint(fields=["series", "kind", "name"], name="colour_unique_name"),
            models.CheckConstraint(condition=Q(surcharge__gte=0), name="colour_surcharge_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class OptionPackage(TimeStampedModel):
    """A factory option package (选装包) for a series, with its price."""

    series = models.ForeignKey(Series, verbose_name=_("series"), on_delete=models.CASCADE, related_name="options")
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("option package")
        verbose_name_plural = _("option packages")
        ordering = ["series", "name"]
        constraints = [
            models.UniqueConstraint(fields=["series", "name"], name="option_unique_name"),
            models.CheckConstraint(condition=Q(price__gte=0), name="option_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Accessory(TimeStampedModel):
    """A dealer accessory (精品) with its price; fits every series of the brand when no series is given."""

    brand = models.ForeignKey(Brand, verbose_name=_("brand"), on_delete=models.CASCADE, related_name="accessories")
    series = models.ForeignKey(Series, verbose_name=_("series"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="accessories")
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=30, blank=True)
    category = models.CharField(_("category"), max_length=50, blank=True)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("accessory")
        verbose_name_plural = _("accessories")
        ordering = ["brand", "category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="accessory_unique_name"),
            models.CheckConstraint(condition=Q(price__gte=0), name="accessory_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name
