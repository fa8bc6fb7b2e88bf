# PUT or POST to a named graph: the graph exists afterwards, even with no triple.
CREATE SILENT GRAPH $graph
