"""Channel adapters: each translates one platform's payloads to the core's types and back."""
