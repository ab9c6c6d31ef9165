"""Service stations (服务站): the physical sites of a project, their staff and public contacts."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from casemgmt.registry.validators import check_cn_phone

from .registry import ServiceProject


class ServiceStation(models.Model):
    project = models.ForeignKey(
        ServiceProject, verbose_name=_("service project"), on_delete=models.PROTECT, related_name="stations"
    )
    name = models.CharField(_("station name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    # Blank when the station has no window: the notice then asks the station's staff to serve.
    service_window = models.CharField(_("service window"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    complaint_phone = models.CharField(
        _("complaint phone"), max_length=32, blank=True, validators=[check_cn_phone]
    )
    online_channel = models.URLField(_("online service channel"), blank=True)
    # Keys of casemgmt.registry.catalogue items ("metrology.1"); checked against the catalogue on save.
    published_items = ArrayField(
        models.CharField(max_length=32), verbose_name=_("published service items"), default=list, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["project", "name"]
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")

    def __str__(self) -> str:
        return self.name


class StaffPost(models.TextChoices):
    """The posts scorecard indicator 4 asks about."""

    FULL_TIME_SPECIALIST = "full_time_specialist", _("Full-time quality specialist")
    PART_TIME_SPECIALIST = "part_time_specialist", _("Part-time quality specialist")
    MANAGER = "manager", _("Manager")
    OTHER = "other", _("Other staff")


class StationStaff(models.Model):
    Post = StaffPost

    station = models.ForeignKey(
        ServiceStation, verbose_name=_("service station"), on_delete=models.CASCADE, related_name="staff"
    )
    name = models.CharField(_("name"), max_length=100)
    post = models.CharField(_("post"), max_length=32, choices=StaffPost.choices)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[check_cn_phone])
    email = models.EmailField(_("email"), blank=True)
    has_management_experience = models.BooleanField(_("has management experience"), default=False)
    # Shown on the public page as a contact of the station.
    is_public_contact = models.BooleanField(_("public contact"), default=False)

    class Meta:
        ordering = ["station", "post", "name"]
        verbose_name = _("station staff member")
        verbose_name_plural = _("station staff")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_post_display()})"
