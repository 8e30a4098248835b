"""The worker's stages, in the order a spooled mail passes them.

parse (parsers/) -> classify.py -> routing.py -> plan.py (with policy.py and
daemon/staff/) -> apply.py (one short transaction, with attachments.py and
bounces.py). pipeline.py runs them; a new rule field goes in routing.py.
"""
