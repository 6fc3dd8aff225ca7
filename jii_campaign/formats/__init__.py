"""Date and number formats for the offered languages Django has none for (FORMAT_MODULE_PATH).
The others use Django's own (django/conf/locale/<locale>/formats.py)."""
