"""The public giving path: the donation form, confirmation, thank-you, manage
links, the receipt link."""
