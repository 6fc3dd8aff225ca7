"""A supporter's own page (マイページ): sign-in by e-mailed link, every gift of the address,
receipts, changes to a monthly gift and the supporter's preferences."""
