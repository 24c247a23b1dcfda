package importer

// ValueReason exposes the guard's value check to the external tests.
var ValueReason = valueReason
