"""The enterprise's rights over its personal data (PIPL, issue 19 item 6): what is held about its
contacts, shown to its own users in full, and correction requests decided by its project's staff
through the `personal_data_correction` process."""
