"""Values every public template needs: the organisation and the footer's pages."""

from django.utils.functional import SimpleLazyObject

from jii_campaign import kept_content


def site(request):
    return {
        "organisation": SimpleLazyObject(kept_content.organisation),
        "footer_pages": SimpleLazyObject(kept_content.footer_pages),
    }
