"""Exports of the archive area: the 服务情况统计表 (Attachment 2's appendix) as XLSX and print."""
