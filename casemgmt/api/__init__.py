"""The domain's REST endpoints, one URL module per area."""
