"""The thinnest Flask + pyoxigraph SPARQL GET handler: the baseline our endpoint is measured against.

No negotiation, limits, caching, metrics or error handling: one in-memory store per worker, loaded
from the N-Quads file named by THIN_FLASK_NQUADS, and SPARQL JSON out.
Run: THIN_FLASK_NQUADS=data.nq granian --interface wsgi --workers 2 --blocking-threads 8 benchmarks.thin_flask:app
(or under gunicorn: gunicorn -k gthread -w 2 --threads 8 benchmarks.thin_flask:app)
"""

from __future__ import annotations

import os

import pyoxigraph as ox
from flask import Flask, Response, request

app = Flask(__name__)
store = ox.Store()
store.bulk_load(path=os.environ["THIN_FLASK_NQUADS"], format=ox.RdfFormat.N_QUADS)


@app.get("/sparql")
def sparql() -> Response:
    results = store.query(request.args["query"], use_default_graph_as_union=True)
    return Response(
        results.serialize(format=ox.QueryResultsFormat.JSON), content_type="application/sparql-results+json"
    )
