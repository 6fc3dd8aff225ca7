from django import template

from donations.models import Donation, StatementLine

register = template.Library()


@register.simple_tag
def transfers_waiting():
    """Bank-transfer pledges not yet received, across campaigns."""
    return Donation.objects.filter(
        channel=Donation.Channel.BANK_TRANSFER, status=Donation.Status.PENDING
    ).count()


@register.simple_tag
def lines_to_resolve():
    return StatementLine.objects.filter(status=StatementLine.Status.UNMATCHED).count()
