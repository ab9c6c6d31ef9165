"""The archive's pages: reading, recording and correcting outcomes, the printable and XLSX sheets."""
