"""The HTTP edge every app shares: hostile input refused before any view, the API's one error
format, the pages' error helpers and error pages, bounded paging and filter values, API tokens."""
