# DELETE of the default graph (Graph Store Protocol).
DROP DEFAULT
