# PUT: empty the named graph first.
DROP SILENT GRAPH $graph
