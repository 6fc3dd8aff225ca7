"""The bank pledge form (/donate/bank/) as a donor fills it in."""

from tests.support.fake_stripe import form_fields


def pledge_form(client, campaign, **fields):
    page = client.get(f"/donate/bank/?campaign={campaign.slug}")
    data = form_fields(page, "/donate/bank/")
    data.update(
        {
            "frequency": "once",
            "amount": "5,000",
            "donor_name": "佐藤 一郎",
            "donor_email": "ichiro@example.jp",
            "public_name": "anonymous",
            "agree_terms": "on",
            **fields,
        }
    )
    return client.post("/donate/bank/", data)
