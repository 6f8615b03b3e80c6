"""Test harnesses shipped with the package (the transcript runner behind `smsapp flows test`)."""
