# Django's Arabic formats have no short date-time format (the US default would apply): day first,
# as in Morocco.
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
