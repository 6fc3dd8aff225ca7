# やさしい日本語: dates as Japanese readers know them (2026年12月7日), never month names.
DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "G時i分"
DATETIME_FORMAT = "Y年n月j日 G時i分"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d G:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
