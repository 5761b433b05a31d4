// Guild pages: small progressive enhancements only; every page works without it.
