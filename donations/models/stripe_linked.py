"""What every ledger row that Stripe reports on shares: Stripe ids learnt one event at a
time, and the rule that older news never undoes newer."""


def is_older(as_of, known_as_of):
    """Whether news from Stripe (an event's time) predates what a row already knows."""
    return bool(as_of and known_as_of and as_of < known_as_of)


class StripeLinked:
    """Rows that learn their Stripe ids one event at a time."""

    def link_stripe(self, **ids):
        """Fill in Stripe ids we did not know yet; never overwrite one we have. Returns the
        names of the fields filled in."""
        changed = self.fill_stripe_ids(**ids)
        if changed:
            auto = [field.name for field in self._meta.fields if getattr(field, "auto_now", False)]
            self.save(update_fields=[*changed, *auto])
        return changed

    def fill_stripe_ids(self, **ids):
        """`link_stripe` in memory only, for a caller that saves many rows at once."""
        changed = [name for name, value in ids.items() if value and not getattr(self, name)]
        for name in changed:
            setattr(self, name, ids[name])
        return changed
