"""The headers of a supporter's pages: personal, so never cached anywhere nor indexed."""

import functools

from django.shortcuts import redirect

from donations.supporters import sign_in


def private_page(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def signed_in(view):
    """The view gets the signed-in address; without one, the sign-in form."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        email = sign_in.signed_in_email(request)
        if not email:
            return redirect("supporters:sign_in")
        return view(request, email, *args, **kwargs)

    return private_page(wrapped)
