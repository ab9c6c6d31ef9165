"""Who is who and where: roles, memberships and the candidate groups they give, lane resolution,
the working-day calendar, who may see what (scopes), the shared rule predicates.
"""
