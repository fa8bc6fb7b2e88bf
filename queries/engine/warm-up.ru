# Parsed (never run) by the engine supervisor before it forks its engines: rdflib's update grammar, as
# warm-up.rq does for queries.
LOAD <http://localhost/> ; INSERT DATA { <a:s> <a:p> 1 }
