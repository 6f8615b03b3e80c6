"""The conversation layer: the inbound router, commands, flow conversations, crisis
handling and the timer fires that start conversations. It imports domain and core."""
