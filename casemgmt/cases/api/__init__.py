"""The cases' REST endpoints: list, detail, intake, withdrawal and cancellation."""
