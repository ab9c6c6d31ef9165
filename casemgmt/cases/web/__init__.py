"""Staff pages for service cases: the list, the case, the window intake, the operator board."""
