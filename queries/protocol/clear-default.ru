# PUT: empty the default graph first.
DROP SILENT DEFAULT
