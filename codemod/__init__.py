"""aoai-migrate: move Azure OpenAI code from the dated API to the v1 API."""

__version__ = "0.1.0"
