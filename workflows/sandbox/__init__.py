"""The expression sandbox's evaluation: a bounded interpreter for checked expressions.

workflows/expressions.py parses an expression and admits it only if every node is on its
allow-list; this package evaluates the admitted tree with a budget (limits.py), so that an
expression that is allowed but costly (a 100 MB string, a quadratic sum, a huge number) ends
as an error of the instance that evaluated it, quickly, instead of holding a worker.
"""
