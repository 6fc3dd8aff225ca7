from django import template

from testimonials.models import SupportMessage

register = template.Library()


@register.simple_tag
def messages_waiting():
    """How many cheering messages wait for a member of staff."""
    return SupportMessage.objects.waiting().count()
