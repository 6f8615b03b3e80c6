"""The rules. Services take a Session, never import Flask, and leave commits to the edge."""
