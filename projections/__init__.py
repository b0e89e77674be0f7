"""Read models derived from the event log (institution ledger, deadlines, costs, reconciliation).

Not built yet: see the projections and deadlines issues. Nothing here is relied on by the core.
"""
