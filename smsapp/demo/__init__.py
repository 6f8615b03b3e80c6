"""`make demo`: a believable organisation on a local database, without a Twilio account."""
