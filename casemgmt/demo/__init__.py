"""The demo programme a fresh `scripts/run` shows: service cases at every stage, a scorecard being
filled in, a project named district-level, one under guidance, a quarter's typical cases and an
instance in error with a fixed version deployed.

Everything is produced through the real processes and services, by the demo users, in the order
real work would happen; nothing is inserted finished. Each item has a fixed key and is made only
when it is missing, so running the seed again adds nothing (`programme.load_demo_programme`).
"""
