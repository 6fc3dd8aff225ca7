"""What in a stored Stripe payload is a person's: the one rule both the retention command
(`scrub_stripe_events`) and erasure on request (`anonymize_donor`) apply."""

# Where Stripe objects carry a person's details; whatever holds them is replaced with null.
PERSONAL_FIELDS = frozenset(
    {
        "address",
        "billing_details",
        "collected_information",
        "custom_fields",
        "customer_address",
        "customer_details",
        "customer_email",
        "customer_name",
        "customer_phone",
        "customer_shipping",
        "customer_tax_ids",
        "email",
        "evidence",  # a dispute's evidence: the donor's name, addresses, messages
        "instructions_email",  # a refund's, for methods Stripe cannot refund by itself
        "name",
        "phone",
        "receipt_email",
        "shipping",
        "shipping_details",
    }
)
# Metadata the site itself writes; any other metadata value may be a donor's.
OUR_METADATA = frozenset({"donation_id", "campaign", "frequency"})


def scrubbed(value, known: frozenset[str] = frozenset()):
    """The payload without personal data, and without any string that is one of `known`
    (lower-cased: a donor's name or address met elsewhere); ids, amounts, types and times stay."""
    if isinstance(value, list):
        return [scrubbed(item, known) for item in value]
    if isinstance(value, str):
        return None if value.strip().lower() in known else value
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key in PERSONAL_FIELDS:
            result[key] = None
        elif key == "metadata" and isinstance(item, dict):
            result[key] = {name: v if name in OUR_METADATA else None for name, v in item.items()}
        else:
            result[key] = scrubbed(item, known)
    return result
