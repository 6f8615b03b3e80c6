"""Which outbound texts belong to a sandbox: those never go to Twilio.

A text is a sandbox text when its member is in a sandbox group, its user facilitates
only sandbox groups, or its case was opened in a sandbox group
(`services/core/delivery.sandboxed_ids`). The send path hands those to the runtime's
sandbox transport (`Runtime.transport_for`), a local one the simulator reads.
"""

from __future__ import annotations

from smsapp.runtime import Runtime
from smsapp.transport.local import LocalTransport


def sandbox_transport(runtime: Runtime) -> LocalTransport:
    """The process's local transport for sandbox texts."""
    transport = runtime.sandbox_transport
    assert isinstance(transport, LocalTransport)
    return transport
