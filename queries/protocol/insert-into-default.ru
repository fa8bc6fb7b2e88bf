# PUT or POST: the triples into the default graph. INSERT with an empty WHERE, not INSERT DATA: Virtuoso
# refuses blank nodes in INSERT DATA.
INSERT {
$triples
} WHERE {}
