"""Cache backends: local memory, Redis, the database, dummy (CACHES["..."]["BACKEND"])."""
