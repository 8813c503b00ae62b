"""The hello project."""
