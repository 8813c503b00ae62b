"""An app of writers, novels and chapters for the admin's tests."""
