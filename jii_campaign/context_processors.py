"""Values every public template needs: the organisation and the footer's pages."""

from django.utils.functional import SimpleLazyObject

from campaigns.models import Organisation, Page


def site(request):
    return {
        "organisation": SimpleLazyObject(Organisation.current),
        "footer_pages": SimpleLazyObject(lambda: list(Page.objects.filter(show_in_footer=True))),
    }
