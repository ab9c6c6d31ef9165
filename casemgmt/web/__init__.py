"""The site shell: the root of the domain's page URLs (each area keeps its own), the header, the
account page, and the form field widget the hand-built forms share.
"""
