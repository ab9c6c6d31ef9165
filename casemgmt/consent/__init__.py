"""Notice and consent (PIPL, issue 19 item 2): the privacy notice every intake shows, the consent
each intake must carry, and the record of it kept with the case."""
