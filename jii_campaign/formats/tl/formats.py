# Tagalog/Filipino: month first, as in the Philippines. Numeric, because Django has no Tagalog
# catalogue for month names (they would fall back to the site's default language, Japanese).
DATE_FORMAT = "n/j/Y"
TIME_FORMAT = "G:i"  # AM/PM would need Django's catalogue too
DATETIME_FORMAT = "n/j/Y G:i"
YEAR_MONTH_FORMAT = "n/Y"
MONTH_DAY_FORMAT = "n/j"
SHORT_DATE_FORMAT = "n/j/Y"
SHORT_DATETIME_FORMAT = "n/j/Y G:i"
FIRST_DAY_OF_WEEK = 0  # Sunday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
