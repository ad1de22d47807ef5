"""Excel exports of the network register (run by the export framework with the asking user)."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from intro_sodertorn import access
from intro_sodertorn.exports import register_export

from . import services
from .models import Contact, Network


@register_export("natverk.members")
def build_members(job, writer, progress):
    """A network's current members: name, organisation, municipality, role, work e-mail and phone."""
    network = Network.objects.visible_to(job.user).get(pk=job.params["network_id"])
    sheet = writer.add_sheet(
        _("Members"),
        header=[_("Name"), _("Organisation"), _("Municipality"), _("Role"), _("Work e-mail"), _("Work phone")],
        preamble=[
            _("Current members of %(network)s") % {"network": network.name},
            _("Made %(date)s") % {"date": timezone.localdate().isoformat()},
        ],
        widths=[28, 32, 16, 28, 32, 18],
    )
    memberships = (
        network.memberships.current()
        .select_related("contact__organisation", "contact__municipality", "municipality")
        .order_by("municipality__name", "contact__name")
    )
    total = len(memberships)
    for index, membership in enumerate(memberships, start=1):
        contact = membership.contact
        municipality = membership.municipality or contact.municipality
        sheet.append(
            [
                contact.name,
                str(contact.organisation or ""),
                str(municipality or ""),
                membership.role,
                contact.email,
                contact.phone,
            ]
        )
        progress(index, total)
    return f"medlemmar-{slugify(network.name)}.xlsx"


@register_export("natverk.extract")
def build_extract(job, writer, progress):
    """A register extract for one contact: one sheet for the contact, one per kind of related record."""
    if not (access.is_strategist(job.user) or access.is_system_admin(job.user)):
        raise PermissionDenied
    contact = Contact.objects.visible_to(job.user).get(pk=job.params["contact_id"])
    data = services.contact_extract(contact)
    about = writer.add_sheet(_("About this extract"), header=[_("About this extract")])
    about.append([services.extract_explanation()])
    sheet = writer.add_sheet(
        _("Contact"), header=[pgettext("register extract", "Field"), pgettext("register extract", "Value")]
    )
    for key, value in data["contact"].items():
        sheet.append([key, value])
    sheets = [section for section in data["related"].values() if section["rows"]]
    for index, section in enumerate(sheets, start=1):
        header = list(section["rows"][0].keys())
        related_sheet = writer.add_sheet(section["title"][:31], header=header)
        for row in section["rows"]:
            related_sheet.append([row[key] for key in header])
        progress(index, len(sheets))
    return f"registerutdrag-kontakt-{contact.pk}.xlsx"
