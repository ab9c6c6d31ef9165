"""The registry: projects and their service catalogue, stations and staff, enterprises and the
changes intakes propose for them, technical institutions; its rules, seeds, pages and API.
"""
