"""A cheering message left with a gift (online or by transfer): it waits, unseen by anyone but
staff, until the gift is paid (`Donation.release_support_message`), then carries a donor mark."""

from testimonials.models import SupportMessage


def attach_support_message(donation, body: str):
    donation.support_message = SupportMessage.objects.create(
        campaign=donation.campaign,
        display_name=donation.public_display_name(),
        body=body,
        relation=SupportMessage.Relation.DONOR,
        from_donor=True,
        status=SupportMessage.Status.AWAITING_GIFT,
    )
    donation.save(update_fields=["support_message"])
