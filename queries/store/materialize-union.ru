# After a load: the default graph becomes the set union of the named graphs, each distinct triple once
# (Oxigraph's own union of the graphs is a bag). Run by the build, and on peers loaded for comparison.
INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }
