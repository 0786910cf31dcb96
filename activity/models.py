from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Order(models.Model):
    """A trade between a buyer and a seller (A.4): goods, price and delivery."""

    class Status(models.TextChoices):
        PLACED = "placed", _("Placed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_bought"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_sold"
    )
    goods_type = models.CharField(_("type of goods"), max_length=120)
    specification = models.TextField(_("specification"), blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    price = models.DecimalField(_("price"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    delivery_terms = models.CharField(_("delivery terms"), max_length=120, blank=True)
    delivery_address = models.TextField(_("delivery address"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    ordered_at = models.DateTimeField(_("ordered at"), db_index=True)

    class Meta:
        ordering = ["-ordered_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return _("Order %(id)s: %(goods)s") % {"id": self.pk, "goods": self.goods_type}


class Shipment(models.Model):
    """A shipment of an order and its tracking number (A.3)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(_("carrier"), max_length=80)
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    shipped_at = models.DateTimeField(_("shipped at"))

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return f"{self.carrier} ({self.shipped_at:%Y-%m-%d})"


class TradeDispute(models.Model):
    """A dispute raised about an order (A.4)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="disputes")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_raised"
    )
    reason = models.CharField(_("reason"), max_length=120)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    opened_at = models.DateTimeField(_("opened at"))

    class Meta:
        verbose_name = _("trade dispute")
        verbose_name_plural = _("trade disputes")

    def __str__(self) -> str:
        return _("Dispute %(id)s (%(status)s)") % {
            "id": self.pk,
            "status": self.get_status_display(),
        }


class ForumPost(models.Model):
    """A post in a discussion forum: voluntary information, public (B.8, C.3)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_posts"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    posted_at = models.DateTimeField(_("posted at"))

    class Meta:
        ordering = ["-posted_at"]
        verbose_name = _("forum post")
        verbose_name_plural = _("forum posts")

    def __str__(self) -> str:
        return self.title


class CompanyProfile(models.Model):
    """A seller's or buyer's published company profile: voluntary information (B.8)."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_profile"
    )
    company_name = models.CharField(_("registered company name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profiles")

    def __str__(self) -> str:
        return self.company_name


class Lead(models.Model):
    """A contact collected at a trade fair or industry event (A.5); may belong to no account.

    It is linked to an account once that account's verified email or phone matches.
    """

    event_name = models.CharField(_("event"), max_length=200)
    event_date = models.DateField(_("event date"))
    full_name = models.CharField(_("name"), max_length=200)
    company_name = models.CharField(_("company"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    fax = models.CharField(_("fax"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    matched_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
    )
    collected_at = models.DateTimeField(_("collected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trade-fair lead")
        verbose_name_plural = _("trade-fair leads")
        indexes = [models.Index(models.functions.Lower("email"), name="activity_lead_email_lower")]

    def __str__(self) -> str:
        return _("Lead %(id)s (%(event)s)") % {"id": self.pk, "event": self.event_name}


class PageView(models.Model):
    """One page seen by a visitor (A.6): the product's largest table.

    The table is partitioned by month of ``viewed_at`` on PostgreSQL (see the
    migration), so retention drops whole partitions instead of deleting rows,
    and one subject's rows are found through the (user, time) and
    (visitor, time) indexes.
    """

    pk = models.CompositePrimaryKey("id", "viewed_at")
    id = models.BigIntegerField(
        db_default=models.Func(models.Value("activity_pageview_id_seq"), function="nextval"),
        editable=False,
    )
    viewed_at = models.DateTimeField(_("viewed at"))
    visitor_id = models.CharField(_("visitor id"), max_length=64)
    session_id = models.CharField(_("session"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    browser = models.CharField(_("browser"), max_length=100, blank=True)
    operating_system = models.CharField(_("operating system"), max_length=100, blank=True)
    path = models.CharField(_("page"), max_length=2000)

    class Meta:
        managed = False
        db_table = "activity_pageview"
        ordering = ["-viewed_at"]
        verbose_name = _("page view")
        verbose_name_plural = _("page views")

    def __str__(self) -> str:
        return f"{self.path} at {self.viewed_at:%Y-%m-%d %H:%M}"
