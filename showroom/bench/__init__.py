"""`make bench`: a large data set in its own database, and the server times of the pages people wait for.

    uv run python -m showroom.bench [--size N] [--repeat N] [--reuse] [--database-url URL] [--out FILE]

generate.py builds the data set (the real schema through `migrate`, then bulk inserts), measure.py times
the real URLs through Django's test client, report.py prints the table and writes the JSON.
"""
