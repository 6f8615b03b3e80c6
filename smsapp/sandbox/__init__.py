"""The sandbox: simulated phones in a sandbox group, on a clock the coordinator controls.

Texts go through smsapp.receive.receive_sms, the webhook's own edge; only the clock and
the transport differ, so what a coordinator tries here is what members would get.
"""
