"""The browser tests of whole journeys through the sales process; their fixtures (`browser`, `open_page`) are in the
root conftest.py, shared with the browser tests of each app."""
