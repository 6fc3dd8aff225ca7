"""Parameters Stripe accepts for creating a Checkout session, for tests that call the gateway
themselves (what the fake refuses, which locales Stripe has)."""


def one_time_session(**changes) -> dict:
    """A one-time Checkout session in yen, by card, with `changes` over it."""
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "jpy",
                    "unit_amount": 3000,
                    "product_data": {"name": "Donation"},
                },
            }
        ],
        "success_url": "https://example.org/thanks/",
        "allowed_payment_method_types": ["card"],
    }
    params.update(changes)
    return params
