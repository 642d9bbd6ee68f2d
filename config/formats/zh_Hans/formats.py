"""Numbers as Chinese dealers print prices: ¥600,000.00 (Django's zh-hans default groups nothing)."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
DECIMAL_SEPARATOR = "."
