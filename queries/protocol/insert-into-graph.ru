# PUT or POST: the triples into a named graph (INSERT, not INSERT DATA: see insert-into-default.ru).
INSERT { GRAPH $graph {
$triples
} } WHERE {}
