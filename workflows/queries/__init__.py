"""The engine's read side: which instances and tasks a user sees, and how a list of them is paged
and counted. The API (workflows/api) and the pages (workflows/web, casemgmt/web) both read
through here, so a list means the same thing wherever it is shown.

- tasks.py: which tasks each view (inbox, mine, claimable, overdue, completed) holds, defined once;
- task_pages.py: one page of a view and its capped counts, through the views' own indexes;
- instances.py: which process instances a user may see, and the instance list's filters.
"""
