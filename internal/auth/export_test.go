package auth

// CheckPassword lets the external tests check hashes directly.
var CheckPassword = checkPassword
