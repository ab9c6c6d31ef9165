"""Where people work: the task inbox (tabs, filters, saved filters, paging) and the task page
(instructions, generated form, related facts, history, diagram).
"""
