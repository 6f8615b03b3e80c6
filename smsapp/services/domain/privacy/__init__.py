"""Privacy: key rotation, retention, a member's rights (export, erasure)."""
