"""The directory: countries, people, roles and channel identities; CSV import and export."""
