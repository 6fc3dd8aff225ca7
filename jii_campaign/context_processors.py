"""Values every public template needs: the organisation and the footer's pages."""

from django.utils.functional import SimpleLazyObject

from jii_campaign.models import InfoPage, Organisation


def site(request):
    return {
        "organisation": SimpleLazyObject(Organisation.current),
        "footer_pages": SimpleLazyObject(
            lambda: list(InfoPage.objects.filter(show_in_footer=True))
        ),
    }
