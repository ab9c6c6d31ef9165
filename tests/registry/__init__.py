"""The project registry: seed data of the 2024 notice, catalogue, identifier validators."""
