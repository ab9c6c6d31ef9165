"""The enterprise archive (一企一档): outcomes, the archive's timeline, the 服务情况统计表 exports; its rules,
pages and API.
"""
