"""The engine processes: supervised, killable processes that evaluate every query (docs/endpoint.md)."""
