"""Storage: one store port, SQLite (embedded default) and PostgreSQL (several replicas)."""
