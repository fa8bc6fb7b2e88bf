# DELETE of a named graph (Graph Store Protocol).
DROP GRAPH $graph
