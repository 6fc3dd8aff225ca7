"""An update as an e-mail: plain text and HTML in the recipient's language, with the sender's
name, address and contact (特定電子メール法) and a one-click unsubscribe (RFC 8058: the
`List-Unsubscribe` and `List-Unsubscribe-Post` headers, and a visible link)."""

from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from jii_campaign import kept_content
from updates.unsubscribe_links import unsubscribe_url


def message(update, email: str, language: str, *, test=False) -> EmailMultiAlternatives:
    organisation = kept_content.organisation()
    with translation.override(language):
        link = unsubscribe_url(email, language)
        context = {
            "update": update,
            "organisation": organisation,
            "unsubscribe_url": link,
            "page_url": settings.SITE_URL + update.get_absolute_url(),
            "image_url": _absolute(update.image.url) if update.image else "",
            "test": test,
        }
        subject = render_to_string("updates/email/update_subject.txt", context).strip()
        text = render_to_string("updates/email/update.txt", context)
        html = render_to_string("updates/email/update.html", context)
    mail = EmailMultiAlternatives(
        subject,
        text,
        _sender(organisation),
        [email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    mail.attach_alternative(html, "text/html")
    return mail


def _absolute(url):
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def _sender(organisation):
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if not (organisation and organisation.short_name and address):
        return settings.DEFAULT_FROM_EMAIL
    return str(Address(display_name=organisation.short_name, addr_spec=address))
